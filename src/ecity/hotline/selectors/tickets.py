"""Reads of tickets, with permission filtering built in.

Who sees what:

* the hotline centre's agents and dispatchers see the tickets awaiting dispatch and a caller's
  earlier tickets (``caller_ticket_list``; audited as a read of personal data by the caller);
* a citizen sees their own tickets (``citizen_ticket_list`` / ``citizen_ticket_get``);
* anyone holding a ticket's number and query code sees its public progress
  (``ticket_lookup``): status, public timeline steps and the answer, never the caller.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.accounts import Account
from ecity.core.errors import NotFound, PermissionDenied
from ecity.hotline.errors import HotlineErrorCode
from ecity.hotline.models import Ticket, TicketEvent
from ecity.hotline.numbers import phone_index, query_code_matches
from ecity.org.models import StaffRole
from ecity.org.selectors import user_has_role

CALLER_HISTORY_LIMIT = 20
AWAITING_DISPATCH = (Ticket.Status.RECEIVED, Ticket.Status.RETURNED)


def can_take_calls(*, actor: Account) -> bool:
    """Whether ``actor`` is a hotline agent (takes calls, answers at intake, dispatches)."""
    return user_has_role(user=actor, role=StaffRole.Role.HOTLINE_AGENT)


def can_dispatch(*, actor: Account) -> bool:
    """Whether ``actor`` may dispatch tickets (a hotline dispatcher, or an agent at intake)."""
    return user_has_role(user=actor, role=StaffRole.Role.HOTLINE_DISPATCHER) or can_take_calls(
        actor=actor
    )


def can_forward_letters(*, actor: Account) -> bool:
    """Whether ``actor`` may forward a mailbox letter as a ticket (a participation editor)."""
    return user_has_role(user=actor, role=StaffRole.Role.PARTICIPATION_EDITOR)


def can_read_caller_history(*, actor: Account) -> bool:
    """Whether ``actor`` may see a caller's earlier tickets (agents and dispatchers)."""
    return can_dispatch(actor=actor)


def _with_relations(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return tickets.select_related("category", "department", "region")


def caller_ticket_list(*, phone: str, limit: int = CALLER_HISTORY_LIMIT) -> QuerySet[Ticket]:
    """List the tickets of the caller with ``phone``, newest first (at most ``limit``).

    No permission check here: the callers (the console view for agents, the CTI API for the
    telephony system) check it and audit the read. An empty or malformed number finds nothing.
    """
    index = phone_index(phone)
    if not index:
        return Ticket.objects.none()
    return _with_relations(Ticket.objects.filter(caller_phone_index=index)).order_by(
        "-received_at"
    )[:limit]


def caller_ticket_list_for(*, actor: Account, phone: str) -> QuerySet[Ticket]:
    """List a caller's earlier tickets for a hotline agent or dispatcher.

    Raises ``PermissionDenied`` for anyone else. Auditing the read is the caller's job (it has
    the request).
    """
    if not can_read_caller_history(actor=actor):
        raise PermissionDenied()
    return caller_ticket_list(phone=phone)


def dispatch_queue(*, actor: Account) -> QuerySet[Ticket]:
    """List the tickets awaiting dispatch (received or returned), oldest first.

    For hotline dispatchers and agents; raises ``PermissionDenied`` for anyone else.
    """
    if not can_dispatch(actor=actor):
        raise PermissionDenied()
    return _with_relations(Ticket.objects.filter(status__in=AWAITING_DISPATCH)).order_by(
        "received_at"
    )


def dispatch_ticket_get(*, actor: Account, number: str) -> Ticket:
    """Return the ticket ``number`` for dispatching; ``NotFound`` / ``PermissionDenied``."""
    if not can_dispatch(actor=actor):
        raise PermissionDenied()
    ticket = _with_relations(Ticket.objects.filter(number=number)).first()
    if ticket is None:
        raise NotFound()
    return ticket


def ticket_sent_back_event(ticket: Ticket) -> TicketEvent | None:
    """Why ``ticket`` waits for dispatch again: its latest return (退单) or reopening, or None.

    Only for a ticket that is ``returned``; the event carries the department and the reason.
    Reads only; shown to those who may dispatch.
    """
    if ticket.status != Ticket.Status.RETURNED:
        return None
    return (
        ticket.events.filter(action__in=[TicketEvent.Action.RETURN, TicketEvent.Action.REOPEN])
        .select_related("department")
        .order_by("-created_at", "-id")
        .first()
    )


def citizen_ticket_list(*, actor: Account) -> QuerySet[Ticket]:
    """List the tickets of the signed-in citizen ``actor``, newest first (none if anonymous)."""
    if not getattr(actor, "is_authenticated", False):
        return Ticket.objects.none()
    return _with_relations(Ticket.objects.filter(citizen=actor)).order_by("-received_at")


def citizen_ticket_get(*, actor: Account, number: str) -> Ticket:
    """Return the citizen's own ticket ``number``; ``NotFound`` for anyone else's ticket."""
    ticket = citizen_ticket_list(actor=actor).filter(number=number).first()
    if ticket is None:
        raise NotFound()
    return ticket


def public_events(ticket: Ticket) -> QuerySet[TicketEvent]:
    """The timeline steps of ``ticket`` shown to the citizen (internal notes left out)."""
    return (
        TicketEvent.objects.filter(ticket=ticket, public=True)
        .select_related("department")
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class PublicStep:
    """One public step: what happened, when, at which department."""

    label: str
    at: dt.datetime
    department: str


@dataclass(frozen=True)
class TicketLookup:
    """What anyone with the ticket number and query code may see (no personal data)."""

    number: str
    status: str
    status_label: str
    kind_label: str
    category: str
    received_at: dt.datetime
    due_at: dt.datetime | None
    closed_at: dt.datetime | None
    answer: str
    steps: list[PublicStep]


def ticket_public_view(ticket: Ticket) -> TicketLookup:
    """The public progress of ``ticket``: status, public steps, the answer once closed."""
    labels = dict(TicketEvent.Action.choices)
    steps = [
        PublicStep(
            label=str(labels.get(event.action, event.action)),
            at=timezone.localtime(event.created_at),
            department=event.department.name if event.department else "",
        )
        for event in public_events(ticket)
    ]
    return TicketLookup(
        number=ticket.number,
        status=ticket.status,
        status_label=str(ticket.get_status_display()),
        kind_label=str(ticket.get_kind_display()),
        category=ticket.category.name if ticket.category else "",
        received_at=ticket.received_at,
        due_at=ticket.due_at,
        closed_at=ticket.closed_at,
        answer=ticket.answer if ticket.status == Ticket.Status.CLOSED else "",
        steps=steps,
    )


def ticket_lookup(*, number: str, query_code: str) -> TicketLookup:
    """Return the public progress of ticket ``number`` if ``query_code`` is its query code.

    An unknown number and a wrong code raise the same ``NotFound``, so the answer does not tell
    whether a number exists. Rate limiting is the caller's job (the query view).
    """
    not_found = NotFound(
        _("No ticket matches this ticket number and query code."),
        code=HotlineErrorCode.TICKET_NO_MATCH,
    )
    number = (number or "").strip().upper()
    ticket = _with_relations(Ticket.objects.filter(number=number)).first() if number else None
    if ticket is None:
        query_code_matches("XXXXXXXX", query_code)  # the same work as a real comparison
        raise not_found
    if not query_code_matches(ticket.query_code, query_code):
        raise not_found
    return ticket_public_view(ticket)
