"""The audit actions of the service catalogue (see ``ecity.audit.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.audit.registry import register_actions

register_actions({"catalogue.version_published": _("Service version published")})
register_actions(
    {
        "catalogue.item_deactivated": _("Service item withdrawn"),
        "catalogue.item_reactivated": _("Service item offered again"),
    }
)
register_actions(
    {"catalogue.joint_service_published": _("Joint application (一件事) version published")}
)
