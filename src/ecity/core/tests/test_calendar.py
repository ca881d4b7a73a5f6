"""Working-day calendar: seeded 2026 holidays, the 2027 fallback, administrators' edits."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import chinese_calendar
import pytest
from django.core.management import call_command
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecity.core.calendar import (
    add_working_days,
    calendar_seed,
    calendar_snapshot,
    invalidate_cache,
    is_working_day,
    upcoming_years_without_official_data,
    working_day_calendar,
    working_days_between,
    years_without_official_data,
)
from ecity.core.models import CalendarDay, CalendarYear

D = dt.date


@pytest.fixture
def seeded(db):
    """The database as ``ecity run`` leaves it: every year chinese-calendar knows."""
    return calendar_seed()


# --- seeding -------------------------------------------------------------------------------


def test_seed_copies_every_year_the_package_knows(seeded):
    assert seeded.seeded_years == list(range(2004, 2027))
    assert (
        CalendarYear.objects.filter(source=CalendarYear.Source.PACKAGE, is_complete=True).count()
        == 23
    )
    spring = CalendarDay.objects.get(date=D(2026, 2, 17))
    assert (spring.kind, spring.name) == (CalendarDay.Kind.HOLIDAY, "春节")
    assert CalendarDay.objects.get(date=D(2026, 2, 28)).kind == CalendarDay.Kind.ADJUSTED_WORKDAY
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_seed_again_adds_nothing_with_one_query(seeded, django_assert_num_queries):
    with django_assert_num_queries(1):
        result = calendar_seed()
    assert result.seeded_years == []
    assert result.present_years == list(range(2004, 2027))


def test_seed_never_overwrites_an_administrators_edit(seeded):
    # Given an administrator renamed one day and removed another in a seeded year
    CalendarDay.objects.filter(date=D(2026, 10, 1)).update(name="国庆节（已核对）")
    CalendarDay.objects.filter(date=D(2026, 10, 10)).delete()
    # When the seed runs again (every start)
    calendar_seed()
    # Then both edits are still there
    assert CalendarDay.objects.get(date=D(2026, 10, 1)).name == "国庆节（已核对）"
    assert not CalendarDay.objects.filter(date=D(2026, 10, 10)).exists()


def test_seed_skips_a_year_an_administrator_entered_first(db):
    CalendarYear.objects.create(year=2026, source=CalendarYear.Source.ADMINISTRATOR)
    CalendarDay.objects.create(date=D(2026, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
    result = calendar_seed(years=[2025, 2026])
    assert result.seeded_years == [2025]
    assert CalendarDay.objects.filter(date__year=2026).count() == 1


def test_seed_command_prints_a_summary_and_the_years_lacking_data(db, settings):
    settings.LANGUAGE_CODE = "en"
    out = StringIO()
    with translation.override("en"):
        call_command("calendar_seed", stdout=out)
        call_command("calendar_seed", stdout=out)
    first, second = out.getvalue().splitlines()
    assert "seeded 23 years (2004-2026" in first
    assert "up to date" in second
    this_year = dt.date.today().year
    missing = [y for y in range(this_year, this_year + 3) if y > 2026]
    if missing:
        assert ", ".join(map(str, missing)) in second


# --- Spring Festival and National Day 2026 (official arrangement) ---------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 2, 13), True),  # Friday before the holiday
        (D(2026, 2, 14), True),  # adjusted working Saturday
        *[(D(2026, 2, n), False) for n in range(15, 24)],  # 15-23 February: Spring Festival
        (D(2026, 2, 24), True),
        (D(2026, 2, 28), True),  # adjusted working Saturday
        (D(2026, 3, 1), False),  # ordinary Sunday
        (D(2026, 9, 20), True),  # adjusted working Sunday
        (D(2026, 9, 25), False),  # Mid-autumn Festival (a Friday)
        *[(D(2026, 10, n), False) for n in range(1, 8)],  # 1-7 October: National Day
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),  # adjusted working Saturday
    ],
)
def test_2026_holidays_and_adjusted_working_days(seeded, day, working):
    assert is_working_day(day) is working


def test_add_working_days_across_spring_festival_2026(seeded):
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    # 20 working days from Friday 6 February: 9-14 Feb (6), 24-28 Feb (5), then 9 more in March
    assert add_working_days(D(2026, 2, 6), 20) == D(2026, 3, 12)
    assert add_working_days(D(2026, 2, 24), -1) == D(2026, 2, 14)


def test_working_days_between_across_spring_festival_2026(seeded):
    # 13 Fri, 14 Sat (adjusted), 24-27 (4), 28 Sat (adjusted)
    assert working_days_between(D(2026, 2, 12), D(2026, 2, 28)) == 7
    assert working_days_between(D(2026, 2, 28), D(2026, 2, 12)) == -7
    assert working_days_between(D(2026, 2, 15), D(2026, 2, 23)) == 0
    assert working_days_between(D(2026, 2, 20), D(2026, 2, 20)) == 0


def test_national_day_2026(seeded):
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 9, 19), 1) == D(2026, 9, 20)
    # 8, 9, 10 (Saturday, adjusted) October
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 11)) == 3


# --- 2027 and later: no official data -------------------------------------------------------


def test_2027_falls_back_to_weekends_only_without_raising(seeded):
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 1))  # why the fallback exists
    assert is_working_day(D(2027, 1, 1)) is True  # a Friday; no official data yet
    assert is_working_day(D(2027, 1, 2)) is False  # Saturday
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)
    assert add_working_days(D(2026, 12, 30), 5) == D(2027, 1, 6)
    assert working_days_between(D(2026, 12, 31), D(2027, 12, 31)) == 261
    assert is_working_day(D(2100, 3, 1)) is True


def test_administrator_entered_2027_holiday_is_honoured(seeded):
    # Given 2027 dates were computed once (so they sit in the process cache)
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)
    # When an administrator enters New Year's Day 2027 and an adjusted working Saturday
    CalendarDay.objects.create(date=D(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
    CalendarDay.objects.create(
        date=D(2027, 2, 6), kind=CalendarDay.Kind.ADJUSTED_WORKDAY, name="春节"
    )
    # Then the next computation sees them
    assert is_working_day(D(2027, 1, 1)) is False
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert is_working_day(D(2027, 2, 6)) is True
    # And when the administrator removes the holiday again, it is gone
    CalendarDay.objects.filter(date=D(2027, 1, 1)).delete()
    assert is_working_day(D(2027, 1, 1)) is True


def test_changing_a_days_kind_is_seen_at_once(seeded):
    assert is_working_day(D(2026, 10, 1)) is False
    day = CalendarDay.objects.get(date=D(2026, 10, 1))
    day.kind = CalendarDay.Kind.ADJUSTED_WORKDAY
    day.save()
    assert is_working_day(D(2026, 10, 1)) is True


def test_years_without_official_data(seeded):
    assert years_without_official_data([2025, 2026, 2027, 2028]) == [2027, 2028]
    CalendarYear.objects.create(
        year=2027, source=CalendarYear.Source.ADMINISTRATOR, is_complete=False
    )
    assert years_without_official_data([2026, 2027]) == [2027]
    CalendarYear.objects.filter(year=2027).update(is_complete=True)
    assert years_without_official_data([2026, 2027, 2028]) == [2028]
    assert upcoming_years_without_official_data(today=D(2026, 6, 1)) == [2028]


# --- efficiency -------------------------------------------------------------------------------


def test_adding_60_working_days_makes_a_constant_number_of_queries(
    seeded, django_assert_max_num_queries, django_assert_num_queries
):
    invalidate_cache()
    with django_assert_max_num_queries(2):  # fingerprint + the year(s) reached
        assert add_working_days(D(2026, 12, 1), 60) == D(2027, 2, 23)
    with django_assert_num_queries(1):  # cached: the fingerprint only
        assert working_days_between(D(2026, 12, 1), D(2027, 2, 23)) == 60


def test_a_snapshot_answers_many_questions_without_more_queries(seeded, django_assert_num_queries):
    calendar = working_day_calendar()
    calendar.working_days_between(D(2025, 1, 1), D(2026, 12, 31))  # load both years
    with django_assert_num_queries(0):
        deadlines = [
            calendar.add_working_days(D(2026, 1, 1) + dt.timedelta(n), 20) for n in range(300)
        ]
    assert deadlines[0] == D(2026, 1, 29)  # 4 January was an adjusted working Sunday


def test_a_batch_counts_every_deadline_on_one_snapshot(seeded, django_assert_num_queries):
    # Given a batch computing many deadlines through the module's functions
    invalidate_cache()
    with calendar_snapshot():
        working_days_between(D(2026, 1, 1), D(2027, 12, 31))  # fingerprint + the two years
        # Then the calendar is not asked again for the rest of the batch
        with django_assert_num_queries(0):
            dues = [add_working_days(D(2026, 9, 1) + dt.timedelta(n), 5) for n in range(100)]
            assert is_working_day(D(2026, 10, 1)) is False
        # and a change made meanwhile is not seen by the batch (one consistent calendar)
        CalendarDay.objects.filter(date=D(2026, 10, 1)).update(
            kind=CalendarDay.Kind.ADJUSTED_WORKDAY
        )
        assert is_working_day(D(2026, 10, 1)) is False
    assert dues[0] == D(2026, 9, 8)
    # When the batch is over, the next computation sees the change
    invalidate_cache()  # update() bypasses the timestamps the fingerprint watches
    assert is_working_day(D(2026, 10, 1)) is True


def test_datetimes_are_refused(seeded):
    with pytest.raises(TypeError):
        is_working_day(dt.datetime(2026, 2, 14, 9, 0))


# --- agreement with chinese-calendar and properties ------------------------------------------


def test_every_seeded_date_agrees_with_chinese_calendar(seeded):
    calendar = working_day_calendar()
    day = D(2004, 1, 1)
    while day <= D(2026, 12, 31):
        assert calendar.is_working_day(day) is chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


any_day = st.dates(min_value=D(2003, 6, 1), max_value=D(2028, 6, 30))
no_db_reset = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=200, deadline=None
)


@no_db_reset
@given(day=any_day, n=st.integers(min_value=1, max_value=400))
def test_adding_working_days_lands_on_a_working_day(seeded, day, n):
    result = add_working_days(day, n)
    assert result > day
    assert is_working_day(result)
    assert is_working_day(add_working_days(day, -n))


@no_db_reset
@given(day=any_day, n=st.integers(min_value=-400, max_value=400))
def test_working_days_between_inverts_add_working_days(seeded, day, n):
    assert working_days_between(day, add_working_days(day, n)) == n


@no_db_reset
@given(start=any_day, end=any_day)
def test_working_days_between_agrees_with_counting_day_by_day(seeded, start, end):
    calendar = working_day_calendar()
    step = dt.timedelta(days=1)
    if end >= start:
        days = [start + step * i for i in range(1, (end - start).days + 1)]
        expected = sum(calendar.is_working_day(d) for d in days)
    else:
        days = [end + step * i for i in range((start - end).days)]
        expected = -sum(calendar.is_working_day(d) for d in days)
    assert calendar.working_days_between(start, end) == expected


@pytest.mark.django_db
def test_working_days_beyond_the_calendar_range_raise_a_clear_error_not_overflow():
    from ecity.core.calendar import MAX_WORKING_DAYS, WorkingDaysOutOfRange

    start = dt.date(2026, 1, 5)

    with pytest.raises(WorkingDaysOutOfRange):
        add_working_days(start, 10**9)
    with pytest.raises(WorkingDaysOutOfRange):
        add_working_days(dt.date(9999, 12, 1), 100)
    assert add_working_days(start, MAX_WORKING_DAYS) > start
