"""Handling of dispatched tickets: sign, return, transfer, extension, assistance, urge, answer,
review — each rule and each refusal (wrong department, wrong role, wrong state, missing text)."""

import datetime as dt

import pytest
from django.utils import timezone

from ecity.audit.models import AuditEntry
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.hotline.models import ExtensionRequest, Ticket, TicketAssist, TicketEvent
from ecity.hotline.services import handling, steps
from ecity.hotline.tests import handling_support
from ecity.hotline.tests.handling_support import water_ticket
from ecity.notify.models import Notification

pytestmark = pytest.mark.django_db
people = handling_support.people
Status = Ticket.Status


def _actions(ticket):
    return list(ticket.events.values_list("action", flat=True))


def _notified(user, event):
    return Notification.objects.filter(recipient=user, event=event).exists()


# --- sign -------------------------------------------------------------------------------------


def test_handler_signs_for_a_dispatched_ticket_on_time(people):
    # Given a ticket dispatched to the water department
    ticket = water_ticket(people, dispatched=True)
    # When its handler signs for it
    handling.ticket_sign(actor=people.handler, ticket=ticket)
    # Then it is in handling, not late, with a timeline step and an audit entry
    ticket.refresh_from_db()
    assert ticket.status == Status.HANDLING
    assert ticket.signed_at is not None and ticket.signed_late is False
    assert _actions(ticket) == [TicketEvent.Action.SIGN]
    assert AuditEntry.objects.filter(action="ticket.signed", object_id=str(ticket.public_id))


def test_signing_after_the_limit_is_allowed_but_recorded_late(people):
    # Given a ticket whose sign-for limit passed an hour ago
    ticket = water_ticket(
        people, dispatched=True, sign_due_at=timezone.now() - dt.timedelta(hours=1)
    )
    # When the handler signs for it
    handling.ticket_sign(actor=people.handler, ticket=ticket)
    # Then it is signed for, marked late, and the timeline says so
    ticket.refresh_from_db()
    assert ticket.status == Status.HANDLING and ticket.signed_late is True
    assert ticket.events.get(action="sign").note == "超时签收。"


def test_another_departments_handler_cannot_sign(people):
    # Given a ticket of the water department
    ticket = water_ticket(people, dispatched=True)
    # When the roads handler tries to sign for it
    with pytest.raises(PermissionDenied):
        handling.ticket_sign(actor=people.roads_handler, ticket=ticket)
    # Then nothing changed
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and not ticket.events.exists()


def test_a_dispatcher_is_not_a_handler_and_cannot_sign(people):
    ticket = water_ticket(people, dispatched=True)
    with pytest.raises(PermissionDenied):
        handling.ticket_sign(actor=people.dispatcher, ticket=ticket)


def test_a_ticket_in_handling_cannot_be_signed_again(people):
    ticket = water_ticket(people, handling=True)
    with pytest.raises(Conflict):
        handling.ticket_sign(actor=people.handler, ticket=ticket)


# --- return -----------------------------------------------------------------------------------


def test_return_sends_the_ticket_back_to_the_dispatcher_and_counts(people):
    # Given a ticket in handling at the water department
    ticket = water_ticket(people, handling=True)
    # When the handler returns it with a reason
    handling.ticket_return(actor=people.handler, ticket=ticket, reason="属于交通部门职责")
    # Then it is returned, without department, counted once, and the dispatchers are told
    ticket.refresh_from_db()
    assert ticket.status == Status.RETURNED
    assert ticket.department is None and ticket.return_count == 1
    event = ticket.events.get(action="return")
    assert event.note == "属于交通部门职责" and event.department == people.water
    assert _notified(people.dispatcher, "ticket_returned")


def test_return_needs_a_reason(people):
    ticket = water_ticket(people, dispatched=True)
    with pytest.raises(ValidationFailed) as error:
        handling.ticket_return(actor=people.handler, ticket=ticket, reason="  ")
    assert "reason" in error.value.fields
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.return_count == 0


def test_another_department_cannot_return_the_ticket(people):
    ticket = water_ticket(people, dispatched=True)
    with pytest.raises(PermissionDenied):
        handling.ticket_return(actor=people.roads_handler, ticket=ticket, reason="不归我们管")
    ticket.refresh_from_db()
    assert ticket.department == people.water


# --- transfer ---------------------------------------------------------------------------------


def test_dispatcher_transfers_to_another_department(people):
    # Given a returned ticket (no department)
    ticket = water_ticket(people, handling=True)
    handling.ticket_return(actor=people.handler, ticket=ticket, reason="属于交通部门职责")
    # When the dispatcher transfers it to the roads department with a note
    handling.ticket_transfer(
        actor=people.dispatcher, ticket=ticket, department=people.roads, note="转交通局办理"
    )
    # Then it awaits sign-for at roads, with a sign-for limit, and roads' handler is told
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.department == people.roads
    assert ticket.sign_due_at is not None and ticket.sign_due_at > timezone.now()
    assert _notified(people.roads_handler, "ticket_transferred")
    assert ticket.events.get(action="transfer").department == people.roads


def test_only_a_dispatcher_transfers(people):
    ticket = water_ticket(people, handling=True)
    with pytest.raises(PermissionDenied):
        handling.ticket_transfer(
            actor=people.handler, ticket=ticket, department=people.roads, note="转交通局"
        )
    ticket.refresh_from_db()
    assert ticket.department == people.water


def test_transfer_needs_a_note_and_another_department(people):
    ticket = water_ticket(people, handling=True)
    with pytest.raises(ValidationFailed) as error:
        handling.ticket_transfer(
            actor=people.dispatcher, ticket=ticket, department=people.roads, note=""
        )
    assert "note" in error.value.fields
    with pytest.raises(ValidationFailed) as error:
        handling.ticket_transfer(
            actor=people.dispatcher, ticket=ticket, department=people.water, note="再派一次"
        )
    assert "department" in error.value.fields


def test_a_closed_ticket_cannot_be_transferred(people):
    ticket = water_ticket(people, closed=True)
    with pytest.raises(Conflict):
        handling.ticket_transfer(
            actor=people.dispatcher, ticket=ticket, department=people.roads, note="转办"
        )


# --- extension --------------------------------------------------------------------------------


def _extend(people, ticket, days=3):
    return handling.extension_request(
        actor=people.handler,
        ticket=ticket,
        reason="需协调管网施工",
        new_due_at=ticket.due_at + dt.timedelta(days=days),
    )


def test_approved_extension_moves_the_due_time(people):
    # Given a ticket in handling and its handler's extension request
    ticket = water_ticket(people, handling=True)
    extension = _extend(people, ticket)
    assert _notified(people.dispatcher, "ticket_extension_requested")
    # When the dispatcher approves it
    handling.extension_decide(actor=people.dispatcher, extension=extension, approve=True)
    # Then the ticket's due time is the requested one and the requester is told
    ticket.refresh_from_db()
    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.APPROVED
    assert ticket.due_at == extension.requested_due_at
    assert _notified(people.handler, "ticket_extension_decided")


def test_refused_extension_keeps_the_due_time_and_needs_a_note(people):
    ticket = water_ticket(people, handling=True)
    due = ticket.due_at
    extension = _extend(people, ticket)
    with pytest.raises(ValidationFailed):
        handling.extension_decide(actor=people.dispatcher, extension=extension, approve=False)
    handling.extension_decide(
        actor=people.dispatcher, extension=extension, approve=False, note="时限内可办结"
    )
    ticket.refresh_from_db()
    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.REFUSED and ticket.due_at == due


def test_at_most_one_pending_extension(people):
    ticket = water_ticket(people, handling=True)
    _extend(people, ticket)
    with pytest.raises(Conflict):
        _extend(people, ticket, days=5)
    assert ticket.extension_requests.count() == 1


def test_extension_needs_reason_and_a_later_due_time(people):
    ticket = water_ticket(people, handling=True)
    with pytest.raises(ValidationFailed) as error:
        handling.extension_request(actor=people.handler, ticket=ticket, reason="", new_due_at=None)
    assert set(error.value.fields) == {"reason", "new_due_at"}
    with pytest.raises(ValidationFailed) as error:
        handling.extension_request(
            actor=people.handler,
            ticket=ticket,
            reason="需要更多时间",
            new_due_at=ticket.due_at - dt.timedelta(hours=1),
        )
    assert "new_due_at" in error.value.fields
    assert not ticket.extension_requests.exists()


def test_only_a_dispatcher_decides_an_extension_and_only_once(people):
    ticket = water_ticket(people, handling=True)
    extension = _extend(people, ticket)
    with pytest.raises(PermissionDenied):
        handling.extension_decide(actor=people.handler, extension=extension, approve=True)
    handling.extension_decide(actor=people.dispatcher, extension=extension, approve=True)
    with pytest.raises(Conflict):
        handling.extension_decide(actor=people.dispatcher, extension=extension, approve=True)


def test_a_ticket_not_yet_signed_cannot_ask_for_an_extension(people):
    ticket = water_ticket(people, dispatched=True)
    with pytest.raises(Conflict):
        _extend(people, ticket)


# --- assistance -------------------------------------------------------------------------------


def test_assisting_department_contributes_and_lead_answers(people):
    # Given a ticket in handling at water, which asks roads to assist
    ticket = water_ticket(people, handling=True)
    assist = handling.assist_request(
        actor=people.handler, ticket=ticket, department=people.roads, reason="请核查路面塌陷"
    )
    assert _notified(people.roads_handler, "ticket_assist_requested")
    # When roads gives its contribution
    handling.assist_contribute(
        actor=people.roads_handler, assist=assist, contribution="已安排修复路面"
    )
    # Then the contribution is stored, but roads cannot answer the citizen: water does
    assist.refresh_from_db()
    assert assist.contribution == "已安排修复路面" and assist.contributed_by == people.roads_handler
    with pytest.raises(PermissionDenied):
        handling.ticket_answer(actor=people.roads_handler, ticket=ticket, answer="已修复")
    handling.ticket_answer(actor=people.handler, ticket=ticket, answer="已修复管网和路面")
    ticket.refresh_from_db()
    assert ticket.status == Status.ANSWERED


def test_assistance_refusals(people):
    ticket = water_ticket(people, handling=True)
    # the lead department itself, and twice the same department, are refused
    with pytest.raises(ValidationFailed):
        handling.assist_request(
            actor=people.handler, ticket=ticket, department=people.water, reason="协办"
        )
    handling.assist_request(
        actor=people.handler, ticket=ticket, department=people.roads, reason="协办"
    )
    with pytest.raises(ValidationFailed):
        handling.assist_request(
            actor=people.handler, ticket=ticket, department=people.roads, reason="再次协办"
        )
    # another department cannot ask for assistance on water's ticket
    with pytest.raises(PermissionDenied):
        handling.assist_request(
            actor=people.roads_handler, ticket=ticket, department=people.centre, reason="协办"
        )
    # the lead's handler cannot write the assisting department's contribution
    assist = TicketAssist.objects.get(ticket=ticket)
    with pytest.raises(PermissionDenied):
        handling.assist_contribute(actor=people.handler, assist=assist, contribution="代写")
    assert TicketAssist.objects.filter(ticket=ticket).count() == 1


# --- urge -------------------------------------------------------------------------------------


def test_dispatcher_and_supervisor_urge_and_it_is_counted(people):
    ticket = water_ticket(people, handling=True)
    handling.ticket_urge(actor=people.dispatcher, ticket=ticket, note="请于今日内回复")
    handling.ticket_urge(actor=people.supervisor, ticket=ticket, note="群众多次来电")
    ticket.refresh_from_db()
    assert ticket.urge_count == 2
    urged = Notification.objects.filter(recipient=people.handler, event="ticket_urged")
    assert urged.filter(channel="in_app").count() == 2
    assert AuditEntry.objects.filter(action="ticket.urged").count() == 2


def test_a_handler_cannot_urge_and_closed_tickets_are_not_urged(people):
    ticket = water_ticket(people, handling=True)
    with pytest.raises(PermissionDenied):
        handling.ticket_urge(actor=people.roads_handler, ticket=ticket, note="快点")
    closed = water_ticket(people, closed=True)
    with pytest.raises(Conflict):
        handling.ticket_urge(actor=people.dispatcher, ticket=closed, note="快点")
    with pytest.raises(ValidationFailed):
        handling.ticket_urge(actor=people.dispatcher, ticket=ticket, note="")


# --- answer and review ------------------------------------------------------------------------


def test_answer_needs_text_and_handling_state(people):
    ticket = water_ticket(people, dispatched=True)
    with pytest.raises(Conflict):
        handling.ticket_answer(actor=people.handler, ticket=ticket, answer="已处理")
    handling.ticket_sign(actor=people.handler, ticket=ticket)
    with pytest.raises(ValidationFailed) as error:
        handling.ticket_answer(actor=people.handler, ticket=ticket, answer="")
    assert "answer" in error.value.fields
    ticket.refresh_from_db()
    assert ticket.status == Status.HANDLING and ticket.answer == ""


def test_answer_tells_the_citizen_and_approval_closes(people):
    ticket = water_ticket(people, handling=True)
    handling.ticket_answer(actor=people.handler, ticket=ticket, answer="已督促工地停止夜间施工")
    assert _notified(people.citizen, "ticket_answered")
    handling.answer_review(actor=people.dispatcher, ticket=ticket, approve=True)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.closed_at is not None
    closed = Notification.objects.get(
        recipient=people.citizen, event="ticket_closed", channel="in_app"
    )
    assert "已督促工地停止夜间施工" in closed.body


def test_sent_back_answer_returns_to_handling_with_reason(people):
    ticket = water_ticket(people, handling=True)
    handling.ticket_answer(actor=people.handler, ticket=ticket, answer="已处理")
    with pytest.raises(ValidationFailed):
        handling.answer_review(actor=people.dispatcher, ticket=ticket, approve=False, reason="")
    handling.answer_review(
        actor=people.dispatcher, ticket=ticket, approve=False, reason="答复过于简单"
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.HANDLING
    assert ticket.events.get(action="review_reject").note == "答复过于简单"
    assert _notified(people.handler, "ticket_answer_sent_back")


def test_only_the_hotline_centre_reviews(people):
    ticket = water_ticket(people, handling=True)
    handling.ticket_answer(actor=people.handler, ticket=ticket, answer="已处理")
    with pytest.raises(PermissionDenied):
        handling.answer_review(actor=people.handler, ticket=ticket, approve=True)
    ticket.refresh_from_db()
    assert ticket.status == Status.ANSWERED


def test_a_failing_notification_leaves_nothing_half_written(people, monkeypatch):
    # Given the outbox fails while the answer is being recorded
    ticket = water_ticket(people, handling=True)

    def broken(**kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(steps, "notification_enqueue", broken)
    # When the handler answers
    with pytest.raises(RuntimeError):
        handling.ticket_answer(actor=people.handler, ticket=ticket, answer="已处理")
    # Then neither the answer, the status, the timeline nor the audit entry was kept
    ticket.refresh_from_db()
    assert ticket.status == Status.HANDLING and ticket.answer == ""
    assert not ticket.events.exists()
    assert not AuditEntry.objects.filter(action="ticket.answered").exists()
