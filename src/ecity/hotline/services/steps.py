"""The steps every ticket service shares: lock, timeline step with its audit entry, notices,
deadline state, required text and the role and status checks (handling, callbacks, merging,
publication).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.core.locking import lock_row
from ecity.hotline.audit_actions import HANDLING_ACTIONS
from ecity.hotline.models import Ticket, TicketEvent
from ecity.hotline.selectors.worklist import deadline_state_for, is_dispatcher, is_ticket_handler
from ecity.identity.models import User
from ecity.notify.services import notification_enqueue
from ecity.org.models import Department

MAX_TEXT = 4000


def ticket_lock(ticket: Ticket) -> Ticket:
    """Lock ``ticket`` until the transaction ends and return a fresh copy (department loaded)."""
    return lock_row(Ticket.objects.select_related("department", "citizen"), pk=ticket.pk)


def ticket_event_record(
    *,
    ticket: Ticket,
    action: str,
    actor: User | None,
    department: Department | None = None,
    note: str = "",
    public: bool = True,
    data: dict[str, str | int] | None = None,
) -> TicketEvent:
    """Append one step to the ticket's timeline and record its audit entry (same transaction).

    The audit entry names the actor, the ticket, the citizen's account as subject and the
    department's code, never the note (it may hold personal data; the timeline keeps it).
    """
    event = TicketEvent.objects.create(
        ticket=ticket,
        action=action,
        actor=actor,
        department=department or ticket.department,
        note=note,
        public=public,
    )
    audit_action = HANDLING_ACTIONS.get(action)
    if audit_action is not None:
        dept = department or ticket.department
        audit_record(
            actor=actor,
            action=audit_action,
            obj=ticket,
            subject=ticket.citizen,
            data={
                "ticket_event": str(event.public_id),
                "department": dept.code if dept else "",
                "status": ticket.status,
                **(data or {}),
            },
        )
    return event


def _context(ticket: Ticket, **extra: object) -> dict[str, object]:
    return {
        "ticket_number": ticket.number,
        "title": ticket.title,
        "department": ticket.department.name_zh if ticket.department else "",
        **extra,
    }


def notify_staff(
    *,
    recipients: list[User],
    event: str,
    ticket: Ticket,
    ticket_event: TicketEvent,
    **extra: object,
) -> None:
    """Queue ``event`` about ``ticket`` for each of ``recipients`` (once per timeline step)."""
    context = _context(ticket, note=ticket_event.note, **extra)
    for user in recipients:
        notification_enqueue(
            recipient=user,
            event=event,
            context=context,
            obj=ticket,
            reference=ticket.number,
            idempotency_key=f"{ticket.public_id}:{event}:{ticket_event.public_id}:{user.pk}",
        )


def notify_citizen(*, event: str, ticket: Ticket, ticket_event: TicketEvent, **extra: object):
    """Tell the caller about ``ticket_event``: their account, else an SMS to the caller phone."""
    if ticket.citizen_id is None and not ticket.caller_phone:
        return
    notification_enqueue(
        recipient=ticket.citizen,
        event=event,
        context=_context(ticket, query_code=ticket.query_code, **extra),
        obj=ticket,
        reference=ticket.number,
        phone="" if ticket.citizen_id else ticket.caller_phone,
        idempotency_key=f"{ticket.public_id}:{event}:{ticket_event.public_id}",
    )


def deadline_state_update(ticket: Ticket) -> None:
    """Set the ticket's deadline state for its new status and limits (saved by the caller)."""
    ticket.deadline_state = deadline_state_for(ticket)


def required_text(value: str | None, field: str, message: str) -> str:
    """``value`` stripped; ``ValidationFailed`` on ``field`` when empty or too long."""
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(fields={field: [message]})
    if len(text) > MAX_TEXT:
        raise ValidationFailed(
            fields={field: [_("Write at most %(max)d characters.") % {"max": MAX_TEXT}]}
        )
    return text


def require_handler(actor: User, ticket: Ticket) -> None:
    if not is_ticket_handler(actor=actor, department=ticket.department):
        raise PermissionDenied(_("Only a ticket handler of the ticket's department can do this."))


def require_dispatcher(actor: User) -> None:
    if not is_dispatcher(actor=actor):
        raise PermissionDenied(_("Only a dispatcher of the hotline centre can do this."))


def require_status(ticket: Ticket, *statuses: str) -> None:
    if ticket.status not in statuses:
        raise Conflict(
            _("This cannot be done while the ticket is “%(status)s”.")
            % {"status": ticket.get_status_display()}
        )


def ticket_save(ticket: Ticket, *fields: str) -> None:
    deadline_state_update(ticket)
    ticket.save(update_fields=[*fields, "deadline_state", "updated_at"])
