"""Periodic jobs of the case system: deadline states and workflow timers."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from ecity.cases.deadlines import deadline_state_refresh
from ecity.cases.models import Case
from ecity.core.jobs import register_job

logger = logging.getLogger("ecity.cases")

TIMER_BATCH = 200


def refresh_deadlines() -> str:
    """Refresh the deadline state (normal, due soon, overdue, suspended) of open cases."""
    return f"{deadline_state_refresh()} cases changed"


def fire_workflow_timers() -> str:
    """Fire the due timer events of running workflows and open the tasks they make ready.

    Only cases whose process contains a timer event are looked at. Each case is handled in its
    own transaction with ``select_for_update(skip_locked=True)``, so concurrent workers and staff
    actions never fire a timer twice.
    """
    from ecity.cases.services.handling_base import _sync_tasks
    from ecity.workflow.bpmn import WorkflowEngine

    engine = WorkflowEngine()
    now = timezone.now()
    candidates = (
        Case.objects.filter(
            status=Case.Status.IN_PROGRESS,
            workflow_state__isnull=False,
            process__bpmn_xml__contains="timerEventDefinition",
        )
        .order_by("id")
        .values_list("id", flat=True)
    )
    fired = 0
    for case_id in candidates.iterator(chunk_size=TIMER_BATCH):
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(skip_locked=True)
                .filter(pk=case_id, status=Case.Status.IN_PROGRESS)
                .first()
            )
            current = case.workflow_state if case is not None else None
            if case is None or not current or not engine.due_timers(current, now):
                continue
            state = engine.fire_timers(current, now)
            case.workflow_state = state
            case.lock_version += 1
            case.save(update_fields=["workflow_state", "lock_version", "updated_at"])
            _sync_tasks(case, state)
            fired += 1
    return f"timers fired on {fired} cases"


register_job("cases.deadlines", refresh_deadlines, every_seconds=300)
register_job("cases.timers", fire_workflow_timers, every_seconds=60)
