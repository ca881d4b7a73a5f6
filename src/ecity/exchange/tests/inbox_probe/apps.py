from django.apps import AppConfig


class InboxProbeConfig(AppConfig):
    """Installed only by ``ecity.conf.test``: never part of a deployment."""

    name = "ecity.exchange.tests.inbox_probe"
    label = "exchange_inbox_probe"
    verbose_name = "Inbox probe (exchange transport tests)"
