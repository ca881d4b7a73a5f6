"""Shared machinery of staff actions: conflicts, timeline entries, notifications, workflow sync.

Used by ``handling.py`` and ``supervision.py``; see ``handling.py`` for the locking rules.
"""

from __future__ import annotations

import logging
from typing import Any

from ecity.audit.services import audit_record
from ecity.cases.audit_actions import DECISION_ACTIONS
from ecity.cases.models import (
    Case,
    CaseEvent,
    CaseTask,
)
from ecity.cases.selectors.process import active_process_for, process_owner_ref
from ecity.core.errors import Conflict
from ecity.identity.models import User
from ecity.notify.services import notification_enqueue
from ecity.org.models import Department
from ecity.workflow.bpmn import ReviewStep, WorkflowEngine, process_build, process_validate
from ecity.workflow.models import ProcessDefinition
from ecity.workflow.services import process_definition_store
from ecity.workflow.worklist import (
    work_item_bump,
    work_item_check_version,
    work_item_conflict,
    work_item_require_role,
    work_items_cancel,
    work_items_sync,
)

logger = logging.getLogger("ecity.cases")

OPEN_TASK_STATUSES = (CaseTask.Status.OPEN, CaseTask.Status.CLAIMED)
DEFAULT_PROCESS_NAME = "default: accept, review by the lead department, decide"


# --- conflicts, timeline, notifications -------------------------------------------------------


def task_conflict() -> Conflict:
    return work_item_conflict()


def _check_version(task: CaseTask, expected_version: int | None) -> None:
    work_item_check_version(task, expected_version)


def _require_role(actor: User, role: str, department: Department) -> None:
    work_item_require_role(actor, role, department)


def _bump(obj: Case | CaseTask) -> None:
    if isinstance(obj, CaseTask):
        work_item_bump(obj)
    else:
        obj.lock_version += 1


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


def notification_context(case: Case, **extra: Any) -> dict:
    version = case.service_version
    return {
        "case_number": case.number,
        "query_code": case.query_code,
        "service_name": version.name_zh,
        "service_name_en": version.name_en,
        "applicant_name": case.applicant_name,
        "department": case.department.name_zh,
        **extra,
    }


def notify(
    *,
    recipient: User | None,
    event: str,
    case: Case,
    key_suffix: str,
    context: dict,
    email: str = "",
    phone: str = "",
) -> None:
    """Queue a notification through the outbox (inside the caller's transaction)."""
    notification_enqueue(
        recipient=recipient,
        event=event,
        context=context,
        obj=case,
        reference=case.number,
        email=email,
        phone=phone,
        idempotency_key=f"{case.public_id}:{event}:{key_suffix}",
    )


def notify_applicant(*, case: Case, event: str, case_event: CaseEvent, **extra: Any) -> None:
    notify(
        recipient=case.applicant,
        event=event,
        case=case,
        key_suffix=str(case_event.public_id),
        context=notification_context(case, **extra),
        email="" if case.applicant_id else case.contact_email,
        phone="" if case.applicant_id else case.contact_phone,
    )


def _engine() -> WorkflowEngine:
    return WorkflowEngine()


# --- workflow ↔ tasks ----------------------------------------------------------------------


def _default_definition(case: Case) -> ProcessDefinition:
    """The built-in process for a version without one: accept → lead review → decide."""
    owner_ref = process_owner_ref(case.service_version)
    existing = ProcessDefinition.objects.filter(
        owner_ref=owner_ref, name=DEFAULT_PROCESS_NAME, is_active=False
    ).first()
    if existing is not None:
        return existing
    code = case.department.code
    xml = process_build(
        lead_department=code, review_steps=[ReviewStep(department=code)], name=DEFAULT_PROCESS_NAME
    )
    return process_definition_store(
        owner_ref=owner_ref,
        xml=xml,
        spec=process_validate(xml),
        name=DEFAULT_PROCESS_NAME,
        source=ProcessDefinition.Source.BUILT,
        description={"lead_department": code, "review_steps": [{"department": code}]},
        reject_ends_case=True,
        created_by=None,
        active=False,
    )


def _process_for(case: Case) -> ProcessDefinition:
    active = active_process_for(service_version=case.service_version)
    return active or _default_definition(case)


def _sync_tasks(case: Case, state: dict) -> list[CaseTask]:
    """Mirror the workflow's ready user tasks as CaseTask rows; return the new ones.

    Creates a task for every ready workflow task without an open row and cancels open rows whose
    workflow task is no longer ready (acceptance tasks are recorded by ``case_accept`` itself).
    """
    return work_items_sync(
        model=CaseTask,
        subject={"case": case},
        state=state,
        default_department=case.department,
        include=lambda task: task.kind != CaseTask.Kind.ACCEPT,
        extra=lambda task: {"kind": task.kind},
    )


def _cancel_open_tasks(case: Case) -> None:
    work_items_cancel(case.tasks.filter(status__in=OPEN_TASK_STATUSES))
