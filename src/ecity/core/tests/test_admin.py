"""Administrators keep the working-day calendar and the USCC allow-list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ecity.core.calendar import add_working_days, calendar_seed, is_working_day
from ecity.core.models import CalendarDay, CalendarYear, UsccAllowListEntry

pytestmark = pytest.mark.django_db

DAYS_URL = "/admin/core/calendarday/"
YEARS_URL = "/admin/core/calendaryear/"


@pytest.fixture
def seeded(db):
    return calendar_seed()


def test_calendar_lists_warn_about_upcoming_years_without_official_data(seeded, admin_client):
    this_year = timezone.localdate().year
    missing = [y for y in range(this_year, this_year + 3) if y > 2026]
    for url in (DAYS_URL, YEARS_URL):
        response = admin_client.get(url)
        assert response.status_code == 200
        if missing:
            assert ", ".join(map(str, missing)) + " 年尚无完整的官方节假日安排" in (
                response.content.decode()
            )
    english = admin_client.get("/en" + YEARS_URL)
    if missing:
        assert "No complete official holiday arrangement for " in english.content.decode()


def test_day_list_filters_by_year_and_kind(seeded, admin_client):
    response = admin_client.get(DAYS_URL, {"year": "2026", "kind": "adjusted_workday"})
    days = [row.date for row in response.context["cl"].result_list]
    assert sorted(days) == [
        dt.date(2026, 1, 4),
        dt.date(2026, 2, 14),
        dt.date(2026, 2, 28),
        dt.date(2026, 5, 9),
        dt.date(2026, 9, 20),
        dt.date(2026, 10, 10),
    ]


def test_year_list_shows_source_completeness_and_counts(seeded, admin_client):
    response = admin_client.get(YEARS_URL)
    row = next(y for y in response.context["cl"].result_list if y.year == 2026)
    assert (row.source, row.is_complete) == (CalendarYear.Source.PACKAGE, True)
    assert (row.holiday_total, row.workday_total) == (33, 6)


def test_entering_a_2027_holiday_in_the_admin_is_honoured_at_once(seeded, admin_client):
    assert add_working_days(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 1)
    # When an administrator adds New Year's Day 2027
    response = admin_client.post(
        DAYS_URL + "add/",
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦", "note": "国办发明电〔2026〕"},
    )
    assert response.status_code == 302
    # Then it counts, and 2027 shows as entered by an administrator but not yet complete
    assert is_working_day(dt.date(2027, 1, 1)) is False
    assert add_working_days(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)
    year = CalendarYear.objects.get(year=2027)
    assert (year.source, year.is_complete) == (CalendarYear.Source.ADMINISTRATOR, False)
    # And deleting it restores the weekday
    day = CalendarDay.objects.get(date=dt.date(2027, 1, 1))
    deleted = admin_client.post(f"{DAYS_URL}{day.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert is_working_day(dt.date(2027, 1, 1)) is True


def test_adjusted_working_day_on_a_weekday_is_refused(seeded, admin_client):
    response = admin_client.post(
        DAYS_URL + "add/",
        {"date": "2027-01-05", "kind": "adjusted_workday", "name": "", "note": ""},
    )
    assert response.status_code == 200
    assert "调休上班日必须是星期六或星期日。" in response.content.decode()
    assert not CalendarDay.objects.filter(date=dt.date(2027, 1, 5)).exists()


def test_allow_list_entry_records_who_added_it(db, admin_client, admin_user):
    response = admin_client.post(
        "/admin/core/usccallowlistentry/add/",
        {"uscc": "911100001000010119", "reason": "Issued 2015; confirmed by the market regulator"},
    )
    assert response.status_code == 302
    assert UsccAllowListEntry.objects.get().added_by == admin_user
