"""Merging duplicate tickets (并单): one matter, one handling, every caller told the outcome.

``ticket_merge`` merges a duplicate into its main ticket (status ``merged``, ``main_ticket``
set); ``merged_tickets_close`` closes the merged tickets with the main ticket's answer when the
main ticket is closed (called by ``services/handling.answer_review``). Merges do not chain: a
ticket that other tickets were merged into is not merged itself, and nothing is merged into a
merged ticket.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.hotline.models import ExtensionRequest, Ticket, TicketEvent
from ecity.hotline.selectors.worklist import is_dispatcher
from ecity.hotline.services.steps import (
    deadline_state_update,
    notify_citizen,
    ticket_event_record,
    ticket_lock,
)
from ecity.identity.models import User

Status = Ticket.Status
Action = TicketEvent.Action


@transaction.atomic
def ticket_merge(*, actor: User, ticket: Ticket, main: Ticket, note: str = "") -> Ticket:
    """Merge ``ticket`` into ``main`` (并单), by a dispatcher of the hotline centre.

    Rules: both tickets open; not into itself; not into a merged ticket; not a ticket that
    others were merged into (no chains). Side effects: ``ticket`` becomes ``merged`` with
    ``main_ticket`` set and no running limit, its pending extension request is refused, a MERGE
    step on both timelines, audit ``ticket.merged``, and the caller of ``ticket`` is told the
    main ticket's number. Errors: ``PermissionDenied``, ``ValidationFailed`` (``main``),
    ``Conflict`` (a ticket no longer open, or a main ticket of others).
    """
    if not is_dispatcher(actor=actor):
        raise PermissionDenied(_("Only a dispatcher of the hotline centre can merge tickets."))
    if ticket.pk == main.pk:
        raise ValidationFailed(fields={"main": [_("A ticket cannot be merged into itself.")]})
    # Lock both rows in a fixed order, so two dispatchers merging the pair both ways cannot
    # deadlock.
    first, second = sorted([ticket, main], key=lambda t: t.pk)
    locked = {first.pk: ticket_lock(first), second.pk: ticket_lock(second)}
    ticket, main = locked[ticket.pk], locked[main.pk]
    if main.status == Status.MERGED:
        raise ValidationFailed(
            fields={"main": [_("Ticket %(number)s is itself merged.") % {"number": main.number}]}
        )
    for subject in (ticket, main):
        if not subject.is_open:
            raise Conflict(
                _("Ticket %(number)s is “%(status)s” and cannot be merged.")
                % {"number": subject.number, "status": subject.get_status_display()}
            )
    if ticket.merged_tickets.exists():
        raise Conflict(
            _("Other tickets were merged into %(number)s: merge the others into it instead.")
            % {"number": ticket.number}
        )
    ticket.extension_requests.filter(status=ExtensionRequest.Status.PENDING).update(
        status=ExtensionRequest.Status.REFUSED,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_note=_("The ticket was merged into %(number)s.") % {"number": main.number},
    )
    previous_status = ticket.status
    ticket.status, ticket.main_ticket = Status.MERGED, main
    deadline_state_update(ticket)
    ticket.save(update_fields=["status", "main_ticket", "deadline_state", "updated_at"])
    note = (note or "").strip()
    event = ticket_event_record(
        ticket=ticket,
        action=Action.MERGE,
        actor=actor,
        note=_("Merged into ticket %(number)s, which is handled for you as well.")
        % {"number": main.number},
    )
    ticket_event_record(
        ticket=main,
        action=Action.MERGE,
        actor=actor,
        note=_("Ticket %(number)s was merged into this ticket.") % {"number": ticket.number},
        public=False,
    )
    audit_record(
        actor=actor,
        action="ticket.merged",
        obj=ticket,
        subject=ticket.citizen,
        data={"main_ticket": main.number, "previous_status": previous_status},
        reason=note,
    )
    notify_citizen(
        event="ticket_merged", ticket=ticket, ticket_event=event, main_number=main.number
    )
    return ticket


def merged_tickets_close(*, actor: User | None, main: Ticket) -> list[Ticket]:
    """Close the tickets merged into ``main`` with its answer; return them.

    Called inside the transaction that closes ``main`` (``answer_review``). Each merged ticket
    becomes ``closed`` with the main ticket's answer and department, gets a CLOSE step (audited
    as ``ticket.closed``), and its caller is told the answer. Tickets closed earlier (a main
    ticket closed again after a reopening) are left alone.
    """
    closed: list[Ticket] = []
    now = timezone.now()
    for merged in main.merged_tickets.filter(status=Status.MERGED).order_by("pk"):
        merged = ticket_lock(merged)
        if merged.status != Status.MERGED:
            continue
        merged.status, merged.answer, merged.closed_at = Status.CLOSED, main.answer, now
        merged.answered_at = main.answered_at
        merged.department = main.department
        deadline_state_update(merged)
        merged.save(
            update_fields=[
                "status",
                "answer",
                "closed_at",
                "answered_at",
                "department",
                "deadline_state",
                "updated_at",
            ]
        )
        event = ticket_event_record(
            ticket=merged,
            action=Action.CLOSE,
            actor=actor,
            note=main.answer,
            data={"main_ticket": main.number},
        )
        notify_citizen(event="ticket_closed", ticket=merged, ticket_event=event, answer=main.answer)
        closed.append(merged)
    return closed
