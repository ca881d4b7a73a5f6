from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "ecity.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        # Django's own authentication events are only available as signals.
        from ecity.audit import receivers
        from ecity.audit.services import audit_record
        from ecity.core.audit_hook import audit_hook_register

        receivers.connect()
        # Kernel services (signing-key vault, field keyring) audit through this hook.
        audit_hook_register(audit_record)
