"""Handling of dispatched tickets by a department and its supervision by the hotline centre.

签收 ``ticket_sign``, 退单 ``ticket_return``, 转办 ``ticket_transfer``, 申请延期
``extension_request`` / ``extension_decide``, 协办 ``assist_request`` / ``assist_contribute``,
督办 ``ticket_urge``, 回复 ``ticket_answer`` and 审核 ``answer_review`` (the closed loop is in the
docstring of ``models/tickets.py``; callbacks and reopening are in ``services/callbacks.py``).

Every service locks the ticket row, checks the actor's role and department and the ticket's
status, then writes the change, its ``TicketEvent``, its audit entry and its notifications in one
transaction: a refusal or a failure leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.core.locking import lock_row
from ecity.hotline.models import ExtensionRequest, Ticket, TicketAssist, TicketEvent
from ecity.hotline.selectors.worklist import (
    can_urge,
    deadline_conditions,
    dispatchers,
    handlers_of,
    is_ticket_handler,
)
from ecity.hotline.services.merging import merged_tickets_close
from ecity.hotline.services.questionnaires import questionnaire_send
from ecity.hotline.services.steps import (
    notify_citizen,
    notify_staff,
    require_dispatcher,
    require_handler,
    require_status,
    required_text,
    ticket_event_record,
    ticket_lock,
    ticket_save,
)
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.workflow.clocks import deadline_states_refresh

Status = Ticket.Status
Action = TicketEvent.Action


# --- the department: sign, return, answer ------------------------------------------------------


@transaction.atomic
def ticket_sign(*, actor: User, ticket: Ticket) -> Ticket:
    """Sign for a dispatched ticket (签收): the department starts handling it.

    Needs the ticket handler role in the ticket's department; the ticket must be dispatched.
    Signing after ``sign_due_at`` is allowed but recorded as late (``signed_late``, and "late"
    in the timeline and audit data).
    """
    ticket = ticket_lock(ticket)
    require_handler(actor, ticket)
    require_status(ticket, Status.DISPATCHED)
    now = timezone.now()
    late = bool(ticket.sign_due_at and now > ticket.sign_due_at)
    ticket.status, ticket.signed_at, ticket.signed_late = Status.HANDLING, now, late
    ticket_save(ticket, "status", "signed_at", "signed_late")
    ticket_event_record(
        ticket=ticket,
        action=Action.SIGN,
        actor=actor,
        note=_("Signed for late.") if late else "",
        data={"late": int(late)},
    )
    return ticket


@transaction.atomic
def ticket_return(*, actor: User, ticket: Ticket, reason: str) -> Ticket:
    """Return a ticket to the dispatcher (退单): not this department's business.

    Needs the ticket handler role in the ticket's department; the ticket must be dispatched or
    in handling; the reason is required. The ticket becomes ``returned`` without a department,
    its return count goes up, and the dispatchers are told.
    """
    reason = required_text(reason, "reason", _("Say why the ticket is returned."))
    ticket = ticket_lock(ticket)
    require_handler(actor, ticket)
    require_status(ticket, Status.DISPATCHED, Status.HANDLING)
    department = ticket.department
    _pending_extensions_close(ticket, actor=actor, note=_("The ticket was returned."))
    ticket.status, ticket.department, ticket.signed_at = Status.RETURNED, None, None
    ticket.return_count += 1
    ticket_save(ticket, "status", "department", "signed_at", "return_count")
    event = ticket_event_record(
        ticket=ticket,
        action=Action.RETURN,
        actor=actor,
        department=department,
        note=reason,
        public=False,
        data={"return_count": ticket.return_count},
    )
    notify_staff(
        recipients=list(dispatchers()),
        event="ticket_returned",
        ticket=ticket,
        ticket_event=event,
        department=department.name_zh if department else "",
    )
    return ticket


@transaction.atomic
def ticket_answer(*, actor: User, ticket: Ticket, answer: str) -> Ticket:
    """Answer the citizen (回复): the answer goes to the hotline centre for review.

    Needs the ticket handler role in the ticket's department (the lead department: assisting
    departments give contributions, not the answer); the ticket must be in handling; the answer
    is required. Status ``answered``; the citizen is told that an answer is being reviewed.
    """
    answer = required_text(answer, "answer", _("Write the answer to the citizen."))
    ticket = ticket_lock(ticket)
    require_handler(actor, ticket)
    require_status(ticket, Status.HANDLING)
    ticket.status, ticket.answer, ticket.answered_at = Status.ANSWERED, answer, timezone.now()
    ticket_save(ticket, "status", "answer", "answered_at")
    event = ticket_event_record(
        ticket=ticket, action=Action.ANSWER, actor=actor, note=answer, public=False
    )
    notify_citizen(event="ticket_answered", ticket=ticket, ticket_event=event)
    return ticket


# --- the hotline centre: transfer, review, urge ---------------------------------------------


@transaction.atomic
def ticket_transfer(*, actor: User, ticket: Ticket, department: Department, note: str) -> Ticket:
    """Transfer a ticket to another department (转办), by a dispatcher of the hotline centre.

    The ticket must be dispatched, in handling or returned, and ``department`` another active
    department; the note is required. The ticket is dispatched to ``department`` (to sign for
    again, with the same sign-for window from now; the answer limit ``due_at`` stays), pending
    extension requests of the former department are closed, and the new department's handlers
    are told.
    """
    note = required_text(note, "note", _("Say why the ticket is transferred."))
    ticket = ticket_lock(ticket)
    require_dispatcher(actor)
    require_status(ticket, Status.DISPATCHED, Status.HANDLING, Status.RETURNED)
    if not department.is_active:
        raise ValidationFailed(fields={"department": [_("Choose an active department.")]})
    if department.pk == ticket.department_id:
        raise ValidationFailed(
            fields={"department": [_("Choose another department than the current one.")]}
        )
    now = timezone.now()
    window: dt.timedelta | None = None
    if ticket.sign_due_at and ticket.dispatched_at:
        window = ticket.sign_due_at - ticket.dispatched_at
    _pending_extensions_close(ticket, actor=actor, note=_("The ticket was transferred."))
    ticket.status, ticket.department = Status.DISPATCHED, department
    ticket.dispatched_at, ticket.signed_at, ticket.signed_late = now, None, False
    ticket.sign_due_at = now + window if window is not None else None
    ticket_save(
        ticket, "status", "department", "dispatched_at", "signed_at", "signed_late", "sign_due_at"
    )
    event = ticket_event_record(
        ticket=ticket, action=Action.TRANSFER, actor=actor, department=department, note=note
    )
    notify_staff(
        recipients=list(handlers_of(department)),
        event="ticket_transferred",
        ticket=ticket,
        ticket_event=event,
    )
    return ticket


@transaction.atomic
def answer_review(*, actor: User, ticket: Ticket, approve: bool, reason: str = "") -> Ticket:
    """Review a department's answer (审核), by a dispatcher of the hotline centre.

    The ticket must be ``answered``. Approve: the ticket is closed and the citizen told, with the
    answer and how to rate it, and sent the callback questionnaire by SMS when they have a mobile
    number (``questionnaires.questionnaire_send``); the tickets merged into it are closed with
    the same answer (``merging.merged_tickets_close``). Send back (``approve=False``, reason
    required): back to ``handling`` at the same department, whose handlers are told the reason.
    """
    if not approve:
        reason = required_text(reason, "reason", _("Say why the answer is sent back."))
    ticket = ticket_lock(ticket)
    require_dispatcher(actor)
    require_status(ticket, Status.ANSWERED)
    if approve:
        ticket.status, ticket.closed_at = Status.CLOSED, timezone.now()
        ticket_save(ticket, "status", "closed_at")
        event = ticket_event_record(
            ticket=ticket, action=Action.CLOSE, actor=actor, note=ticket.answer
        )
        notify_citizen(
            event="ticket_closed", ticket=ticket, ticket_event=event, answer=ticket.answer
        )
        questionnaire_send(ticket=ticket)
        merged_tickets_close(actor=actor, main=ticket)
        return ticket
    ticket.status = Status.HANDLING
    ticket_save(ticket, "status")
    event = ticket_event_record(
        ticket=ticket, action=Action.REVIEW_REJECT, actor=actor, note=reason, public=False
    )
    if ticket.department is not None:
        notify_staff(
            recipients=list(handlers_of(ticket.department)),
            event="ticket_answer_sent_back",
            ticket=ticket,
            ticket_event=event,
        )
    return ticket


@transaction.atomic
def ticket_urge(*, actor: User, ticket: Ticket, note: str) -> TicketEvent:
    """Urge a department to handle a ticket (督办), by a dispatcher or a supervisor.

    The ticket must be dispatched, in handling or answered (and so have a department); the note
    to the department is required. The urge count goes up and the department's handlers are
    told. Returns the internal timeline step.
    """
    note = required_text(note, "note", _("Write what the department should do."))
    ticket = ticket_lock(ticket)
    if not can_urge(actor=actor, ticket=ticket):
        raise PermissionDenied(_("Only a dispatcher or a supervisor of the department can urge."))
    require_status(ticket, Status.DISPATCHED, Status.HANDLING, Status.ANSWERED)
    ticket.urge_count += 1
    ticket_save(ticket, "urge_count")
    event = ticket_event_record(
        ticket=ticket,
        action=Action.URGE,
        actor=actor,
        note=note,
        public=False,
        data={"urge_count": ticket.urge_count},
    )
    assert ticket.department is not None  # every urgeable status has a department
    notify_staff(
        recipients=list(handlers_of(ticket.department)),
        event="ticket_urged",
        ticket=ticket,
        ticket_event=event,
        urge_count=ticket.urge_count,
    )
    return event


# --- extensions (申请延期) -----------------------------------------------------------------------


def _pending_extensions_close(ticket: Ticket, *, actor: User, note: str) -> None:
    """Refuse the pending extension request of a ticket leaving its department."""
    ticket.extension_requests.filter(status=ExtensionRequest.Status.PENDING).update(
        status=ExtensionRequest.Status.REFUSED,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_note=note,
    )


@transaction.atomic
def extension_request(
    *, actor: User, ticket: Ticket, reason: str, new_due_at: dt.datetime | None
) -> ExtensionRequest:
    """Ask the hotline centre for more time to answer (申请延期).

    Needs the ticket handler role in the ticket's department; the ticket must be in handling,
    without another pending request. The reason is required and the new due time must be later
    than the current one (and in the future). The dispatchers are told.
    """
    errors: dict[str, list[str]] = {}
    text = (reason or "").strip()
    if not text:
        errors["reason"] = [_("Say why more time is needed.")]
    if new_due_at is None:
        errors["new_due_at"] = [_("Enter the new due time.")]
    if errors:
        raise ValidationFailed(fields=errors)
    assert new_due_at is not None
    ticket = ticket_lock(ticket)
    require_handler(actor, ticket)
    require_status(ticket, Status.HANDLING)
    if new_due_at <= max(filter(None, [ticket.due_at, timezone.now()])):
        raise ValidationFailed(
            fields={"new_due_at": [_("The new due time must be later than the current one.")]}
        )
    if ticket.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise Conflict(_("An extension request of this ticket is already awaiting decision."))
    assert ticket.department is not None
    extension = ExtensionRequest.objects.create(
        ticket=ticket,
        department=ticket.department,
        reason=required_text(text, "reason", _("Say why more time is needed.")),
        previous_due_at=ticket.due_at,
        requested_due_at=new_due_at,
        requested_by=actor,
    )
    event = ticket_event_record(
        ticket=ticket, action=Action.EXTENSION_REQUEST, actor=actor, note=text, public=False
    )
    notify_staff(
        recipients=list(dispatchers()),
        event="ticket_extension_requested",
        ticket=ticket,
        ticket_event=event,
        requested_due_at=timezone.localtime(new_due_at).strftime("%Y-%m-%d %H:%M"),
    )
    return extension


@transaction.atomic
def extension_decide(
    *, actor: User, extension: ExtensionRequest, approve: bool, note: str = ""
) -> ExtensionRequest:
    """Approve or refuse an extension request, by a dispatcher of the hotline centre.

    The request must be pending (a request decided meanwhile is a ``Conflict``); a refusal
    needs a note. Approval moves the ticket's ``due_at`` to the requested time. The requester is
    told the outcome.
    """
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationFailed(fields={"note": [_("Say why the extension is refused.")]})
    ticket = ticket_lock(extension.ticket)
    require_dispatcher(actor)
    extension = lock_row(ExtensionRequest, pk=extension.pk)
    if extension.status != ExtensionRequest.Status.PENDING:
        raise Conflict(_("This extension request was already decided."))
    extension.status = (
        ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED
    )
    extension.decided_by, extension.decided_at = actor, timezone.now()
    extension.decision_note = note
    extension.save(
        update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"]
    )
    if approve:
        ticket.due_at = extension.requested_due_at
        ticket_save(ticket, "due_at")
    outcome = extension.get_status_display()
    event = ticket_event_record(
        ticket=ticket,
        action=Action.EXTENSION_DECISION,
        actor=actor,
        note=note or str(outcome),
        public=False,
        data={"outcome": extension.status},
    )
    notify_staff(
        recipients=[extension.requested_by],
        event="ticket_extension_decided",
        ticket=ticket,
        ticket_event=event,
        outcome=str(outcome),
        due_at=timezone.localtime(ticket.due_at).strftime("%Y-%m-%d %H:%M")
        if ticket.due_at
        else "",
    )
    return extension


# --- assistance (协办) --------------------------------------------------------------------------


@transaction.atomic
def assist_request(
    *, actor: User, ticket: Ticket, department: Department, reason: str
) -> TicketAssist:
    """Ask a second department to assist (申请协办); the lead department still answers.

    Needs the ticket handler role in the ticket's (lead) department; the ticket must be in
    handling; ``department`` another active department not yet assisting; what is asked is
    required. The assisting department's handlers are told.
    """
    reason = required_text(reason, "reason", _("Say what the other department should do."))
    ticket = ticket_lock(ticket)
    require_handler(actor, ticket)
    require_status(ticket, Status.HANDLING)
    if not department.is_active or department.pk == ticket.department_id:
        raise ValidationFailed(
            fields={"department": [_("Choose another active department than the lead one.")]}
        )
    if ticket.assists.filter(department=department).exists():
        raise ValidationFailed(
            fields={"department": [_("This department already assists on the ticket.")]}
        )
    assist = TicketAssist.objects.create(
        ticket=ticket, department=department, reason=reason, requested_by=actor
    )
    event = ticket_event_record(
        ticket=ticket,
        action=Action.ASSIST_REQUEST,
        actor=actor,
        department=department,
        note=reason,
        public=False,
    )
    notify_staff(
        recipients=list(handlers_of(department)),
        event="ticket_assist_requested",
        ticket=ticket,
        ticket_event=event,
        lead_department=ticket.department.name_zh if ticket.department else "",
    )
    return assist


@transaction.atomic
def assist_contribute(*, actor: User, assist: TicketAssist, contribution: str) -> TicketAssist:
    """Give the assisting department's contribution (协办意见) for the lead department's answer.

    Needs the ticket handler role in the assisting department; the ticket must still be open
    (not closed or merged). A later contribution replaces the earlier one.
    """
    contribution = required_text(
        contribution, "contribution", _("Write what your department found or did.")
    )
    ticket = ticket_lock(assist.ticket)
    assist = lock_row(TicketAssist.objects.select_related("department"), pk=assist.pk)
    if not is_ticket_handler(actor=actor, department=assist.department):
        raise PermissionDenied(_("Only a ticket handler of the assisting department can do this."))
    require_status(ticket, *Ticket.OPEN_STATUSES)
    assist.contribution, assist.contributed_by = contribution, actor
    assist.contributed_at = timezone.now()
    assist.save(update_fields=["contribution", "contributed_by", "contributed_at", "updated_at"])
    ticket_event_record(
        ticket=ticket,
        action=Action.NOTE,
        actor=actor,
        department=assist.department,
        note=contribution,
        public=False,
    )
    return assist


def ticket_deadlines_refresh(*, now: dt.datetime | None = None) -> int:
    """Bring the deadline state of every ticket up to date; return how many rows changed.

    One conditional ``UPDATE`` per state (``workflow.clocks.deadline_states_refresh``) touches
    only tickets whose state differs: idempotent and safe next to the handling actions. Tickets
    without a running limit of their department become ``normal``. Run by ``hotline/jobs.py``.
    """
    now = now or timezone.now()
    return deadline_states_refresh(Ticket.objects.all(), conditions=deadline_conditions(now))
