"""Callbacks after closing (回访) and reopening (重办).

An agent calls the citizen back (phone or SMS) or the citizen rates online (signed in as the
ticket's citizen, or with the ticket number and query code). A callback answering "not solved"
or 不满意 reopens the ticket (``ticket_reopen``): back to handling at the same department, which
must answer again; the dispatchers are told. Each closing gets at most one callback
(``Callback.cycle`` is the ticket's ``reopen_count``).
"""

from __future__ import annotations

import hmac

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.hotline.models import Callback, Ticket, TicketEvent
from ecity.hotline.selectors.worklist import can_call_back, dispatchers, handlers_of, is_dispatcher
from ecity.hotline.services.steps import (
    deadline_state_update,
    notify_staff,
    ticket_event_record,
    ticket_lock,
)
from ecity.identity.models import User

Satisfaction = Callback.Satisfaction
MAX_COMMENT = 2000


def validated_answer(
    *, method: str, is_solved: bool | None, satisfaction: str, comment: str
) -> tuple[str, bool, str, str]:
    """The callback's answer checked (``ValidationFailed`` by field), the comment stripped."""
    errors: dict[str, list[str]] = {}
    if method not in Callback.Method.values:
        errors["method"] = [_("Choose how the citizen was reached.")]
    if is_solved is None:
        errors["is_solved"] = [_("Say whether the request was solved.")]
    if satisfaction not in Satisfaction.values:
        errors["satisfaction"] = [_("Choose how satisfied the citizen is.")]
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = [_("Write at most %(max)d characters.") % {"max": MAX_COMMENT}]
    if errors:
        raise ValidationFailed(fields=errors)
    assert is_solved is not None
    return method, is_solved, satisfaction, comment


def record_callback(
    *,
    ticket: Ticket,
    actor: User | None,
    method: str,
    is_solved: bool,
    satisfaction: str,
    comment: str,
) -> Callback:
    """Write the callback of the ticket's current closing (locked by the caller) and reopen
    it when not solved or 不满意; the step every way of calling back shares."""
    if ticket.status != Ticket.Status.CLOSED:
        raise Conflict(
            _("Only a closed ticket can be called back; this one is “%(status)s”.")
            % {"status": ticket.get_status_display()}
        )
    if ticket.callbacks.filter(cycle=ticket.reopen_count).exists():
        raise Conflict(_("This ticket was already called back since it was closed."))
    reopen = not is_solved or satisfaction == Satisfaction.DISSATISFIED
    try:
        with transaction.atomic():
            callback = Callback.objects.create(
                ticket=ticket,
                cycle=ticket.reopen_count,
                method=method,
                is_solved=is_solved,
                satisfaction=satisfaction,
                comment=comment,
                agent=actor if method != Callback.Method.WEB else None,
                led_to_reopen=reopen,
            )
    except IntegrityError as exc:  # a concurrent callback of the same closing
        raise Conflict(_("This ticket was already called back since it was closed.")) from exc
    ticket_event_record(
        ticket=ticket,
        action=TicketEvent.Action.CALLBACK,
        actor=actor,
        note=callback.get_satisfaction_display(),
        data={"satisfaction": satisfaction, "solved": int(is_solved), "method": method},
    )
    if reopen:
        reason = comment or _("Not satisfied or not solved.")
        _reopen(ticket=ticket, actor=actor, reason=reason)
    return callback


@transaction.atomic
def callback_record(
    *,
    actor: User,
    ticket: Ticket,
    method: str,
    is_solved: bool | None,
    satisfaction: str,
    comment: str = "",
) -> Callback:
    """Record an agent's callback of a closed ticket (回访) by phone or SMS.

    Needs the hotline agent or dispatcher role. The ticket must be closed and not yet called back
    since its last closing (else ``Conflict``). Not solved or 不满意 reopens it.
    """
    method, solved, satisfaction, comment = validated_answer(
        method=method, is_solved=is_solved, satisfaction=satisfaction, comment=comment
    )
    if method not in (Callback.Method.PHONE, Callback.Method.SMS):
        raise ValidationFailed(fields={"method": [_("Choose phone or SMS.")]})
    if not can_call_back(actor=actor):
        raise PermissionDenied(_("Only hotline agents and dispatchers record callbacks."))
    ticket = ticket_lock(ticket)
    return record_callback(
        ticket=ticket,
        actor=actor,
        method=method,
        is_solved=solved,
        satisfaction=satisfaction,
        comment=comment,
    )


@transaction.atomic
def callback_rate_online(
    *,
    ticket: Ticket,
    user: User | None,
    query_code: str = "",
    is_solved: bool | None,
    satisfaction: str,
    comment: str = "",
) -> Callback:
    """Record the citizen's own rating of a closed ticket on the web (网上评价).

    Allowed to the ticket's citizen (signed in) or to whoever gives the ticket's query code;
    anyone else gets ``PermissionDenied``. Same rules as ``callback_record`` otherwise.
    """
    _method, solved, satisfaction, comment = validated_answer(
        method=Callback.Method.WEB, is_solved=is_solved, satisfaction=satisfaction, comment=comment
    )
    ticket = ticket_lock(ticket)
    is_owner = bool(user and user.is_authenticated and ticket.citizen_id == user.pk)
    code_ok = bool(query_code) and hmac.compare_digest(
        query_code.strip().upper(), ticket.query_code.upper()
    )
    if not (is_owner or code_ok):
        raise PermissionDenied(_("Only the citizen who made the request can rate it."))
    return record_callback(
        ticket=ticket,
        actor=user if is_owner else None,
        method=Callback.Method.WEB,
        is_solved=solved,
        satisfaction=satisfaction,
        comment=comment,
    )


def _reopen(*, ticket: Ticket, actor: User | None, reason: str) -> Ticket:
    if ticket.department is None:
        # Resolved at intake: there is no department to handle it again; the dispatchers
        # dispatch it (the ticket waits as returned).
        ticket.status = Ticket.Status.RETURNED
    else:
        ticket.status = Ticket.Status.HANDLING
    ticket.reopen_count += 1
    ticket.closed_at = None
    deadline_state_update(ticket)
    ticket.save(
        update_fields=["status", "reopen_count", "closed_at", "deadline_state", "updated_at"]
    )
    event = ticket_event_record(
        ticket=ticket,
        action=TicketEvent.Action.REOPEN,
        actor=actor,
        note=reason,
        data={"reopen_count": ticket.reopen_count},
    )
    recipients = {user.pk: user for user in dispatchers()}
    if ticket.department is not None:
        recipients.update({user.pk: user for user in handlers_of(ticket.department)})
    notify_staff(
        recipients=list(recipients.values()),
        event="ticket_reopened",
        ticket=ticket,
        ticket_event=event,
        reopen_count=ticket.reopen_count,
    )
    return ticket


@transaction.atomic
def ticket_reopen(*, actor: User, ticket: Ticket, reason: str) -> Ticket:
    """Reopen a closed ticket (重办) by a dispatcher: back to handling at the same department.

    Callbacks reopen on their own (not solved, 不满意); this is for the hotline centre reopening
    after a complaint by other means. The reason is required; the ticket must be closed. The
    reopen count goes up and the department's handlers and the dispatchers are told.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the ticket is reopened.")]})
    ticket = ticket_lock(ticket)
    if not is_dispatcher(actor=actor):
        raise PermissionDenied(_("Only a dispatcher of the hotline centre can do this."))
    if ticket.status != Ticket.Status.CLOSED:
        raise Conflict(_("Only a closed ticket can be reopened."))
    return _reopen(ticket=ticket, actor=actor, reason=reason)
