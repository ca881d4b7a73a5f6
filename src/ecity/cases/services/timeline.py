"""The case timeline: one entry per act, and the audit entry of every administrative decision."""

from __future__ import annotations

from ecity.audit.services import audit_record
from ecity.cases.audit_actions import DECISION_ACTIONS
from ecity.cases.models import Case, CaseEvent, CaseTask
from ecity.identity.models import User
from ecity.org.models import Department


def event_record(
    *,
    case: Case,
    action: str,
    actor: User | None,
    department: Department | None = None,
    task: CaseTask | None = None,
    note: str = "",
    data: dict | None = None,
    is_public: bool = True,
) -> CaseEvent:
    """Append one entry to the case timeline; audit it when it records a decision.

    The administrative decisions (``audit_actions.DECISION_ACTIONS``: accept, refuse, request
    correction, approve, reject, decide, extend, withdraw, urge) also write an audit entry, in
    the same transaction: actor, the case as object, its applicant's account (if any) as
    subject, and the department, task kind and outcome as data (never the note: it may hold
    personal data; the timeline keeps it).
    """
    event = CaseEvent.objects.create(
        case=case,
        action=action,
        actor=actor,
        department=department,
        task=task,
        note=note,
        data=data or {},
        is_public=is_public,
    )
    audit_action = DECISION_ACTIONS.get(action)
    if audit_action is not None:
        audit_record(
            actor=actor,
            action=audit_action,
            obj=case,
            subject=case.applicant,
            data=_decision_data(event),
        )
    return event


def _decision_data(event: CaseEvent) -> dict[str, str | int]:
    department = event.department or event.case.department
    values: dict[str, str | int] = {
        "case_event": str(event.public_id),
        "department": department.code,
    }
    if event.task is not None:
        values["task_kind"] = event.task.kind
        if event.task.outcome:
            values["outcome"] = event.task.outcome
    if "outcome" in event.data:
        values["outcome"] = event.data["outcome"]
    if "working_days" in event.data:
        values["working_days"] = event.data["working_days"]
    return values
