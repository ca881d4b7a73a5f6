"""Recomputing the deadlines of open cases when the working-day calendar changes.

A deadline reaching into a year whose official holidays were not entered was counted Monday to
Friday there (see ``ecity.cases.deadlines``). When an administrator enters that year (or edits
any year), the workflow calls ``open_cases_deadlines_recompute`` (registered in
``ecity.cases.workflow_hooks``): each open case whose deadlines reach into the changed years is
recomputed with the same rules as at acceptance, and a case whose dates moved gets a timeline
entry "deadline recomputed" (old → new), which the applicant sees too.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ecity.cases.deadlines import (
    DEADLINE_FIELDS,
    OPEN_STATUSES,
    accepted_on,
    case_deadlines_compute,
    deadline_state_for,
)
from ecity.cases.models import Case, CaseEvent
from ecity.cases.services.locking import case_lock
from ecity.cases.services.timeline import event_record
from ecity.workflow.clocks import due_on

DUE_FIELDS = ("acceptance_due_on", "committed_due_on", "statutory_due_on")


def _acceptance_start(case: Case) -> dt.date:
    """The day the acceptance clock (re)started: the last restart after a correction, or the
    submission."""
    restarted = (
        case.corrections.filter(resumed_on__isnull=False)
        .order_by("-resumed_on")
        .values_list("resumed_on", flat=True)
        .first()
    )
    return restarted or timezone.localdate(case.submitted_at)


def _recompute(case: Case) -> None:
    """Set the case's due dates again from the current calendar (not saved)."""
    accepted = accepted_on(case)
    if accepted is not None:
        case_deadlines_compute(case, accepted_on=accepted)
    elif case.status == Case.Status.SUBMITTED and case.clock_suspended_on is None:
        days = case.service_version.acceptance_days
        if days is not None:
            case.acceptance_due_on = due_on(_acceptance_start(case), days)
    # Before acceptance with the clock stopped, the acceptance limit starts again on resumption.


def case_deadlines_recompute(*, case: Case, today: dt.date | None = None) -> CaseEvent | None:
    """Recompute one open case's deadlines; record "deadline recomputed" when they moved.

    Locks the case. Returns the timeline entry, or None when nothing moved (idempotent). The
    entry is public (the applicant was told the old date) and names old and new dates.
    """
    with transaction.atomic():
        case = case_lock(case)
        if case.status not in OPEN_STATUSES:
            return None
        before = {name: getattr(case, name) for name in DUE_FIELDS}
        _recompute(case)
        moved = {
            name: {"old": str(old or ""), "new": str(getattr(case, name) or "")}
            for name, old in before.items()
            if getattr(case, name) != old
        }
        if not moved:
            return None
        case.deadline_state = deadline_state_for(case, today or timezone.localdate())
        case.lock_version += 1
        case.save(update_fields=[*DEADLINE_FIELDS, "lock_version", "updated_at"])
        shown = next(
            name
            for name in ("committed_due_on", "acceptance_due_on", "statutory_due_on")
            if name in moved
        )
        return event_record(
            case=case,
            action=CaseEvent.Action.DEADLINE_RECOMPUTED,
            actor=None,
            department=case.department,
            note=f"{moved[shown]['old']} → {moved[shown]['new']}",
            data=moved,
        )


def open_cases_deadlines_recompute(years: list[int]) -> int:
    """Recompute the open cases whose deadlines reach into ``years``; return how many moved.

    Called by the workflow when the working days of ``years`` changed. Only open cases with a
    due date on or after the first day of the earliest changed year can move.
    """
    if not years:
        return 0
    first = dt.date(min(years), 1, 1)
    reaching = Q()
    for name in DUE_FIELDS:
        reaching |= Q(**{f"{name}__gte": first})
    candidates = (
        Case.objects.filter(status__in=OPEN_STATUSES)
        .filter(reaching)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    today = timezone.localdate()
    return sum(
        1
        for pk in candidates.iterator(chunk_size=500)
        if case_deadlines_recompute(case=Case(pk=pk), today=today) is not None
    )
