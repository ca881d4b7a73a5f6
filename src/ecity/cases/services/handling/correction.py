"""Ask the applicant for a correction (补正), and reopen the work once the answer is in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.cases.deadlines import case_clock_suspend
from ecity.cases.models import Case, CaseEvent, CaseTask, CorrectionRequest
from ecity.cases.selectors.rows import OPEN_TASK_STATUSES
from ecity.cases.services.locking import (
    case_lock,
    lock_version_bump,
    task_conflict,
    task_lock,
    task_version_check,
)
from ecity.cases.services.notifications import notify_applicant
from ecity.cases.services.timeline import event_record
from ecity.core.errors import ValidationFailed
from ecity.identity.models import User
from ecity.org.models import StaffRole
from ecity.workflow.worklist import work_item_require_role


def _clean_items(items: Iterable[str | Mapping[str, object]] | None) -> list[dict[str, str]]:
    cleaned = []
    for item in items or []:
        if isinstance(item, str):
            item = {"message": item}
        if not isinstance(item, Mapping):
            continue
        entry = {
            k: str(v).strip() for k, v in item.items() if k in ("field", "material", "message")
        }
        if entry.get("message") or entry.get("field") or entry.get("material"):
            cleaned.append(entry)
    return cleaned


@transaction.atomic
def correction_request(
    *,
    actor: User,
    case: Case,
    task: CaseTask | None = None,
    items: Sequence[str | Mapping[str, object]],
    note: str = "",
    expected_version: int | None = None,
) -> CorrectionRequest:
    """Ask the applicant to correct or complete the application (补正); stops the clock.

    ``items`` lists what to fix (``{"field"|"material": name, "message": text}`` or plain text)
    and is required. Before acceptance the lead department's counter clerk asks; afterwards the
    holder of one of the case's open tasks (``task``), which reopens when the correction arrives.
    Tells the applicant everything at once.
    """
    cleaned = _clean_items(items)
    if not cleaned:
        raise ValidationFailed(fields={"items": [_("List what the applicant must correct.")]})
    case = case_lock(case)
    if task is not None:
        task = task_lock(task)
        if task.case_id != case.pk:
            raise task_conflict()
        # The right first: a stranger learns nothing about the task's version or state.
        work_item_require_role(actor, task.role, task.department)
        task_version_check(task, expected_version)
        if task.status not in OPEN_TASK_STATUSES or case.status != Case.Status.IN_PROGRESS:
            raise task_conflict()
        if task.status == CaseTask.Status.CLAIMED and task.claimed_by_id != actor.pk:
            raise task_conflict()
        lock_version_bump(task)
        task.save(update_fields=["lock_version", "updated_at"])
    else:
        work_item_require_role(actor, StaffRole.Role.COUNTER_CLERK, case.department)
        if case.status != Case.Status.SUBMITTED:
            raise task_conflict()
    today = timezone.localdate()
    correction = CorrectionRequest.objects.create(
        case=case,
        task=task,
        requested_by=actor,
        items=cleaned,
        note=note,
        suspended_on=today,
    )
    case.status = Case.Status.AWAITING_CORRECTION
    lock_version_bump(case)
    case.save(update_fields=["status", "lock_version", "updated_at"])
    case_clock_suspend(case, on=today)
    event = event_record(
        case=case,
        action=CaseEvent.Action.CORRECTION_REQUESTED,
        actor=actor,
        department=task.department if task else case.department,
        task=task,
        note=note,
        data={"correction_items": cleaned},
    )
    notify_applicant(
        case=case, event="correction_requested", case_event=event, items=cleaned, note=note
    )
    return correction


def correction_resume_tasks(case: Case) -> list[CaseTask]:
    """Reopen the work stopped by the last correction request once the applicant has answered.

    Called by ``correction_submit`` inside its transaction (the clock is resumed separately
    with ``case_clock_resume``). Puts the case back to "submitted" (correction before
    acceptance) or "in progress", marks the correction resolved, and makes the task that asked
    for it actionable again: the same row if it is still open (its holder keeps it), else a new
    open row for the same workflow task. Idempotent.
    """
    case = case_lock(case)
    if case.status == Case.Status.AWAITING_CORRECTION:
        case.status = Case.Status.IN_PROGRESS if case.accepted_at else Case.Status.SUBMITTED
        lock_version_bump(case)
        case.save(update_fields=["status", "lock_version", "updated_at"])
    correction = case.corrections.order_by("-created_at", "-id").first()
    if correction is None:
        return []
    if correction.resolved_at is None:
        correction.resolved_at = timezone.now()
        correction.save(update_fields=["resolved_at", "updated_at"])
    task = correction.task
    if task is None:
        return []
    task = task_lock(task)
    if task.status in OPEN_TASK_STATUSES:
        lock_version_bump(task)
        task.save(update_fields=["lock_version", "updated_at"])
        return [task]
    reopened = CaseTask.objects.create(
        case=case,
        spiff_task_id=task.spiff_task_id,
        spec_name=task.spec_name,
        name=task.name,
        kind=task.kind,
        department=task.department,
        role=task.role,
    )
    return [reopened]
