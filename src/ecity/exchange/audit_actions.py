"""The audit actions of the data exchange (see ``ecity.audit.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.audit.registry import register_actions

# --- service registry and gateway (H3) ---
register_actions(
    {
        "exchange.service_registered": _("Exchange service registered or changed"),
        "exchange.service_enabled_set": _("Exchange service enabled or disabled"),
        "exchange.access_right_granted": _("Exchange access right granted"),
        "exchange.access_right_revoked": _("Exchange access right revoked"),
    }
)
