"""The audit actions audit records itself (found by ``ecity.audit.registry``).

Besides the audit trail's own acts, audit records Django's authentication signals (its
receivers), personal-data reads through ``audit_personal_data_read``, and key rotations of the
kernel (``core`` imports no app, so it cannot declare them itself).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.audit.registry import register_actions

register_actions(
    {
        "audit.searched": _("Audit trail searched"),
        "audit.exported": _("Audit trail exported"),
        "audit.verified": _("Audit chain verified"),
        "auth.login": _("Logged in"),
        "auth.login_failed": _("Failed login"),
        "auth.logout": _("Logged out"),
        "keys.rotated": _("Encryption keys rotated"),
        "keys.retired": _("Old keys retired"),
        "keys.trusted": _("Public key of another node trusted"),
        "events.replayed": _("Event deliveries replayed"),
    }
)
register_actions(
    {
        "personal_data.read": _("Personal data read"),
        "personal_data.write": _("Personal data changed"),
    },
    is_data_access=True,
)
