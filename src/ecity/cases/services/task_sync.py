"""The process of a case and its tasks: which process runs it, and its ready tasks as rows.

The workflow (BPMN, ``ecity.workflow.bpmn.WorkflowEngine``) decides which user tasks are ready;
each ready task is mirrored as a ``CaseTask`` (acceptance tasks are recorded by
``case_accept`` itself). A service version without an active process runs the built-in one:
accept, review by the lead department, decide.
"""

from __future__ import annotations

from ecity.cases.models import Case, CaseTask
from ecity.cases.selectors.process import active_process_for, process_owner_ref
from ecity.cases.selectors.rows import OPEN_TASK_STATUSES
from ecity.workflow.bpmn import ReviewStep, WorkflowEngine, process_build, process_validate
from ecity.workflow.models import ProcessDefinition
from ecity.workflow.services import process_definition_store
from ecity.workflow.worklist import work_items_cancel, work_items_sync

DEFAULT_PROCESS_NAME = "default: accept, review by the lead department, decide"


def workflow_engine() -> WorkflowEngine:
    """The engine that runs case processes."""
    return WorkflowEngine()


def case_process_default(case: Case) -> ProcessDefinition:
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


def case_process_for(case: Case) -> ProcessDefinition:
    """The process a case starts with: its version's active one, else the built-in one."""
    active = active_process_for(service_version=case.service_version)
    return active or case_process_default(case)


def case_tasks_sync(case: Case, state: dict) -> list[CaseTask]:
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


def case_open_tasks_cancel(case: Case) -> None:
    """Cancel every open or claimed task of ``case`` (the case is closing).

    Every task of the case is also marked as no longer on an open case (``on_open_case``).
    """
    work_items_cancel(case.tasks.filter(status__in=OPEN_TASK_STATUSES))
    case.tasks.filter(on_open_case=True).update(on_open_case=False)


def closed_case_tasks_mark() -> int:
    """Mark the tasks of every closed case as not on an open case; return how many changed.

    A case can end without ``case_open_tasks_cancel`` (withdrawn, not accepted): this periodic
    sweep catches those. It reads only the tasks still marked, through their partial index.
    """
    return CaseTask.objects.filter(on_open_case=True, case__status__in=Case.CLOSED_STATUSES).update(
        on_open_case=False
    )
