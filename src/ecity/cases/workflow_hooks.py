"""Cases as a subject of the workflow: their deadline states and process timers; and the
rectifications of low ratings (差评整改), whose working-day clocks the same job refreshes.

Discovered by ``ecity.workflow.registry``; the periodic jobs ``workflow.deadlines`` and
``workflow.timers`` call these functions.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from ecity.cases.deadlines import deadline_state_refresh
from ecity.cases.models import Case
from ecity.cases.services.rectification import rectification_deadlines_refresh
from ecity.cases.services.task_sync import case_tasks_sync
from ecity.workflow.registry import subject_register
from ecity.workflow.timers import process_timers_fire


def cases_deadlines_refresh(today: dt.date) -> int:
    """Bring the deadline state of every open case up to date; return how many changed."""
    return deadline_state_refresh(today=today)


def _advanced(case: Case, state: dict) -> None:
    case.workflow_state = state
    case.lock_version += 1
    case.save(update_fields=["workflow_state", "lock_version", "updated_at"])
    case_tasks_sync(case, state)


def cases_timers_fire(now: dt.datetime) -> int:
    """Fire the due timer events of cases in progress and open the tasks they make ready.

    Only cases whose process contains a timer event are looked at.
    """
    return process_timers_fire(
        model=Case,
        running=Q(status=Case.Status.IN_PROGRESS),
        candidates=Q(process__bpmn_xml__contains="timerEventDefinition"),
        now=now,
        advanced=_advanced,
    )


subject_register("cases", refresh_deadlines=cases_deadlines_refresh, fire_timers=cases_timers_fire)
subject_register("rectifications", refresh_deadlines=rectification_deadlines_refresh)
