"""The audit actions of ticket handling (merged into ``audit_actions`` by the lead; until then
``services/handling.py`` imports this module so the actions are declared).

``HANDLING_ACTIONS`` maps the timeline entry a handling service writes to the audit action it also
records in the same transaction (the note is never audited: it may hold personal data).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.audit.registry import register_actions
from ecity.hotline.models import TicketEvent

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
    }
)
