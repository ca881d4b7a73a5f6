"""The audit actions of the hotline (found by ``ecity.audit.registry``).

Every administrative act on a ticket (intake, answer at intake, dispatch) is recorded in the
transaction of the act; reads of a caller's personal data (the caller history an agent or the
telephony system opens) are data accesses.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.audit.registry import register_actions

register_actions(
    {
        "ticket.received": _("Hotline ticket received"),
        "ticket.resolved_at_intake": _("Hotline ticket answered at intake"),
        "ticket.dispatched": _("Hotline ticket dispatched"),
    }
)
register_actions(
    {
        "ticket_caller_history.read": _("Caller's earlier hotline tickets read"),
    },
    is_data_access=True,
)
