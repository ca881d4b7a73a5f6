"""Working-day clocks on plain values: due dates across holidays, stopped clocks, states."""

from __future__ import annotations

import datetime as dt

import pytest

from ecity.core.calendar import calendar_seed
from ecity.workflow.clocks import (
    DeadlineState,
    deadline_state,
    due_on,
    due_soon_working_days,
    stopped_working_days,
)

D = dt.date


@pytest.fixture
def seeded_calendar(db):
    calendar_seed()


def test_due_date_skips_spring_festival_and_counts_working_saturdays(seeded_calendar):
    # Given a start on Thu 2026-02-12; Feb 15-23 is the Spring Festival holiday, Sat Feb 14 and
    # Sat Feb 28 are working days: 13, 14(Sat), 24, 25, 26, 27, 28(Sat), Mar 2, 3, 4.
    assert due_on(D(2026, 2, 12), 10) == D(2026, 3, 4)
    # Ten more working days: Mar 5, 6, 9, 10, 11, 12, 13, 16, 17, 18.
    assert due_on(D(2026, 2, 12), 20) == D(2026, 3, 18)


def test_stopped_and_extension_days_move_the_due_date(seeded_calendar):
    # Given a 5-day limit from Mon 2026-03-02 (due Mon Mar 9)
    assert due_on(D(2026, 3, 2), 5) == D(2026, 3, 9)
    # When the clock was stopped three working days and two days of extension were granted
    moved = due_on(D(2026, 3, 2), 5, suspended_days=3, extension_days=2)
    # Then it is due five working days later
    assert moved == D(2026, 3, 16)


def test_a_stop_counts_the_working_days_after_it_up_to_the_restart(seeded_calendar):
    # Stopped Thu Mar 5, restarted Tue Mar 10: Fri 6, Mon 9, Tue 10.
    assert stopped_working_days(D(2026, 3, 5), D(2026, 3, 10)) == 3
    assert stopped_working_days(D(2026, 3, 5), D(2026, 3, 5)) == 0
    assert stopped_working_days(D(2026, 3, 10), D(2026, 3, 5)) == 0  # never negative


@pytest.mark.parametrize(
    ("due", "suspended", "expected"),
    [
        (None, False, DeadlineState.NORMAL),  # no time limit
        (D(2026, 3, 11), False, DeadlineState.OVERDUE),  # yesterday
        (D(2026, 3, 12), False, DeadlineState.DUE_SOON),  # today
        (D(2026, 3, 16), False, DeadlineState.DUE_SOON),  # Fri and Mon left, the due day included
        (D(2026, 3, 17), False, DeadlineState.NORMAL),  # three working days left
        (D(2026, 3, 11), True, DeadlineState.SUSPENDED),  # a stopped clock is never overdue
    ],
)
def test_deadline_state_on_a_thursday(seeded_calendar, due, suspended, expected):
    today = D(2026, 3, 12)
    assert due_soon_working_days() == 2
    assert deadline_state(due=due, today=today, suspended=suspended) == expected


def test_due_soon_follows_the_setting(seeded_calendar, settings):
    settings.ECITY_DUE_SOON_WORKING_DAYS = 3
    assert deadline_state(due=D(2026, 3, 17), today=D(2026, 3, 12)) == DeadlineState.DUE_SOON
