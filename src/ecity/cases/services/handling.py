"""What staff do on cases: claim, accept or refuse, request a correction, review, decide, copy.

Every function is keyword-only and runs in one transaction. It locks the ``Case`` row first and
then the ``CaseTask`` row (always in that order, so two actions never deadlock), re-reads them
under the lock and compares ``lock_version``: a stale or already-handled task raises
``Conflict`` ("该任务已被他人处理") and nothing is written. Each action records a ``CaseEvent``
(actor, department, task, note) and, where the applicant should know, queues a notification in
the same transaction (outbox) with the idempotency key ``"<case public id>:<event>:<event id>"``.

The workflow (BPMN, ``ecity.workflow.bpmn.WorkflowEngine``) decides which tasks are ready; each
ready user task is mirrored as a ``CaseTask`` by ``task_sync.case_tasks_sync``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.cases.deadlines import (
    DEADLINE_FIELDS,
    case_clock_suspend,
    case_deadlines_compute,
    deadline_state_for,
)
from ecity.cases.models import (
    Case,
    CaseCopy,
    CaseEvent,
    CaseTask,
    CorrectionRequest,
)
from ecity.cases.selectors.rows import OPEN_TASK_STATUSES
from ecity.cases.selectors.workbench import can_handle_in
from ecity.cases.services.closing import case_close
from ecity.cases.services.decisions import case_decided_publish
from ecity.cases.services.locking import (
    case_and_task_lock,
    case_lock,
    lock_version_bump,
    task_conflict,
    task_lock,
    task_version_check,
)
from ecity.cases.services.notifications import notify_applicant
from ecity.cases.services.task_sync import (
    case_process_for,
    case_tasks_sync,
    workflow_engine,
)
from ecity.cases.services.timeline import event_record
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.identity.models import User
from ecity.org.models import Department, StaffRole
from ecity.workflow.worklist import (
    work_item_check_actionable,
    work_item_claim,
    work_item_finish,
    work_item_release,
    work_item_require_role,
)

# --- claim and release -----------------------------------------------------------------------


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


# --- acceptance ------------------------------------------------------------------------------


def _lock_submitted(case: Case, actor: User, expected_version: int | None) -> Case:
    case = case_lock(case)
    work_item_require_role(actor, StaffRole.Role.COUNTER_CLERK, case.department)
    if expected_version is not None and case.lock_version != int(expected_version):
        raise task_conflict()
    if case.status != Case.Status.SUBMITTED:
        raise task_conflict()
    return case


@transaction.atomic
def case_accept(
    *,
    actor: User,
    case: Case | None = None,
    task: CaseTask | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Case:
    """Accept a submitted case (受理): start its workflow and its time limits.

    Needs the counter clerk role in the lead department. Starts the service version's active
    process (or the default one), completes its acceptance task, opens the next tasks (all
    parallel reviews at once), computes the committed and statutory deadlines from today and
    tells the applicant. A case no longer awaiting acceptance raises ``Conflict``.
    """
    if case is None:
        if task is None:
            raise ValidationFailed(fields={"case": [_("Choose a case.")]})
        case = Case(pk=task.case_id)
    case = _lock_submitted(case, actor, expected_version)
    engine = workflow_engine()
    definition = case_process_for(case)
    state = engine.start(definition=definition, data=dict(case.form_data))
    now = timezone.now()
    for ready in engine.ready_tasks(state):
        if ready.kind != CaseTask.Kind.ACCEPT:
            continue
        CaseTask.objects.create(
            case=case,
            spiff_task_id=str(ready.id),
            spec_name=ready.spec_name,
            name=ready.name,
            kind=CaseTask.Kind.ACCEPT,
            department=case.department,
            role=ready.role or StaffRole.Role.COUNTER_CLERK,
            status=CaseTask.Status.COMPLETED,
            completed_by=actor,
            completed_at=now,
            outcome=CaseTask.Outcome.ACCEPT,
            opinion=note,
        )
        state = engine.complete(state, task_id=ready.id, data={"outcome": "accept"})
    case.process = definition
    case.status = Case.Status.IN_PROGRESS
    case.accepted_at = now
    case_deadlines_compute(case, accepted_on=timezone.localdate(now))
    case.deadline_state = deadline_state_for(case, timezone.localdate(now))
    case.workflow_state = state
    lock_version_bump(case)
    case.save(
        update_fields=[
            *DEADLINE_FIELDS,
            "process",
            "status",
            "accepted_at",
            "workflow_state",
            "lock_version",
            "updated_at",
        ]
    )
    case_tasks_sync(case, state)
    event = event_record(
        case=case,
        action=CaseEvent.Action.ACCEPTED,
        actor=actor,
        department=case.department,
        note=note,
        data={
            "committed_due_on": str(case.committed_due_on or ""),
            "statutory_due_on": str(case.statutory_due_on or ""),
        },
    )
    notify_applicant(
        case=case,
        event="case_accepted",
        case_event=event,
        committed_due_on=str(case.committed_due_on or ""),
    )
    return case


@transaction.atomic
def case_refuse(
    *, actor: User, case: Case, reason: str, expected_version: int | None = None
) -> Case:
    """Refuse to accept a submitted case (不予受理), with the reason the applicant is given.

    Needs the counter clerk role in the lead department; the reason is required. Closes the
    case, publishes ``case.decided`` (the decision document follows from it) and tells the
    applicant.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Give the reason for not accepting.")]})
    case = _lock_submitted(case, actor, expected_version)
    case.status = Case.Status.REFUSED
    case.decided_at = timezone.now()
    case.decision_text = reason
    lock_version_bump(case)
    case.save(update_fields=["status", "decided_at", "decision_text", "lock_version", "updated_at"])
    event = event_record(
        case=case,
        action=CaseEvent.Action.REFUSED,
        actor=actor,
        department=case.department,
        note=reason,
    )
    case_decided_publish(case=case, actor=actor)
    notify_applicant(case=case, event="case_refused", case_event=event, reason=reason)
    return case


# --- correction ------------------------------------------------------------------------------


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


# --- review and decision ---------------------------------------------------------------------


def _lock_actionable(
    task: CaseTask, actor: User, expected_version: int | None
) -> tuple[Case, CaseTask]:
    case, task = case_and_task_lock(task)
    work_item_check_actionable(
        task, actor, expected_version, subject_open=case.status == Case.Status.IN_PROGRESS
    )
    return case, task


def _finish_task(task: CaseTask, actor: User, outcome: str, opinion: str) -> None:
    work_item_finish(task, actor=actor, outcome=outcome, opinion=opinion)


def _validate_outcome(outcome: str, opinion: str) -> None:
    if outcome not in (CaseTask.Outcome.APPROVE, CaseTask.Outcome.REJECT):
        raise ValidationFailed(fields={"outcome": [_("Choose approve or reject.")]})
    if outcome == CaseTask.Outcome.REJECT and not opinion:
        raise ValidationFailed(fields={"opinion": [_("Give the reason for the rejection.")]})


@transaction.atomic
def task_complete(
    *,
    actor: User,
    task: CaseTask,
    outcome: str,
    opinion: str = "",
    expected_version: int | None = None,
) -> CaseTask:
    """Approve or reject a review task with an opinion (审查意见).

    Needs the task's role in its department; an opinion is required to reject. The workflow
    moves on: in parallel approval the case waits until every department has finished, then the
    decision task lands in the approvers' queue. A rejection ends the case with a "not approved"
    decision when the process says so (``reject_ends_case``). A decision task is passed to
    ``case_decide``. Stale ``expected_version`` or a task someone else handled: ``Conflict``.
    """
    opinion = (opinion or "").strip()
    _validate_outcome(outcome, opinion)
    case, task = _lock_actionable(task, actor, expected_version)
    if task.kind == CaseTask.Kind.DECIDE:
        return _decide(case=case, task=task, actor=actor, outcome=outcome, text=opinion)
    engine = workflow_engine()
    state = engine.complete(
        case.workflow_state,
        task_id=task.spiff_task_id,
        data={"outcome": outcome, f"{task.spec_name}_outcome": outcome},
    )
    _finish_task(task, actor, outcome, opinion)
    rejected = outcome == CaseTask.Outcome.REJECT
    event_record(
        case=case,
        action=CaseEvent.Action.REJECTED if rejected else CaseEvent.Action.APPROVED,
        actor=actor,
        department=task.department,
        task=task,
        note=opinion,
        is_public=False,
    )
    if rejected and (case.process is None or case.process.reject_ends_case):
        case.workflow_state = engine.cancel(state)
        case_close(case, actor=actor, approved=False, text=opinion, task=task)
        return task
    case.workflow_state = state
    lock_version_bump(case)
    case.save(update_fields=["workflow_state", "lock_version", "updated_at"])
    created = case_tasks_sync(case, state)
    if not created and engine.is_finished(state):
        any_rejection = case.tasks.filter(outcome=CaseTask.Outcome.REJECT).exists()
        case_close(case, actor=actor, approved=not any_rejection, text=opinion, task=task)
    return task


def _decide(*, case: Case, task: CaseTask, actor: User, outcome: str, text: str) -> CaseTask:
    engine = workflow_engine()
    state = engine.complete(
        case.workflow_state,
        task_id=task.spiff_task_id,
        data={"outcome": outcome, "decision": outcome},
    )
    _finish_task(task, actor, outcome, text)
    case.workflow_state = state
    case_close(
        case, actor=actor, approved=outcome == CaseTask.Outcome.APPROVE, text=text, task=task
    )
    return task


@transaction.atomic
def case_decide(
    *,
    actor: User,
    task: CaseTask,
    outcome: str,
    decision_text: str = "",
    expected_version: int | None = None,
) -> Case:
    """Make the decision (审批决定) on a case whose reviews are finished.

    Needs the task's role (approver) in the lead department. The case closes with
    ``decided_at`` set and publishes ``case.decided``; its handlers issue, after commit and
    outside the case's locks, the decision document and (approved, when the service issues one)
    the e-certificate. Approved: the applicant is told ``case_approved``; rejected (a reason is
    required): ``case_rejected``.
    """
    decision_text = (decision_text or "").strip()
    outcome = {"approved": "approve", "rejected": "reject"}.get(outcome, outcome)
    if outcome == CaseTask.Outcome.REJECT and not decision_text:
        raise ValidationFailed(fields={"decision_text": [_("Give the reason for the rejection.")]})
    _validate_outcome(outcome, decision_text or "-")
    case, task = _lock_actionable(task, actor, expected_version)
    if task.kind != CaseTask.Kind.DECIDE:
        raise ValidationFailed(_("This task is not a decision."))
    _decide(case=case, task=task, actor=actor, outcome=outcome, text=decision_text)
    return case


# --- copies (抄报) ---------------------------------------------------------------------------


@transaction.atomic
def case_copy_to(*, actor: User, case: Case, departments: Iterable[Department]) -> list[CaseCopy]:
    """Copy related departments on a case (抄报): they may read it, not act on it.

    Needs a handling role in the lead department. Departments already copied, and the lead
    department itself, are skipped; returns the new copies.
    """
    case = case_lock(case)
    if not can_handle_in(actor, case.department):
        raise PermissionDenied(_("Only the lead department can copy other departments."))
    chosen = {d.pk: d for d in departments if d.pk != case.department_id}
    if not chosen:
        raise ValidationFailed(fields={"departments": [_("Choose at least one department.")]})
    present = set(
        CaseCopy.objects.filter(case=case, department_id__in=chosen).values_list(
            "department_id", flat=True
        )
    )
    copies = [
        CaseCopy.objects.create(case=case, department=d)
        for pk, d in chosen.items()
        if pk not in present
    ]
    if copies:
        event_record(
            case=case,
            action=CaseEvent.Action.COPIED,
            actor=actor,
            department=case.department,
            note=", ".join(c.department.name_zh for c in copies),
            data={"departments": [c.department.code for c in copies]},
            is_public=False,
        )
    return copies
