"""Accept a submitted case (受理) or refuse to accept it (不予受理): the counter clerk's call."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.cases.deadlines import DEADLINE_FIELDS, case_deadlines_compute, deadline_state_for
from ecity.cases.models import Case, CaseEvent, CaseTask
from ecity.cases.services.decisions import case_decided_publish
from ecity.cases.services.locking import case_lock, lock_version_bump, task_conflict
from ecity.cases.services.notifications import notify_applicant
from ecity.cases.services.task_sync import case_process_for, case_tasks_sync, workflow_engine
from ecity.cases.services.timeline import event_record
from ecity.core.errors import ValidationFailed
from ecity.identity.models import User
from ecity.org.models import StaffRole
from ecity.workflow.worklist import work_item_require_role


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
