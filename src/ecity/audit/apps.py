from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "ecity.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        # Django's own authentication events are only available as signals.
        from ecity.audit import receivers

        receivers.connect()
