"""Shared machinery of staff actions: row locks, timeline entries, notifications, workflow sync.

Used by ``handling.py`` and ``supervision.py``; see ``handling.py`` for the locking rules.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.cases.audit_actions import DECISION_ACTIONS
from ecity.cases.models import (
    Case,
    CaseEvent,
    CaseTask,
    ProcessDefinition,
)
from ecity.cases.selectors.process import active_process_for
from ecity.core.errors import Conflict, PermissionDenied
from ecity.identity.models import User
from ecity.notify.services import notification_enqueue
from ecity.org.models import Department
from ecity.org.selectors import user_has_role

logger = logging.getLogger("ecity.cases")

OPEN_TASK_STATUSES = (CaseTask.Status.OPEN, CaseTask.Status.CLAIMED)
DEFAULT_PROCESS_NAME = "default: accept, review by the lead department, decide"


# --- locks, timeline, notifications -------------------------------------------------------


def task_conflict() -> Conflict:
    return Conflict(_("Someone else has already handled this task. Reload and try again."))


def _lock_case(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("service_version", "department", "process")
        .get(pk=case.pk)
    )


def _lock_task(task: CaseTask) -> CaseTask:
    return CaseTask.objects.select_for_update().select_related("department").get(pk=task.pk)


def _lock(task: CaseTask) -> tuple[Case, CaseTask]:
    """Lock the task's case, then the task, and return fresh copies of both."""
    case = _lock_case(Case(pk=task.case_id))
    return case, _lock_task(task)


def _check_version(task: CaseTask, expected_version: int | None) -> None:
    if expected_version is not None and task.lock_version != int(expected_version):
        raise task_conflict()


def _require_role(actor: User, role: str, department: Department) -> None:
    if not user_has_role(user=actor, role=role, department=department):
        raise PermissionDenied(_("You do not hold the role needed for this task."))


def _bump(obj: Case | CaseTask) -> None:
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


def _engine() -> Any:
    from ecity.cases.process import WorkflowEngine

    return WorkflowEngine()


def _issue_documents(*, case: Case, actor: User, approved: bool) -> None:
    try:
        from ecity.certificates.services import certificate_issue, decision_document_issue
    except ImportError:  # the certificates app is not installed yet
        logger.warning("certificates unavailable: no documents for case %s", case.number)
        return
    decision_document_issue(case=case, actor=actor)
    if approved:
        certificate = certificate_issue(case=case, actor=actor)
        if certificate is not None:
            event_record(
                case=case,
                action=CaseEvent.Action.CERTIFICATE_ISSUED,
                actor=actor,
                department=case.department,
            )


# --- workflow ↔ tasks ----------------------------------------------------------------------


def _default_definition(case: Case) -> ProcessDefinition:
    """The built-in process for a version without one: accept → lead review → decide."""
    from ecity.cases.process import ReviewStep, process_build

    existing = ProcessDefinition.objects.filter(
        service_version=case.service_version, name=DEFAULT_PROCESS_NAME, is_active=False
    ).first()
    if existing is not None:
        return existing
    code = case.department.code
    xml = process_build(
        lead_department=code, review_steps=[ReviewStep(department=code)], name=DEFAULT_PROCESS_NAME
    )
    from ecity.cases.process import process_validate

    spec = process_validate(xml)
    return ProcessDefinition.objects.create(
        service_version=case.service_version,
        name=DEFAULT_PROCESS_NAME,
        source=ProcessDefinition.Source.BUILT,
        bpmn_xml=xml,
        process_id=getattr(spec, "process_id", "") or "default",
        description={"lead_department": code, "review_steps": [{"department": code}]},
        is_active=False,
    )


def _process_for(case: Case) -> ProcessDefinition:
    active = active_process_for(service_version=case.service_version)
    return active or _default_definition(case)


def _sync_tasks(case: Case, state: dict) -> list[CaseTask]:
    """Mirror the workflow's ready user tasks as CaseTask rows; return the new ones.

    Creates a task for every ready workflow task without an open row and cancels open rows whose
    workflow task is no longer ready.
    """
    ready = [t for t in _engine().ready_tasks(state) if t.kind != CaseTask.Kind.ACCEPT]
    ready_ids = {str(t.id) for t in ready}
    current = {t.spiff_task_id: t for t in case.tasks.filter(status__in=OPEN_TASK_STATUSES)}
    for spiff_id, task in current.items():
        if spiff_id not in ready_ids:
            task.status = CaseTask.Status.CANCELLED
            _bump(task)
            task.save(update_fields=["status", "lock_version", "updated_at"])
    codes = {t.department_code for t in ready if t.department_code}
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    created = CaseTask.objects.bulk_create(
        [
            CaseTask(
                case=case,
                spiff_task_id=str(t.id),
                spec_name=t.spec_name,
                name=t.name,
                kind=t.kind,
                department=departments.get(t.department_code, case.department),
                role=t.role,
            )
            for t in ready
            if str(t.id) not in current
        ]
    )
    return created


def _cancel_open_tasks(case: Case) -> None:
    for task in case.tasks.filter(status__in=OPEN_TASK_STATUSES):
        task.status = CaseTask.Status.CANCELLED
        _bump(task)
        task.save(update_fields=["status", "lock_version", "updated_at"])
