"""Callbacks after closing and reopening: the closed loop from dispatch to close, reopen and close
again; callback refusals; the citizen's own online rating."""

import pytest

from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.hotline.models import Callback, Ticket
from ecity.hotline.selectors.worklist import callback_tasks
from ecity.hotline.services import callbacks, handling
from ecity.hotline.tests import handling_support
from ecity.hotline.tests.handling_support import water_ticket
from ecity.notify.models import Notification

pytestmark = pytest.mark.django_db
people = handling_support.people
Status = Ticket.Status
S = Callback.Satisfaction


def _handle_and_close(people, ticket, answer="已处理完毕"):
    if ticket.status == Status.DISPATCHED:
        handling.ticket_sign(actor=people.handler, ticket=ticket)
    handling.ticket_answer(actor=people.handler, ticket=ticket, answer=answer)
    handling.answer_review(actor=people.dispatcher, ticket=ticket, approve=True)
    ticket.refresh_from_db()


def test_closed_loop_dispatch_close_reopen_close(people):
    # Given a ticket dispatched to water, signed, answered and approved: closed
    ticket = water_ticket(people, dispatched=True)
    _handle_and_close(people, ticket)
    assert ticket.status == Status.CLOSED
    assert ticket in callback_tasks(actor=people.agent)
    # When the agent calls back and the citizen is dissatisfied
    callbacks.callback_record(
        actor=people.agent,
        ticket=ticket,
        method="phone",
        is_solved=True,
        satisfaction=S.DISSATISFIED,
        comment="工地仍在夜间施工",
    )
    # Then the ticket is back in handling at water, reopened once, and everyone concerned told
    ticket.refresh_from_db()
    assert ticket.status == Status.HANDLING and ticket.department == people.water
    assert ticket.reopen_count == 1 and ticket.closed_at is None
    assert ticket not in callback_tasks(actor=people.agent)
    for user in (people.dispatcher, people.handler):
        assert Notification.objects.filter(recipient=user, event="ticket_reopened").exists()
    # When water answers again and the centre approves, then the citizen is satisfied
    _handle_and_close(people, ticket, answer="已责令工地停工并罚款")
    assert ticket.status == Status.CLOSED
    assert ticket in callback_tasks(actor=people.agent)  # a new round needs a new callback
    callbacks.callback_record(
        actor=people.agent, ticket=ticket, method="sms", is_solved=True, satisfaction=S.SATISFIED
    )
    # Then it stays closed, with one callback per round
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.reopen_count == 1
    assert list(ticket.callbacks.values_list("cycle", "satisfaction")) == [
        (0, S.DISSATISFIED),
        (1, S.SATISFIED),
    ]
    assert list(ticket.events.values_list("action", flat=True)) == [
        "sign",
        "answer",
        "close",
        "callback",
        "reopen",
        "answer",
        "close",
        "callback",
    ]


def test_not_solved_reopens_even_when_satisfied(people):
    ticket = water_ticket(people, closed=True)
    callbacks.callback_record(
        actor=people.agent, ticket=ticket, method="phone", is_solved=False, satisfaction=S.SATISFIED
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.HANDLING and ticket.reopen_count == 1


def test_callback_on_an_open_ticket_is_refused_clearly(people):
    ticket = water_ticket(people, handling=True)
    with pytest.raises(Conflict) as error:
        callbacks.callback_record(
            actor=people.agent,
            ticket=ticket,
            method="phone",
            is_solved=True,
            satisfaction=S.SATISFIED,
        )
    assert "只有已办结的工单才能回访" in error.value.message
    assert not ticket.callbacks.exists()


def test_a_closing_is_called_back_once(people):
    ticket = water_ticket(people, closed=True)
    callbacks.callback_record(
        actor=people.agent, ticket=ticket, method="phone", is_solved=True, satisfaction=S.SATISFIED
    )
    with pytest.raises(Conflict):
        callbacks.callback_record(
            actor=people.agent,
            ticket=ticket,
            method="phone",
            is_solved=True,
            satisfaction=S.SATISFIED,
        )
    assert ticket.callbacks.count() == 1


def test_only_agents_and_dispatchers_record_callbacks(people):
    ticket = water_ticket(people, closed=True)
    with pytest.raises(PermissionDenied):
        callbacks.callback_record(
            actor=people.handler,
            ticket=ticket,
            method="phone",
            is_solved=True,
            satisfaction=S.SATISFIED,
        )
    assert callback_tasks(actor=people.handler).count() == 0


def test_callback_needs_the_answers(people):
    ticket = water_ticket(people, closed=True)
    with pytest.raises(ValidationFailed) as error:
        callbacks.callback_record(
            actor=people.agent, ticket=ticket, method="", is_solved=None, satisfaction=""
        )
    assert set(error.value.fields) == {"method", "is_solved", "satisfaction"}


def test_citizen_rates_online_signed_in_or_with_query_code(people):
    # Given two closed tickets, one of the signed-in citizen and one of an anonymous caller
    mine = water_ticket(people, closed=True)
    other = water_ticket(people, closed=True, citizen=None)
    # When the citizen rates their own ticket signed in, it is recorded without an agent
    callback = callbacks.callback_rate_online(
        ticket=mine, user=people.citizen, is_solved=True, satisfaction=S.FAIRLY_SATISFIED
    )
    assert callback.method == "web" and callback.agent is None
    # And another ticket needs its query code: a wrong one is refused, the right one counts
    with pytest.raises(PermissionDenied):
        callbacks.callback_rate_online(
            ticket=other,
            user=people.citizen,
            query_code="WRONG",
            is_solved=True,
            satisfaction=S.SATISFIED,
        )
    callbacks.callback_rate_online(
        ticket=other,
        user=None,
        query_code=other.query_code.lower(),
        is_solved=False,
        satisfaction=S.DISSATISFIED,
    )
    other.refresh_from_db()
    assert other.status == Status.HANDLING and other.reopen_count == 1


def test_dispatcher_reopens_a_closed_ticket_with_a_reason(people):
    ticket = water_ticket(people, closed=True)
    with pytest.raises(ValidationFailed):
        callbacks.ticket_reopen(actor=people.dispatcher, ticket=ticket, reason="")
    with pytest.raises(PermissionDenied):
        callbacks.ticket_reopen(actor=people.handler, ticket=ticket, reason="重办")
    callbacks.ticket_reopen(actor=people.dispatcher, ticket=ticket, reason="市民再次来电投诉")
    ticket.refresh_from_db()
    assert ticket.status == Status.HANDLING and ticket.reopen_count == 1
