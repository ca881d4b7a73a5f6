"""The worklist: claim, release and complete work items of any subject; mirror ready BPMN tasks.

Every function works on any concrete subclass of ``WorkItem`` (``cases.CaseTask`` is one). The
caller owns the transaction and the lock order: it locks its subject first, then the item
(``work_item_lock``), so that two actions on one subject never deadlock; then it calls the
check and the bookkeeping here and records its own timeline entry. Optimistic locking:
``lock_version`` is bumped on every write, and a caller that read version N passes
``expected_version=N`` to be told ``Conflict`` when someone else wrote in between.

Order of checks (one place, the same for every subject and every action): the actor's right in
the item's department first, then the version, then the item's state. A member of staff without
the right is refused with ``PermissionDenied`` whatever the item's state, so an action never tells
a stranger whether the item is open, claimed or completed (a ``Conflict`` would).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.accounts import Account
from ecity.core.errors import Conflict, PermissionDenied
from ecity.org.models import Department, StaffRole
from ecity.org.selectors import user_has_role
from ecity.workflow.bpmn import ReadyTask, WorkflowEngine
from ecity.workflow.models import WorkItem

W = TypeVar("W", bound=WorkItem)

OPEN_STATUSES = (WorkItem.Status.OPEN, WorkItem.Status.CLAIMED)
CLAIM_FIELDS = ["status", "claimed_by", "claimed_at", "lock_version", "updated_at"]


def work_item_conflict() -> Conflict:
    """The error for a stale or already handled work item."""
    return Conflict(_("Someone else has already handled this task. Reload and try again."))


def work_item_lock(item: W) -> W:
    """Lock ``item``'s row (the caller has locked its subject first) and return a fresh copy."""
    return (
        type(item)._default_manager.select_for_update().select_related("department").get(pk=item.pk)
    )


def work_item_bump(item: WorkItem) -> None:
    """Count one more write of ``item`` (saved by the caller)."""
    item.lock_version += 1


def work_item_check_version(item: WorkItem, expected_version: int | None) -> None:
    """Raise ``Conflict`` when ``item`` changed since the caller read ``expected_version``."""
    if expected_version is not None and item.lock_version != int(expected_version):
        raise work_item_conflict()


def work_item_require_role(actor: Account, role: str, department: Department) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` holds ``role`` in ``department``."""
    if not user_has_role(user=actor, role=role, department=department):
        raise PermissionDenied(_("You do not hold the role needed for this task."))


def work_item_require_department_right(actor: Account, item: WorkItem) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may act on ``item`` at all.

    Rules: the holder of the item, a member of staff with the item's role in its department, or a
    department administrator of that department. Checked before anything about the item's state.
    """
    if item.claimed_by_id is not None and item.claimed_by_id == actor.pk:
        return
    if user_has_role(user=actor, role=item.role, department=item.department):
        return
    if user_has_role(user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN, department=item.department):
        return
    raise PermissionDenied(_("You do not hold the role needed for this task."))


def work_item_claim(
    *, item: WorkItem, actor: Account, expected_version: int | None = None, subject_open: bool
) -> bool:
    """Take the locked open ``item`` into ``actor``'s own queue; return whether it changed.

    Rules: the role is checked first; claiming one's own claimed item changes nothing (False);
    an item claimed by someone else, completed or cancelled, a stale ``expected_version`` or a
    closed subject (``subject_open`` False) raise ``Conflict``. Permissions: the item's role in
    its department (``PermissionDenied``). Side effects: saves the item.
    """
    work_item_require_role(actor, item.role, item.department)
    if item.status == WorkItem.Status.CLAIMED and item.claimed_by_id == actor.pk:
        return False
    work_item_check_version(item, expected_version)
    if item.status != WorkItem.Status.OPEN or not subject_open:
        raise work_item_conflict()
    item.status = WorkItem.Status.CLAIMED
    item.claimed_by = actor
    item.claimed_at = timezone.now()
    work_item_bump(item)
    item.save(update_fields=CLAIM_FIELDS)
    return True


def work_item_release(
    *, item: WorkItem, actor: Account, expected_version: int | None = None
) -> WorkItem:
    """Put the locked claimed ``item`` back into its department's shared queue.

    Rules: the actor's right in the item's department is checked first (``PermissionDenied``
    whatever the state); then only a claimed item can be released (``Conflict`` otherwise, or for
    a stale ``expected_version``). Permissions: the holder, or a department administrator of the
    item's department (``PermissionDenied``). Side effects: saves the item.
    """
    work_item_require_department_right(actor, item)
    work_item_check_version(item, expected_version)
    if item.status != WorkItem.Status.CLAIMED:
        raise work_item_conflict()
    if item.claimed_by_id != actor.pk and not user_has_role(
        user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN, department=item.department
    ):
        raise PermissionDenied(_("Only the member of staff who claimed the task can release it."))
    item.status = WorkItem.Status.OPEN
    item.claimed_by = None
    item.claimed_at = None
    work_item_bump(item)
    item.save(update_fields=CLAIM_FIELDS)
    return item


def work_item_check_actionable(
    item: WorkItem, actor: Account, expected_version: int | None, *, subject_open: bool
) -> None:
    """Raise unless ``actor`` may complete the locked ``item`` now.

    ``PermissionDenied`` without the item's role in its department, whatever the item's state;
    then ``Conflict`` for a stale ``expected_version``, an item no longer open, a closed subject or
    an item claimed by someone else.
    """
    work_item_require_role(actor, item.role, item.department)
    work_item_check_version(item, expected_version)
    if item.status not in OPEN_STATUSES or not subject_open:
        raise work_item_conflict()
    if item.status == WorkItem.Status.CLAIMED and item.claimed_by_id != actor.pk:
        raise work_item_conflict()


def work_item_finish(item: WorkItem, *, actor: Account, outcome: str, opinion: str) -> None:
    """Record that ``actor`` completed the locked ``item`` with ``outcome``; saves it.

    An item completed without being claimed counts as claimed by the one who completed it.
    """
    item.status = WorkItem.Status.COMPLETED
    item.completed_by = actor
    item.completed_at = timezone.now()
    item.outcome = outcome
    item.opinion = opinion
    if item.claimed_by_id is None:
        item.claimed_by = actor
        item.claimed_at = item.completed_at
    work_item_bump(item)
    item.save()


def work_items_cancel(items: Iterable[WorkItem]) -> None:
    """Cancel each of ``items`` (e.g. the subject's open items when it closes); saves them."""
    for item in items:
        item.status = WorkItem.Status.CANCELLED
        work_item_bump(item)
        item.save(update_fields=["status", "lock_version", "updated_at"])


def work_items_sync(
    *,
    model: type[W],
    subject: Mapping[str, Any],
    state: dict[str, Any],
    default_department: Department,
    include: Callable[[ReadyTask], bool] = lambda task: True,
    extra: Callable[[ReadyTask], Mapping[str, Any]] = lambda task: {},
) -> list[W]:
    """Mirror the ready user tasks of the process ``state`` as ``model`` rows; return the new ones.

    ``subject`` are the field values naming the subject (e.g. ``{"case": case}``). Creates an
    item for every ready task (``include`` filters them) without an open row, and cancels the
    open rows whose task is no longer ready. A task's department is found by its code, else
    ``default_department``; ``extra`` adds subject-specific values (e.g. the task kind).
    """
    ready = [task for task in WorkflowEngine().ready_tasks(state) if include(task)]
    ready_ids = {str(task.id) for task in ready}
    open_items: QuerySet[W] = model._default_manager.filter(**subject, status__in=OPEN_STATUSES)
    current = {item.spiff_task_id: item for item in open_items}
    work_items_cancel(item for spiff_id, item in current.items() if spiff_id not in ready_ids)
    codes = {task.department_code for task in ready if task.department_code}
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    return model._default_manager.bulk_create(
        [
            model(
                **subject,
                spiff_task_id=str(task.id),
                spec_name=task.spec_name,
                name=task.name,
                department=departments.get(task.department_code, default_department),
                role=task.role,
                **extra(task),
            )
            for task in ready
            if str(task.id) not in current
        ]
    )
