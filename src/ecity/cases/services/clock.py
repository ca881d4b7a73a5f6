"""Recomputing the deadlines of open cases when the working-day calendar changes.

A deadline reaching into a year whose official holidays were not entered was counted Monday to
Friday there (see ``ecity.cases.deadlines``). When an administrator enters that year (or edits
any year), the workflow calls ``open_cases_deadlines_recompute`` (registered in
``ecity.cases.workflow_hooks``) batch by batch: each open case whose deadlines reach into the
changed years is recomputed with the same rules as at acceptance, and a case whose dates moved
gets a timeline entry "deadline recomputed" (old → new), which the applicant sees too.
"""

from __future__ import annotations

import datetime as dt
import logging

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
from ecity.core.errors import ApplicationError
from ecity.workflow.clocks import due_on

logger = logging.getLogger("ecity.cases")

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


def _recompute_locked(case: Case, today: dt.date) -> CaseEvent | None:
    """Recompute the deadlines of ``case`` (locked by the caller); the entry when they moved."""
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
    case.deadline_state = deadline_state_for(case, today)
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


def case_deadlines_recompute(*, case: Case, today: dt.date | None = None) -> CaseEvent | None:
    """Recompute one open case's deadlines; record "deadline recomputed" when they moved.

    Locks the case. Returns the timeline entry, or None when nothing moved (idempotent). The
    entry is public (the applicant was told the old date) and names old and new dates.
    """
    with transaction.atomic():
        return _recompute_locked(case_lock(case), today or timezone.localdate())


def open_cases_deadlines_recompute(years: list[int], after: int, limit: int) -> int | None:
    """Recompute one batch of the open cases whose deadlines reach into ``years``.

    The batch is at most ``limit`` such cases with a primary key above ``after``, in key order,
    locked together in one transaction (the workflow's event delivery; see
    ``ecity.workflow.handlers``). Returns the key of the batch's last case, or None when no
    case is left. Only open cases with a due date on or after the first day of the earliest
    changed year can move; closed cases are never touched. Idempotent: a case whose dates do
    not move records nothing. A case whose service's time limit is out of range is left as it
    is (logged), so that one broken guide does not stop the others.
    """
    if not years:
        return None
    first = dt.date(min(years), 1, 1)
    reaching = Q()
    for name in DUE_FIELDS:
        reaching |= Q(**{f"{name}__gte": first})
    with transaction.atomic():
        batch = list(
            Case.objects.filter(status__in=OPEN_STATUSES, pk__gt=after)
            .filter(reaching)
            .select_related("service_version", "department", "process")
            .select_for_update(of=("self",))
            .order_by("pk")[:limit]
        )
        today = timezone.localdate()
        moved = 0
        for case in batch:
            try:
                with transaction.atomic():  # savepoint: a failed case leaves no half-write
                    moved += _recompute_locked(case, today) is not None
            except ApplicationError as error:
                logger.warning("case %s: deadlines not recomputed: %s", case.number, error)
    logger.info("%s of %s open cases after %s had their deadlines moved", moved, len(batch), after)
    return batch[-1].pk if len(batch) == limit else None
