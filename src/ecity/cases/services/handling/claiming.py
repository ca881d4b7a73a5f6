"""Claim an open task into one's own queue, or put it back into the department's queue."""

from __future__ import annotations

from django.db import transaction

from ecity.cases.models import CaseEvent, CaseTask
from ecity.cases.services.locking import case_and_task_lock
from ecity.cases.services.timeline import event_record
from ecity.identity.models import User
from ecity.workflow.worklist import work_item_claim, work_item_release


@transaction.atomic
def task_claim(*, actor: User, task: CaseTask, expected_version: int | None = None) -> CaseTask:
    """Take an open task into the actor's own queue.

    Needs the task's role in its department. Claiming one's own claimed task is a no-op; a task
    claimed by someone else, completed or cancelled raises ``Conflict``.
    """
    case, task = case_and_task_lock(task)
    claimed = work_item_claim(
        item=task, actor=actor, expected_version=expected_version, subject_open=not case.is_closed
    )
    if not claimed:
        return task
    event_record(
        case=case,
        action=CaseEvent.Action.TASK_CLAIMED,
        actor=actor,
        department=task.department,
        task=task,
        is_public=False,
    )
    return task


@transaction.atomic
def task_release(*, actor: User, task: CaseTask, expected_version: int | None = None) -> CaseTask:
    """Put a task the actor claimed back into the department's shared queue.

    Only the holder may release it (or a department administrator of the task's department).
    """
    case, task = case_and_task_lock(task)
    work_item_release(item=task, actor=actor, expected_version=expected_version)
    event_record(
        case=case,
        action=CaseEvent.Action.TASK_RELEASED,
        actor=actor,
        department=task.department,
        task=task,
        is_public=False,
    )
    return task
