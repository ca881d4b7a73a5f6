"""Fire the due BPMN timer events of the running processes of any subject type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from django.db.models import Q

from ecity.workflow.bpmn import WorkflowEngine

TIMER_BATCH = 200


def process_timers_fire(
    *,
    model: type[models.Model],
    running: Q,
    now: dt.datetime,
    advanced: Callable[[Any, dict[str, Any]], None],
    candidates: Q | None = None,
    state_field: str = "workflow_state",
) -> int:
    """Fire the timers due at ``now`` of every running subject; return how many advanced.

    Rules: ``running`` says which rows run a process (checked again under the row lock);
    ``candidates`` narrows the rows looked at (e.g. those whose process has a timer). Each
    subject is handled in its own transaction with ``select_for_update(skip_locked=True)``, so
    concurrent workers and staff actions never fire a timer twice. ``advanced(subject, state)``
    receives the locked subject and its new process state, inside that transaction: it stores
    the state (``state_field``) and opens the tasks the timer made ready.
    """
    engine = WorkflowEngine()
    ids = (
        model._default_manager.filter(
            running, candidates or Q(), **{f"{state_field}__isnull": False}
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    fired = 0
    for pk in ids.iterator(chunk_size=TIMER_BATCH):
        with transaction.atomic():
            subject = (
                model._default_manager.select_for_update(skip_locked=True)
                .filter(running, pk=pk)
                .first()
            )
            current = getattr(subject, state_field) if subject is not None else None
            if subject is None or not current or not engine.due_timers(current, now):
                continue
            advanced(subject, engine.fire_timers(current, now))
            fired += 1
    return fired
