"""Dispatch: limits in working time, the suggestion's ranking, who may dispatch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

import pytest
from django.utils import timezone

from ecity.core.errors import ApplicationError, PermissionDenied
from ecity.hotline.models import Ticket, TicketEvent, TicketLimit
from ecity.hotline.selectors.suggestions import dispatch_suggest
from ecity.hotline.services.dispatch import limits_for, ticket_dispatch
from ecity.hotline.tests.factories import TicketFactory
from ecity.notify.models import Notification
from ecity.workflow.clocks import add_working_hours

pytestmark = pytest.mark.django_db


def _ticket(**values: Any) -> Ticket:
    return cast(Ticket, TicketFactory(**values))


def _at(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


def test_working_hours_skip_lunch_evenings_and_holidays(hotline):
    # Given Fri 2026-09-30 16:30 (National Day holiday Oct 1-7 follows)
    # When 2 working hours are added: 1 hour Fri until 17:30, 1 hour after the holiday
    due = add_working_hours(_at(2026, 9, 30, 16, 30), Decimal("2"))
    # Then the clock resumes on the next working day at 09:00
    assert due.date() > dt.date(2026, 10, 7) and (due.hour, due.minute) == (10, 0)
    # And a morning limit crosses lunch: 11:00 + 2h = 14:30
    assert add_working_hours(_at(2026, 3, 3, 11, 0), 2) == _at(2026, 3, 3, 14, 30)
    # And a start before opening counts from 09:00
    assert add_working_hours(_at(2026, 3, 3, 7, 0), Decimal("0.5")) == _at(2026, 3, 3, 9, 30)


def test_limits_prefer_the_kind_row_then_the_any_kind_row(hotline):
    # Given an any-kind row and a complaint row for urgent tickets
    TicketLimit.objects.create(kind="", urgency="urgent", sign_within=1, answer_within=3)
    TicketLimit.objects.create(kind="complaint", urgency="urgent", sign_within=2, answer_within=2)
    # Then a complaint uses its own row, an enquiry the any-kind row
    assert limits_for(kind="complaint", urgency="urgent").answer_within == 2
    assert limits_for(kind="enquiry", urgency="urgent").answer_within == 3


def test_dispatch_sets_department_limits_event_and_tells_the_handlers(hotline):
    # Given a received ticket and a 4-hour sign / 5-day answer limit
    TicketLimit.objects.create(
        kind="", urgency="ordinary", sign_within=4, answer_within=5,
        sign_unit="working_hours", answer_unit="working_days",
    )  # fmt: skip
    ticket = _ticket(category=hotline["roads"])
    # When the dispatcher dispatches it to the urban management bureau
    ticket_dispatch(
        actor=hotline["dispatcher"], ticket=ticket, department=hotline["urban"], note="请核实"
    )
    # Then it awaits sign-for there, with both limits in the future
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.DISPATCHED and ticket.department == hotline["urban"]
    assert ticket.dispatched_at and ticket.sign_due_at and ticket.due_at
    assert ticket.dispatched_at < ticket.sign_due_at < ticket.due_at
    event = ticket.events.get(action=TicketEvent.Action.DISPATCH)
    assert event.department == hotline["urban"] and event.note == "请核实"
    assert Notification.objects.filter(
        event="ticket_dispatched", recipient=hotline["handler"]
    ).exists()


def test_a_ticket_handler_cannot_dispatch_and_a_dispatched_ticket_not_twice(hotline):
    ticket = _ticket(category=hotline["roads"])
    # Given a department's ticket handler, when they dispatch, then they are refused
    with pytest.raises(PermissionDenied):
        ticket_dispatch(actor=hotline["handler"], ticket=ticket, department=hotline["urban"])
    # Given a dispatched ticket, when dispatched again, then the status is refused
    ticket_dispatch(actor=hotline["dispatcher"], ticket=ticket, department=hotline["urban"])
    with pytest.raises(ApplicationError):
        ticket_dispatch(actor=hotline["dispatcher"], ticket=ticket, department=hotline["office"])


def test_suggestion_puts_the_sub_district_office_first_for_a_local_category(hotline):
    # Given a noise complaint (local) in a community of the 大智 sub-district
    ticket = _ticket(category=hotline["noise"], region=hotline["community"])
    # When suggestions are asked for
    suggestions = dispatch_suggest(ticket)
    # Then the sub-district office comes first, the usual department second
    assert [s.department for s in suggestions[:2]] == [hotline["office"], hotline["urban"]]
    assert suggestions[0].score > suggestions[1].score
    assert "sub-district" in suggestions[0].reason or "街道" in suggestions[0].reason


def test_suggestion_learns_from_closed_tickets_of_the_category(hotline):
    # Given road tickets closed mostly by the sub-district office, not the usual department
    for _ in range(3):
        _ticket(category=hotline["roads"], closed=True, department=hotline["office"])
    ticket = _ticket(category=hotline["roads"])
    # When suggestions are asked for
    suggestions = {s.department: s.score for s in dispatch_suggest(ticket)}
    # Then both appear, the usual department by rule and the office by history
    assert suggestions[hotline["urban"]] == 0.7
    assert suggestions[hotline["office"]] == 0.3


def test_the_dispatch_page_of_a_returned_ticket_shows_who_returned_it_and_why(client, hotline):
    from django.urls import reverse

    from ecity.hotline.services.handling import ticket_return

    # Given a ticket dispatched to 城管局 and returned by its handler with a reason
    ticket = _ticket(category=hotline["roads"])
    ticket_dispatch(actor=hotline["dispatcher"], ticket=ticket, department=hotline["urban"])
    ticket_return(actor=hotline["handler"], ticket=ticket, reason="该路段属区管道路，请改派。")
    # When the dispatcher opens it again
    client.force_login(hotline["dispatcher"])
    page = client.get(reverse("hotline:dispatch_ticket", kwargs={"number": ticket.number}))
    # Then the page says that 城管局 returned it, and why
    assert page.status_code == 200
    text = page.content.decode()
    assert "退单 · 城管局" in text
    assert "该路段属区管道路，请改派。" in text
