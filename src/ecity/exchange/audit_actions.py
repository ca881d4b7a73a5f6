"""The audit actions of the data exchange (see ``ecity.audit.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.audit.registry import register_actions

# --- H4: data connectors ---
register_actions(
    {
        "exchange.connector_saved": _("Data connector saved"),
        "exchange.connector_loaded": _("Data connector loaded a batch into a base registry"),
    }
)
# --- end H4 ---
