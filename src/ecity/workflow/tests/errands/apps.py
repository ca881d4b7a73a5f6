from django.apps import AppConfig


class ErrandsConfig(AppConfig):
    """Installed only by ``ecity.conf.test``: never part of a deployment."""

    name = "ecity.workflow.tests.errands"
    label = "workflow_errands"
    verbose_name = "Errands (workflow tests)"
