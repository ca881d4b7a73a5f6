"""Row locks of cases and their tasks: the one way every case service locks what it changes.

Order: the case first, then its task. Every service that changes a case and one of its tasks
takes the locks in that order, so two staff members acting on the same case cannot deadlock.
The optimistic ``lock_version`` of a task is checked after locking (``task_version_check``), and
every write on a case or task bumps it (``lock_version_bump``), so a form posted from a stale
page is refused with ``Conflict`` instead of overwriting what someone else did.
"""

from __future__ import annotations

from ecity.cases.models import Case, CaseTask
from ecity.core.errors import Conflict
from ecity.core.locking import lock_row
from ecity.workflow.worklist import work_item_bump, work_item_check_version, work_item_conflict


def case_lock(case: Case) -> Case:
    """Lock ``case`` until the transaction ends and return a fresh copy with its item version,
    department and process loaded. Errors: ``NotFound`` if it was deleted."""
    return lock_row(
        Case.objects.select_related("service_version", "department", "process"), pk=case.pk
    )


def task_lock(task: CaseTask) -> CaseTask:
    """Lock ``task`` (after its case) and return a fresh copy with its department loaded."""
    return lock_row(CaseTask.objects.select_related("department"), pk=task.pk)


def case_and_task_lock(task: CaseTask) -> tuple[Case, CaseTask]:
    """Lock the task's case, then the task, and return fresh copies of both."""
    return case_lock(Case(pk=task.case_id)), task_lock(task)


def task_conflict() -> Conflict:
    """The error for a task someone else handled first ("该任务已被他人处理")."""
    return work_item_conflict()


def task_version_check(task: CaseTask, expected_version: int | None) -> None:
    """Raise ``Conflict`` unless ``task`` still has the ``lock_version`` the actor saw."""
    work_item_check_version(task, expected_version)


def lock_version_bump(obj: Case | CaseTask) -> None:
    """Count one more change of ``obj`` (saved by the caller)."""
    if isinstance(obj, CaseTask):
        work_item_bump(obj)
    else:
        obj.lock_version += 1
