"""The audit actions of the information resource centre (found by ``ecity.audit.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.audit.registry import register_actions

register_actions(
    {
        "registry.legal_entity_changed": _("Legal-entity record changed"),
        "registry.legal_entity_linked": _("Enterprise account linked to its registry record"),
    }
)
register_actions(
    {
        "registry.person_changed": _("Person record changed"),
        "registry.person_linked": _("Account linked to its person record"),
    },
    is_data_access=True,
)
