"""Time limits of cases (限时办结): deadlines in working days, the stopped clock, deadline states.

The working-day arithmetic and the state rules are ``ecity.workflow.clocks`` (shared by every
subject with a clock); this module says which limits a case has and when its clock runs. All
dates are local dates in the platform's time zone (Asia/Shanghai by default,
``timezone.localdate()``); the start date never counts (``add_working_days(d, 1)`` is the first
working day after ``d``).

Rules (limits are data on the service version, never constants in code):

* Acceptance: ``acceptance_due_on = add_working_days(submitted_on, acceptance_days)``, set at
  submission. A correction requested before acceptance stops that clock; on resumption the
  acceptance limit starts again from the day the correction arrives (the applicant is told
  once and completely what is missing, so the office gets a full period for the new papers).
* On acceptance (``case_deadlines_compute``), with ``S`` = ``suspended_working_days`` and
  ``E`` = ``extension_working_days``:

  - ``committed_due_on = add_working_days(accepted_on, committed_days + S)``
  - ``statutory_due_on = add_working_days(accepted_on, statutory_days + S + E)``

  A missing committed limit falls back to the statutory one and vice versa; a version without
  any limit gets no deadlines. An extension (延期) moves the statutory deadline only.
* Suspension (``case_clock_suspend``) records the day the clock stopped. Resumption
  (``case_clock_resume``) adds ``working_days_between(suspended_on, resumed_on)`` (the working
  days after the stop up to and including the resumption day) to ``S`` and recomputes, so a
  stop of three working days moves both deadlines by three working days.

Deadline states (``Case.DeadlineState``) of OPEN cases (submitted, in progress, awaiting
correction); closed cases keep the state they had when they closed:

* ``SUSPENDED``: the case awaits a correction (the clock is stopped).
* ``OVERDUE`` (超期): today is after the case's current due date: the acceptance deadline
  before acceptance, the committed deadline afterwards (the statutory one when there is no
  committed limit). The committed limit is the promise to the applicant, so breaking it is what
  supervisors must see; whether the statutory limit is also past is shown separately
  (``is_past_statutory``).
* ``DUE_SOON`` (预警): not overdue, and at most ``ECITY_DUE_SOON_WORKING_DAYS`` (default 2)
  working days are left: ``working_days_between(today, due) <= N``, the due day included.
* ``NORMAL``: everything else, including cases without a time limit.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.cases.errors import CasesErrorCode
from ecity.cases.models import Case, CorrectionRequest
from ecity.core.calendar import WorkingDaysOutOfRange
from ecity.core.errors import ApplicationError
from ecity.workflow.clocks import (
    deadline_conditions,
    deadline_state,
    deadline_states_refresh,
    due_soon_working_days,
    stopped_working_days,
)
from ecity.workflow.clocks import due_on as clock_due_on

OPEN_STATUSES = (
    Case.Status.SUBMITTED,
    Case.Status.IN_PROGRESS,
    Case.Status.AWAITING_CORRECTION,
)
DEADLINE_FIELDS = [
    "committed_due_on",
    "statutory_due_on",
    "acceptance_due_on",
    "suspended_working_days",
    "clock_suspended_on",
    "deadline_state",
]


__all__ = [
    "DEADLINE_FIELDS",
    "OPEN_STATUSES",
    "accepted_on",
    "case_clock_resume",
    "case_clock_suspend",
    "case_deadlines_compute",
    "deadline_state_for",
    "deadline_state_refresh",
    "due_on",
    "due_soon_working_days",
    "is_past_statutory",
]


def due_on(
    start: dt.date, limit: int, *, suspended_days: int = 0, extension_days: int = 0
) -> dt.date:
    """The due date of a case's time limit; a limit out of range is a clear error, not a crash.

    Limits are bounded where a service guide is edited (1 to 3,650 working days), but a value
    stored before the bound (or edited in the database) must still not turn an acceptance or a
    submission into a server error: staff and applicants are told the guide needs correcting.
    Raises ``ApplicationError`` (``time_limit_out_of_range``).
    """
    try:
        return clock_due_on(
            start, limit, suspended_days=suspended_days, extension_days=extension_days
        )
    except WorkingDaysOutOfRange as exc:
        raise ApplicationError(
            _(
                "The time limit of this service (%(days)s working days) is out of range. "
                "The department must correct the service guide before this case can go on."
            )
            % {"days": limit},
            code=CasesErrorCode.TIME_LIMIT_OUT_OF_RANGE,
        ) from exc


def _limits(case: Case) -> tuple[int | None, int | None]:
    version = case.service_version
    committed, statutory = version.committed_days, version.statutory_days
    if committed is None:
        committed = statutory
    if statutory is None:
        statutory = committed
    return committed, statutory


def case_deadlines_compute(case: Case, *, accepted_on: dt.date) -> Case:
    """Set the committed and statutory deadlines of an accepted case (not saved).

    See the module docstring for the formulas. The caller saves ``DEADLINE_FIELDS``.
    """
    committed, statutory = _limits(case)
    suspended = case.suspended_working_days
    if committed is None or statutory is None:
        case.committed_due_on = case.statutory_due_on = None
        return case
    case.committed_due_on = due_on(accepted_on, committed, suspended_days=suspended)
    case.statutory_due_on = due_on(
        accepted_on,
        statutory,
        suspended_days=suspended,
        extension_days=case.extension_working_days,
    )
    return case


def accepted_on(case: Case) -> dt.date | None:
    """The local date the case was accepted, or None before acceptance."""
    return timezone.localdate(case.accepted_at) if case.accepted_at else None


def case_clock_suspend(case: Case, *, on: dt.date) -> Case:
    """Stop the case's clock on ``on`` (a correction was requested); saves the deadline fields.

    Idempotent: a clock already stopped keeps its original stop date.
    """
    if case.clock_suspended_on is None:
        case.clock_suspended_on = on
    case.deadline_state = Case.DeadlineState.SUSPENDED
    case.save(update_fields=[*DEADLINE_FIELDS, "updated_at"])
    return case


def case_clock_resume(case: Case, *, on: dt.date) -> Case:
    """Restart the case's clock on ``on`` and recompute its deadlines; saves them.

    After acceptance the working days after the stop up to and including ``on`` are added to
    ``suspended_working_days``; before acceptance the acceptance limit starts again from ``on``.
    Records ``resumed_on`` on the correction request that stopped the clock. Idempotent: a
    running clock is left alone.
    """
    stopped = case.clock_suspended_on
    if stopped is None:
        return case
    accepted = accepted_on(case)
    if accepted is None:
        case.acceptance_due_on = due_on(on, case.service_version.acceptance_days)
    else:
        case.suspended_working_days += stopped_working_days(stopped, on)
        case_deadlines_compute(case, accepted_on=accepted)
    case.clock_suspended_on = None
    state_case = _with_status_after_resume(case)
    case.deadline_state = deadline_state_for(state_case, on)
    case.save(update_fields=[*DEADLINE_FIELDS, "updated_at"])
    CorrectionRequest.objects.filter(case=case, resumed_on__isnull=True).update(resumed_on=on)
    return case


def _with_status_after_resume(case: Case) -> Case:
    """The case as it will be once running again (status is set by the caller)."""
    if case.status != Case.Status.AWAITING_CORRECTION:
        return case
    clone = Case(
        status=Case.Status.IN_PROGRESS if case.accepted_at else Case.Status.SUBMITTED,
        acceptance_due_on=case.acceptance_due_on,
        committed_due_on=case.committed_due_on,
        statutory_due_on=case.statutory_due_on,
    )
    return clone


def _due_on(case: Case) -> dt.date | None:
    if case.status == Case.Status.SUBMITTED:
        return case.acceptance_due_on
    return case.committed_due_on or case.statutory_due_on


def deadline_state_for(case: Case, today: dt.date) -> str:
    """Return the deadline state of ``case`` on ``today`` (rules in the module docstring)."""
    if case.status not in OPEN_STATUSES:
        return case.deadline_state
    suspended = case.status == Case.Status.AWAITING_CORRECTION or bool(case.clock_suspended_on)
    return deadline_state(due=_due_on(case), today=today, suspended=suspended)


def is_past_statutory(case: Case, today: dt.date | None = None) -> bool:
    """Whether an open case is past its statutory deadline."""
    today = today or timezone.localdate()
    return bool(
        case.status in OPEN_STATUSES and case.statutory_due_on and case.statutory_due_on < today
    )


def _state_conditions(today: dt.date) -> dict[str, Q]:
    """SQL conditions equivalent to ``deadline_state_for``, for the open cases."""
    submitted = Q(status=Case.Status.SUBMITTED)
    running = Q(status=Case.Status.IN_PROGRESS, clock_suspended_on__isnull=True)
    acceptance = deadline_conditions(due_fields=["acceptance_due_on"], today=today)
    handling = deadline_conditions(due_fields=["committed_due_on", "statutory_due_on"], today=today)
    suspended = Q(status=Case.Status.AWAITING_CORRECTION) | Q(
        status=Case.Status.IN_PROGRESS, clock_suspended_on__isnull=False
    )
    return {
        Case.DeadlineState.SUSPENDED: suspended,
        **{
            state: (submitted & acceptance[state]) | (running & handling[state])
            for state in (Case.DeadlineState.OVERDUE, Case.DeadlineState.DUE_SOON)
        },
    }


def deadline_state_refresh(*, today: dt.date | None = None) -> int:
    """Bring every open case's deadline state up to date; return how many rows changed.

    One conditional ``UPDATE`` per state touches only open cases whose state differs, so the
    job is cheap on a million cases (partial indexes on the open cases' due dates), idempotent,
    and safe to run concurrently with itself and with case actions (each row update is atomic
    and converges to the same answer). Run for cases by the periodic job ``workflow.deadlines``
    (registered in ``ecity.cases.workflow_hooks``).
    """
    today = today or timezone.localdate()
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES)
    return deadline_states_refresh(open_cases, conditions=_state_conditions(today))
