"""Review tasks (审查意见) and the decision (审批决定) that closes the case."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ecity.cases.models import Case, CaseEvent, CaseTask
from ecity.cases.services.closing import case_close
from ecity.cases.services.locking import case_and_task_lock, lock_version_bump
from ecity.cases.services.task_sync import case_tasks_sync, workflow_engine
from ecity.cases.services.timeline import event_record
from ecity.core.errors import ValidationFailed
from ecity.identity.models import User
from ecity.workflow.worklist import work_item_check_actionable, work_item_finish


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
