"""The audit actions of the e-licence store (see ``ecity.audit.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.audit.registry import register_actions

register_actions(
    {
        "certificate.issued": _("Certificate issued"),
        "certificate.imported": _("Certificate imported from another issuer"),
        "certificate_type.defined": _("Certificate type defined"),
    }
)
# Shown to the holder on "who accessed my data" (revocation included, as before).
register_actions(
    {
        "certificate.read": _("Certificate downloaded"),
        "certificate.revoked": _("Certificate revoked"),
    },
    is_data_access=True,
)
