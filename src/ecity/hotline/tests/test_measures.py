"""Department measures (GB/T 33358): the arithmetic of each rate, rankings, sub-districts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ecity.core.crypto import blind_index
from ecity.hotline.models import Callback, Ticket, TicketEvent
from ecity.hotline.selectors.hotspots import Period
from ecity.hotline.selectors.measures import department_measures, ranked
from ecity.hotline.tests.factories import PHONE_INDEX_PURPOSE, TicketFactory

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)


def _ticket(hotline, *, phone: str, dispatched_ago: int, category=None, **kwargs):
    now = timezone.now()
    dispatched_at = now - dispatched_ago * H
    fields = {
        "category": category or hotline["noise"],
        "department": hotline["urban"],
        "caller_phone": phone,
        "caller_phone_index": blind_index(phone, purpose=PHONE_INDEX_PURPOSE),
        "received_at": dispatched_at - H,
        "dispatched_at": dispatched_at,
        "due_at": dispatched_at + 24 * H,
        "status": "dispatched",
    }
    fields.update(kwargs)
    return TicketFactory(**fields)


def _closed(hotline, *, phone, dispatched_ago, answered_after, satisfaction, solved):
    ticket = _ticket(hotline, phone=phone, dispatched_ago=dispatched_ago, status="closed")
    ticket.signed_at = ticket.dispatched_at + H
    ticket.answered_at = ticket.dispatched_at + answered_after * H
    ticket.closed_at = ticket.answered_at + H
    ticket.save()
    Callback.objects.create(
        ticket=ticket, method="phone", is_solved=solved, satisfaction=satisfaction
    )
    return ticket


@pytest.fixture
def urban_week(hotline):
    """The urban department's week: six tickets, three closed and called back."""
    now = timezone.now()
    first = _closed(
        hotline,
        phone="13900000001",
        dispatched_ago=72,
        answered_after=10,
        satisfaction="satisfied",
        solved=True,
    )
    _closed(  # answered after its 24-hour limit
        hotline,
        phone="13900000002",
        dispatched_ago=60,
        answered_after=30,
        satisfaction="fairly_satisfied",
        solved=False,
    )
    _closed(
        hotline,
        phone="13900000003",
        dispatched_ago=48,
        answered_after=20,
        satisfaction="dissatisfied",
        solved=False,
    )
    _ticket(
        hotline,
        phone="13900000004",
        dispatched_ago=5,
        status="handling",
        signed_at=now,
        signed_late=True,
    )
    # The first caller again: another category (not a repeat), then the same one (a repeat).
    _ticket(hotline, phone="13900000001", dispatched_ago=4, category=hotline["roads"])
    _ticket(hotline, phone="13900000001", dispatched_ago=3)
    for ticket in list(Ticket.objects.filter(department=hotline["urban"]))[:4]:
        TicketEvent.objects.create(ticket=ticket, action="dispatch", department=hotline["urban"])
    TicketEvent.objects.create(ticket=first, action="transfer", department=hotline["urban"])
    TicketEvent.objects.create(ticket=first, action="return", department=hotline["urban"])
    return hotline


def test_each_rate_of_a_department_is_counted_from_its_tickets(urban_week):
    # Given the urban department's week (fixture)
    # When the measures of the last seven days are computed per department
    rows = department_measures(period=Period.last_days(7))
    urban = next(r for r in rows if r.label == "城管局")
    # Then 签收率: three of six dispatched tickets signed for in time (one late, two unsigned)
    assert (urban.signed_on_time, urban.dispatched) == (3, 6)
    assert urban.sign_rate == pytest.approx(0.5)
    # 按时办结率: two of the three closed tickets were answered within 24 hours
    assert urban.on_time_rate == pytest.approx(2 / 3)
    # 解决率 one of three callbacks; 满意率 satisfied + fairly satisfied, two of three
    assert urban.solved_rate == pytest.approx(1 / 3)
    assert urban.satisfied_rate == pytest.approx(2 / 3)
    # 重复投诉率: one of six tickets repeats a caller's category within 30 days
    assert (urban.repeats, urban.received) == (1, 6)
    # 退单率: one return of five dispatches and transfers
    assert urban.return_rate == pytest.approx(1 / 5)
    # average handling time (10 + 30 + 20) / 3 hours
    assert urban.average_hours == pytest.approx(20.0)


def test_rankings_follow_the_chosen_measure_and_lower_is_better_for_returns(urban_week):
    # Given the sub-district office signed its one ticket in time, without returns
    hotline = urban_week
    _ticket(
        hotline,
        phone="13900000009",
        dispatched_ago=2,
        department=hotline["office"],
        status="handling",
        signed_at=timezone.now(),
    )
    office_ticket = Ticket.objects.get(department=hotline["office"])
    TicketEvent.objects.create(
        ticket=office_ticket, action="dispatch", department=hotline["office"]
    )
    rows = department_measures(period=Period.last_days(7))
    # When ranked by sign-for rate, and by return rate
    by_sign = ranked(rows, order="sign_rate")
    by_return = ranked(list(rows), order="return_rate")
    # Then the office comes first in both (1.0 signed; 0 returns is best)
    assert [(r.label, r.rank) for r in by_sign] == [("大智街道办事处", 1), ("城管局", 2)]
    assert [(r.label, r.rank) for r in by_return] == [("大智街道办事处", 1), ("城管局", 2)]


def test_measures_per_subdistrict_count_a_community_in_its_subdistrict(hotline):
    # Given one ticket in the community and one in the street itself, both dispatched
    _ticket(hotline, phone="13900000011", dispatched_ago=5, region=hotline["community"])
    _ticket(hotline, phone="13900000012", dispatched_ago=5, region=hotline["street"])
    # When grouped by sub-district
    rows = department_measures(period=Period.last_days(7), grouping="subdistrict")
    # Then 大智街道 holds both
    assert [(r.label, r.dispatched, r.received) for r in rows] == [("大智街道", 2, 2)]


def test_a_period_without_tickets_has_no_rows(hotline):
    # Given tickets only before the period
    _ticket(hotline, phone="13900000013", dispatched_ago=24 * 40)
    # When the last week is computed
    rows = department_measures(period=Period.last_days(7))
    # Then no department has figures
    assert rows == []
