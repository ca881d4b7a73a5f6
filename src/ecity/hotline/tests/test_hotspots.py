"""Trends and hotspots: counts over time, by category and region, rising topics, repeated
places, recurring problems, and who may read them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import cast

import pytest
from django.utils import timezone

from ecity.hotline.models import Callback, Ticket
from ecity.hotline.selectors import hotspot_places, hotspots
from ecity.hotline.selectors.hotspots import Period
from ecity.hotline.tests.factories import CategoryFactory, TicketFactory
from ecity.identity.tests.factories import StaffRoleFactory, UserFactory
from ecity.org.models import StaffRole

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 18)  # a Wednesday


def at(on: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(on, dt.time(hour), tzinfo=timezone.get_current_timezone())


def days_ago(n: int, hour: int = 10) -> dt.datetime:
    return at(TODAY - dt.timedelta(days=n), hour)


def test_daily_series_counts_each_day_and_fills_days_without_tickets(hotline):
    # Given two tickets on Monday, one late on Wednesday and one outside the period
    TicketFactory.create_batch(2, received_at=at(dt.date(2025, 6, 16)))
    TicketFactory(received_at=at(dt.date(2025, 6, 18), hour=23))
    TicketFactory(received_at=at(dt.date(2025, 6, 19)))
    # When the series of Monday to Wednesday is read by day
    series = hotspots.tickets_over_time(
        period=Period(dt.date(2025, 6, 16), dt.date(2025, 6, 18)), granularity="day"
    )
    # Then each day has its count, Tuesday zero
    assert [(b.on.day, b.count) for b in series] == [(16, 2), (17, 0), (18, 1)]


def test_weekly_series_groups_by_monday(hotline):
    # Given tickets on a Sunday and the following Monday and Tuesday
    for on in (dt.date(2025, 6, 15), dt.date(2025, 6, 16), dt.date(2025, 6, 17)):
        TicketFactory(received_at=at(on))
    # When read by week over those days
    series = hotspots.tickets_over_time(
        period=Period(dt.date(2025, 6, 15), dt.date(2025, 6, 17)), granularity="week"
    )
    # Then the Sunday belongs to the week of 9 June, the others to the week of 16 June
    assert [(b.on, b.count) for b in series] == [
        (dt.date(2025, 6, 9), 1),
        (dt.date(2025, 6, 16), 2),
    ]


def test_counts_by_category_most_first(hotline):
    # Given three noise tickets and one road ticket in the period
    TicketFactory.create_batch(3, category=hotline["noise"], received_at=days_ago(1))
    TicketFactory(category=hotline["roads"], received_at=days_ago(2))
    # When counted by category
    groups = hotspots.tickets_by_category(period=Period.last_days(7, TODAY))
    # Then noise comes first with its count
    assert [(g.key, g.count) for g in groups] == [("NOISE", 3), ("ROADS", 1)]


def test_counts_by_region_roll_communities_into_their_subdistrict(hotline):
    # Given a ticket in the community, one in the street and one placed only in the district
    TicketFactory(region=hotline["community"], received_at=days_ago(1))
    TicketFactory(region=hotline["street"], received_at=days_ago(1))
    TicketFactory(region=hotline["district"], received_at=days_ago(1))
    # When counted by map region
    groups = hotspots.tickets_by_region(period=Period.last_days(7, TODAY))
    # Then the sub-district has two and one is not placed on the map
    assert [(g.key, g.label, g.count) for g in groups] == [
        ("420102001", "大智街道", 2),
        ("", "", 1),
    ]


def test_rising_topic_is_a_word_whose_share_rose_and_stop_words_are_left_out(hotline):
    # Given four noise tickets in the baseline weeks
    for n in range(4):
        TicketFactory(
            title="工地噪音", description="工地夜间噪音扰民", received_at=days_ago(10 + n)
        )
    # and in the last week three manhole tickets (saying 问题) and one noise ticket
    for n in range(3):
        TicketFactory(title="井盖破损", description="路边井盖破损的问题", received_at=days_ago(n))
    TicketFactory(title="工地噪音", description="工地夜间噪音扰民", received_at=days_ago(1))
    # When the rising topics of the last seven days are read
    topics = hotspots.rising_topics(end=TODAY, days=7, baseline_days=28)
    words = {t.word: t for t in topics}
    # Then 井盖 rose from none to three of four tickets; 噪音 fell; 问题 is a stop word
    assert words["井盖"].count == 3
    assert words["井盖"].baseline_count == 0
    assert words["井盖"].share == pytest.approx(0.75)
    assert "噪音" not in words
    assert "问题" not in words


def _located(lat: str, lon: str, address: str, days: int = 1):
    return TicketFactory(
        latitude=Decimal(lat),
        longitude=Decimal(lon),
        address=address,
        received_at=days_ago(days),
    )


def test_three_tickets_within_50_metres_are_one_repeated_place(hotline):
    # Given three tickets within about 25 m of one another (different addresses written),
    # one 110 m away and one near the others but 40 days ago
    near = [
        _located("30.592800", "114.305500", "解放大道1000号"),
        _located("30.592900", "114.305500", "解放大道1002号"),
        _located("30.593000", "114.305600", "解放大道旁"),
    ]
    _located("30.593800", "114.305500", "中山大道1号")
    _located("30.592800", "114.305500", "解放大道1000号", days=40)
    # When the repeated places of the last 30 days are read
    places = hotspot_places.repeated_places(end=TODAY)
    # Then there is one place with the three close tickets only
    assert len(places) == 1
    assert places[0].kind == "near"
    assert places[0].count == 3
    assert sorted(places[0].numbers) == sorted(t.number for t in near)


def test_tickets_within_50_metres_across_a_grid_line_are_one_place(hotline):
    # Given three tickets within about 20 m of one another on both sides of a line of the
    # grid the neighbours are looked up in (latitudes around 668 boxes, 30.728°)
    line = hotspot_places.BOX_LAT * 668
    near = [
        _located(str(line - Decimal("0.000080")), "114.305500", "解放大道1000号"),
        _located(str(line + Decimal("0.000050")), "114.305500", "解放大道1002号"),
        _located(str(line + Decimal("0.000090")), "114.305550", "解放大道旁"),
    ]
    # When the repeated places are read
    places = hotspot_places.repeated_places(end=TODAY)
    # Then the three are one place
    assert [(p.kind, p.count) for p in places] == [("near", 3)]
    assert sorted(places[0].numbers) == sorted(t.number for t in near)


def test_rising_topics_read_a_sample_spread_over_the_window(hotline, monkeypatch):
    # Given more tickets in the last week than are read (six): the six older ones are
    # about manholes, the six newest about noise
    monkeypatch.setattr(hotspots, "TOPIC_TEXT_LIMIT", 6)
    for n in range(6):
        TicketFactory(title="井盖破损", description="路边井盖破损", received_at=days_ago(6 - n))
    for n in range(6):
        TicketFactory(title="工地噪音", description="工地夜间噪音", received_at=days_ago(0, 10 + n))
    # When the rising topics are read
    words = {t.word: t for t in hotspots.rising_topics(end=TODAY, days=7, baseline_days=28)}
    # Then both topics are seen in the sample, each in about half of the tickets read
    assert words["井盖"].share == pytest.approx(0.5)
    assert words["噪音"].share == pytest.approx(0.5)


def test_same_address_three_times_is_a_repeated_place_twice_is_not(hotline):
    # Given three tickets at one address (one with spaces around it) and two at another
    TicketFactory.create_batch(2, address="江汉路100号", received_at=days_ago(3))
    TicketFactory(address=" 江汉路100号 ", received_at=days_ago(20))
    TicketFactory.create_batch(2, address="江汉路200号", received_at=days_ago(3))
    # When the repeated places are read
    places = hotspot_places.repeated_places(end=TODAY)
    # Then only the first address is listed, with its three tickets
    assert [(p.kind, p.address, p.count) for p in places] == [("address", "江汉路100号", 3)]


def _monthly(category, region, *, months=3, reopened=0, **kwargs):
    tickets: list[Ticket] = []
    for back in range(months):
        on = dt.date(2025, 6 - back, 5)
        ticket = cast(
            Ticket,
            TicketFactory(
                category=category, region=region, received_at=at(on), closed=True, **kwargs
            ),
        )
        tickets.append(ticket)
    Ticket.objects.filter(pk__in=[t.pk for t in tickets[:reopened]]).update(reopen_count=1)
    return tickets


def test_recurring_problem_needs_tickets_every_month_and_a_high_rate(hotline):
    # Given noise tickets in the community in April, May and June, one of them reopened
    _monthly(hotline["noise"], hotline["community"], reopened=1)
    # and road tickets in the street every month, none reopened, one dissatisfied callback
    roads = _monthly(hotline["roads"], hotline["street"])
    Callback.objects.create(
        ticket=roads[0], method="phone", is_solved=False, satisfaction="dissatisfied"
    )
    Callback.objects.create(
        ticket=roads[1], method="phone", is_solved=True, satisfaction="satisfied"
    )
    # and a category with a reopened ticket in two months only
    _monthly(CategoryFactory(name_zh="占道经营"), hotline["street"], months=2, reopened=2)
    # When the recurring problems up to mid-June are read
    found = hotspots.recurring_problems(end=TODAY)
    # Then noise (reopen rate 1/3) and roads (dissatisfaction 1/2) are candidates in 大智街道
    rows = {(r.category, r.area): r for r in found}
    assert set(rows) == {("噪音扰民", "大智街道"), ("道路维修", "大智街道")}
    assert rows[("噪音扰民", "大智街道")].reopen_rate == pytest.approx(1 / 3)
    assert rows[("道路维修", "大智街道")].dissatisfaction_rate == pytest.approx(0.5)
    assert rows[("道路维修", "大智街道")].tickets == 3


def test_statistics_are_for_the_hotline_centre_supervisors_and_administrators(hotline):
    # Given a dispatcher, a handler of a department, the centre's administrator, a platform
    # administrator and a supervisor of another department
    admin = StaffRoleFactory(
        department=hotline["centre"], role=StaffRole.Role.DEPARTMENT_ADMIN
    ).user
    platform = StaffRoleFactory(department=None, role=StaffRole.Role.PLATFORM_ADMIN).user
    other = StaffRoleFactory(department=hotline["urban"], role=StaffRole.Role.SUPERVISOR).user
    # Then only the hotline centre's people and the platform administrator may read them
    assert hotspots.can_view_statistics(actor=hotline["dispatcher"])
    assert hotspots.can_view_statistics(actor=admin)
    assert hotspots.can_view_statistics(actor=platform)
    assert not hotspots.can_view_statistics(actor=hotline["handler"])
    assert not hotspots.can_view_statistics(actor=hotline["agent"])
    assert not hotspots.can_view_statistics(actor=other)
    assert not hotspots.can_view_statistics(actor=UserFactory())
