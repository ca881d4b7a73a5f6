"""Time limits: deadlines in working days across holidays, the stopped clock, deadline states."""

import datetime as dt

import pytest

from ecity.cases.deadlines import (
    case_clock_resume,
    case_clock_suspend,
    case_deadlines_compute,
    deadline_state_for,
    deadline_state_refresh,
)
from ecity.cases.models import Case, CorrectionRequest
from ecity.cases.tests.factories import CorrectionRequestFactory
from ecity.cases.tests.workbench_support import at, make_case
from ecity.core.calendar import add_working_days

D = dt.date
pytestmark = pytest.mark.django_db


def _accepted(joint, accepted_on, **fields):
    fields.setdefault("status", Case.Status.IN_PROGRESS)
    case = make_case(joint, accepted_at=at(accepted_on), **fields)
    case_deadlines_compute(case, accepted_on=accepted_on)
    case.save()
    return case


def test_deadlines_skip_spring_festival_and_count_working_saturdays(joint):
    # Given acceptance on Thu 2026-02-12 (committed 10, statutory 20 working days);
    # Feb 15-23 is the Spring Festival holiday, Sat Feb 14 and Sat Feb 28 are working days.
    # Committed: 13, 14(Sat), 24, 25, 26, 27, 28(Sat), Mar 2, 3, 4 -> Mar 4.
    # Statutory: ten more: Mar 5, 6, 9, 10, 11, 12, 13, 16, 17, 18 -> Mar 18.
    case = make_case(joint)

    case_deadlines_compute(case, accepted_on=D(2026, 2, 12))

    assert case.committed_due_on == D(2026, 3, 4)
    assert case.statutory_due_on == D(2026, 3, 18)


def test_deadlines_skip_national_day(joint):
    # Given a 5-day committed limit from Mon 2026-09-28: Sep 29, 30, (Oct 1-7 off), Oct 8, 9,
    # and Sat Oct 10, an adjusted working day.
    joint.version.committed_days = 5
    case = make_case(joint)

    case_deadlines_compute(case, accepted_on=D(2026, 9, 28))

    assert case.committed_due_on == D(2026, 10, 10)


def test_deadlines_in_2027_without_calendar_data_fall_back_to_weekdays(joint):
    case = make_case(joint)

    case_deadlines_compute(case, accepted_on=D(2027, 3, 1))  # a Monday

    assert case.committed_due_on == D(2027, 3, 15)
    assert case.statutory_due_on == D(2027, 3, 29)


def test_version_without_limits_gets_no_deadlines(joint):
    joint.version.committed_days = None
    joint.version.statutory_days = None
    case = make_case(joint)

    case_deadlines_compute(case, accepted_on=D(2026, 3, 2))

    assert (case.committed_due_on, case.statutory_due_on) == (None, None)


def test_suspension_of_three_working_days_moves_both_deadlines_by_three(joint):
    # Given a case accepted on Mon 2026-03-02 (committed Mar 16, statutory Mar 30)
    case = _accepted(joint, D(2026, 3, 2))
    assert (case.committed_due_on, case.statutory_due_on) == (D(2026, 3, 16), D(2026, 3, 30))
    CorrectionRequestFactory(
        case=case,
        requested_by=joint.lead_reviewer,
        items=[{"message": "x"}],
        suspended_on=D(2026, 3, 4),
    )

    # When the clock stops on Wed Mar 4 and resumes on Mon Mar 9 (Thu, Fri, Mon: 3 working days)
    case_clock_suspend(case, on=D(2026, 3, 4))
    assert case.deadline_state == Case.DeadlineState.SUSPENDED
    case_clock_resume(case, on=D(2026, 3, 9))

    # Then both deadlines move by three working days
    case.refresh_from_db()
    assert case.suspended_working_days == 3
    assert case.committed_due_on == add_working_days(D(2026, 3, 16), 3) == D(2026, 3, 19)
    assert case.statutory_due_on == D(2026, 4, 2)
    assert case.clock_suspended_on is None
    assert CorrectionRequest.objects.get(case=case).resumed_on == D(2026, 3, 9)


def test_resuming_twice_counts_the_stop_once(joint):
    case = _accepted(joint, D(2026, 3, 2))
    case_clock_suspend(case, on=D(2026, 3, 4))

    case_clock_resume(case, on=D(2026, 3, 9))
    case_clock_resume(case, on=D(2026, 3, 12))

    assert case.suspended_working_days == 3


def test_correction_before_acceptance_restarts_the_acceptance_limit(joint):
    case = make_case(joint, acceptance_due_on=D(2026, 3, 9))
    case_clock_suspend(case, on=D(2026, 3, 3))

    case_clock_resume(case, on=D(2026, 3, 10))

    assert case.acceptance_due_on == add_working_days(D(2026, 3, 10), 5) == D(2026, 3, 17)
    assert case.suspended_working_days == 0


def test_extension_moves_only_the_statutory_deadline(joint):
    case = _accepted(joint, D(2026, 3, 2))

    case.extension_working_days = 5
    case_deadlines_compute(case, accepted_on=D(2026, 3, 2))

    assert case.committed_due_on == D(2026, 3, 16)
    assert case.statutory_due_on == D(2026, 4, 7)  # Mar 30 + 5 working days (Apr 6 is 清明)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 3, 10), Case.DeadlineState.NORMAL),  # 4 working days left
        (D(2026, 3, 12), Case.DeadlineState.DUE_SOON),  # 2 left (Fri 13, Mon 16)
        (D(2026, 3, 16), Case.DeadlineState.DUE_SOON),  # the due day itself
        (D(2026, 3, 17), Case.DeadlineState.OVERDUE),
    ],
)
def test_deadline_state_follows_the_committed_deadline(joint, today, expected):
    case = _accepted(joint, D(2026, 3, 2))  # committed Mar 16

    assert deadline_state_for(case, today) == expected


def test_due_soon_threshold_is_a_setting(joint, settings):
    settings.ECITY_DUE_SOON_WORKING_DAYS = 4
    case = _accepted(joint, D(2026, 3, 2))

    assert deadline_state_for(case, D(2026, 3, 10)) == Case.DeadlineState.DUE_SOON


def test_refresh_updates_only_changed_open_cases_and_matches_the_rules(joint):
    # Given cases in every situation on 2026-03-12
    today = D(2026, 3, 12)
    normal = _accepted(joint, D(2026, 3, 9))  # committed Mar 23
    due_soon = _accepted(joint, D(2026, 3, 2))  # committed Mar 16
    overdue = _accepted(joint, D(2026, 2, 12))  # committed Mar 4
    late_acceptance = make_case(joint, acceptance_due_on=D(2026, 3, 11))
    acceptance_soon = make_case(joint, acceptance_due_on=D(2026, 3, 13))
    waiting = _accepted(joint, D(2026, 2, 12), status=Case.Status.AWAITING_CORRECTION)
    no_limit = make_case(joint, status=Case.Status.IN_PROGRESS, accepted_at=at(D(2026, 3, 2)))
    closed = _accepted(joint, D(2026, 2, 12), status=Case.Status.APPROVED)

    # When the job runs
    changed = deadline_state_refresh(today=today)

    # Then each open case has the state deadline_state_for gives, closed cases are untouched
    states = dict(Case.objects.values_list("pk", "deadline_state"))
    assert states[normal.pk] == Case.DeadlineState.NORMAL
    assert states[due_soon.pk] == Case.DeadlineState.DUE_SOON
    assert states[overdue.pk] == Case.DeadlineState.OVERDUE
    assert states[late_acceptance.pk] == Case.DeadlineState.OVERDUE
    assert states[acceptance_soon.pk] == Case.DeadlineState.DUE_SOON
    assert states[waiting.pk] == Case.DeadlineState.SUSPENDED
    assert states[no_limit.pk] == Case.DeadlineState.NORMAL
    assert states[closed.pk] == Case.DeadlineState.NORMAL
    assert changed == 5
    for case in Case.objects.exclude(pk=closed.pk):
        assert case.deadline_state == deadline_state_for(case, today)

    # And a second run changes nothing; a week later the due-soon case is overdue
    assert deadline_state_refresh(today=today) == 0
    assert deadline_state_refresh(today=D(2026, 3, 19)) >= 1
    due_soon.refresh_from_db()
    assert due_soon.deadline_state == Case.DeadlineState.OVERDUE


def test_refresh_returns_a_state_to_normal_after_an_extension(joint):
    case = _accepted(joint, D(2026, 3, 2), deadline_state=Case.DeadlineState.OVERDUE)
    case.committed_due_on = D(2026, 4, 30)
    case.save()

    assert deadline_state_refresh(today=D(2026, 3, 20)) == 1
    case.refresh_from_db()
    assert case.deadline_state == Case.DeadlineState.NORMAL


def test_jobs_are_registered_and_refresh_deadlines(joint):
    from ecity.core.jobs import registered_jobs, run_job

    # The periodic jobs are the workflow's, run for every registered subject (cases included).
    jobs = registered_jobs()
    assert jobs["workflow.deadlines"].every_seconds == 300
    assert jobs["workflow.timers"].every_seconds == 60
    overdue = _accepted(joint, D(2020, 3, 2))

    assert "1 cases changed" in run_job("workflow.deadlines").split("; ")
    assert "timers fired on 0 cases" in run_job("workflow.timers").split("; ")
    overdue.refresh_from_db()
    assert overdue.deadline_state == Case.DeadlineState.OVERDUE
