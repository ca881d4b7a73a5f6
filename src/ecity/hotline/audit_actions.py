"""The audit actions of the hotline (found by ``ecity.audit.registry``).

Every administrative act on a ticket (intake, answer at intake, dispatch) is recorded in the
transaction of the act; reads of a caller's personal data (the caller history an agent or the
telephony system opens) are data accesses.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.audit.registry import register_actions
from ecity.hotline.models import TicketEvent

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
# --- knowledge base (services/knowledge.py) ---
register_actions(
    {
        "hotline.knowledge_created": _("Knowledge article created"),
        "hotline.knowledge_edited": _("Knowledge article edited"),
        "hotline.knowledge_submitted": _("Knowledge article submitted for review"),
        "hotline.knowledge_published": _("Knowledge article approved and published"),
        "hotline.knowledge_sent_back": _("Knowledge article sent back to its author"),
        "hotline.knowledge_archived": _("Knowledge article archived"),
        "hotline.knowledge_proposed": _("Knowledge article proposed from a ticket's answer"),
    }
)

# --- handling, review and callback (services/handling.py, services/callbacks.py) ---
# The timeline entry a handling service writes → the audit action it records in the same
# transaction (the note is never audited: it may hold personal data).
A = TicketEvent.Action

HANDLING_ACTIONS: dict[str, str] = {
    A.SIGN: "ticket.signed",
    A.RETURN: "ticket.returned",
    A.TRANSFER: "ticket.transferred",
    A.EXTENSION_REQUEST: "ticket.extension_requested",
    A.EXTENSION_DECISION: "ticket.extension_decided",
    A.ASSIST_REQUEST: "ticket.assist_requested",
    A.NOTE: "ticket.assist_contributed",
    A.URGE: "ticket.urged",
    A.ANSWER: "ticket.answered",
    A.REVIEW_REJECT: "ticket.answer_sent_back",
    A.CLOSE: "ticket.closed",
    A.CALLBACK: "ticket.called_back",
    A.REOPEN: "ticket.reopened",
}

register_actions(
    {
        "ticket.signed": _("Hotline ticket signed for"),
        "ticket.returned": _("Hotline ticket returned to the dispatcher"),
        "ticket.transferred": _("Hotline ticket transferred"),
        "ticket.extension_requested": _("Extension of a hotline ticket requested"),
        "ticket.extension_decided": _("Extension of a hotline ticket decided"),
        "ticket.assist_requested": _("Assistance on a hotline ticket requested"),
        "ticket.assist_contributed": _("Assistance on a hotline ticket given"),
        "ticket.urged": _("Hotline ticket urged"),
        "ticket.answered": _("Hotline ticket answered"),
        "ticket.answer_sent_back": _("Answer to a hotline ticket sent back"),
        "ticket.closed": _("Hotline ticket closed"),
        "ticket.called_back": _("Citizen called back on a hotline ticket"),
        "ticket.reopened": _("Hotline ticket reopened"),
        "ticket.questionnaire_sent": _("Callback questionnaire sent to the caller by SMS"),
    }
)
# --- Open311 (hotline/open311) ---
register_actions(
    {
        "hotline.open311_client_created": _("Open311 client system registered"),
    }
)
# --- merging and publication (services/merging.py, services/publication.py) ---
register_actions(
    {
        "ticket.merged": _("Hotline ticket merged into another ticket"),
        "ticket.published": _("Hotline ticket published"),
        "ticket.unpublished": _("Hotline ticket withdrawn from publication"),
    }
)
# --- reference data: the category tree and the time limits (services/categories.py, limits.py)
register_actions(
    {
        "hotline.category_created": _("Hotline category added"),
        "hotline.category_edited": _("Hotline category edited"),
        "hotline.category_deactivated": _("Hotline category deactivated"),
        "hotline.category_reactivated": _("Hotline category reactivated"),
        "hotline.category_deleted": _("Hotline category deleted"),
        "hotline.limit_changed": _("Hotline time limit changed"),
        "hotline.limit_removed": _("Hotline time limit of a kind removed"),
    }
)
