"""Run a process with SpiffWorkflow; the state lives on the subject (e.g. a JSON field).

SpiffWorkflow keeps no state and no timers itself. ``WorkflowEngine`` turns a state (a JSON dict)
into a workflow, does one step and returns the new state; the caller stores it on its subject in
the same transaction as the work items it mirrors (``ecity.workflow.worklist``). A failed step
raises and returns nothing, so the stored state never holds a half-done step. Timers are fired
by the periodic workflow job through ``fire_timers``.

State format (``STATE_FORMAT``)::

    {"format": "ecity.spiff/1", "definition": "<ProcessDefinition.public_id>",
     "digest": "<sha256 of its BPMN XML>", "process_id": "...", "workflow": {...}}

The workflow part is SpiffWorkflow's own serialization without the spec, which is parsed once
per definition and cached in-process.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SPIFF_SERIALIZER_VERSION
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from ecity.core.errors import ApplicationError, Conflict, ValidationFailed
from ecity.workflow.bpmn.runtime import (
    SCRIPT_ENGINE,
    SPEC_CACHE,
    workflow_from_dict,
    workflow_to_dict,
    xml_digest,
)
from ecity.workflow.bpmn.validation import ProcessSpec
from ecity.workflow.errors import WorkflowErrorCode
from ecity.workflow.models import ProcessDefinition

STATE_FORMAT = "ecity.spiff/1"


class TaskNotReady(Conflict):
    """The task is not open: already completed, cancelled, never reached, or unknown."""

    default_code = WorkflowErrorCode.TASK_NOT_READY
    default_message = gettext_lazy("This task is not open any more. Reload the page.")


class ProcessStepFailed(ApplicationError):
    """The process could not continue (a condition failed, no gateway branch applies …)."""

    status_code = 409
    default_code = WorkflowErrorCode.PROCESS_STEP_FAILED
    default_message = gettext_lazy("The process could not continue.")


class WorkflowStateInvalid(ApplicationError):
    """The stored state is not ours, or its process definition changed since it started."""

    status_code = 409
    default_code = WorkflowErrorCode.WORKFLOW_STATE_INVALID
    default_message = gettext_lazy("The stored process state cannot be used.")


@dataclass(frozen=True)
class ReadyTask:
    """An open user task: ``id`` is SpiffWorkflow's task UUID (``WorkItem.spiff_task_id``)."""

    id: str
    spec_name: str  # the BPMN id of the user task
    name: str
    department_code: str
    role: str
    kind: str  # "accept" | "review" | "decide"


@dataclass(frozen=True)
class PendingTimer:
    """A timer event the workflow waits for; ``due_at`` is when it fires (aware, UTC)."""

    id: str
    spec_name: str
    name: str
    due_at: datetime | None
    duration: str


class WorkflowEngine:
    """Start, advance and inspect process instances; every method takes and returns plain dicts."""

    # --- loading and saving ------------------------------------------------------------------

    def spec_for(self, definition: ProcessDefinition) -> ProcessSpec:
        """Return the parsed (cached) spec of ``definition``."""
        key = (str(definition.public_id), xml_digest(definition.bpmn_xml))
        return SPEC_CACHE.load(key, definition.bpmn_xml)

    def _spec_for_state(self, state: dict[str, Any]) -> ProcessSpec:
        if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
            raise WorkflowStateInvalid()
        key = (str(state.get("definition")), str(state.get("digest")))
        spec = SPEC_CACHE.get(key)
        if spec is not None:
            return spec
        definition = ProcessDefinition.objects.filter(public_id=key[0]).first()
        if definition is None or xml_digest(definition.bpmn_xml) != key[1]:
            raise WorkflowStateInvalid(
                _("The process definition was changed or deleted after this process started.")
            )
        return SPEC_CACHE.load(key, definition.bpmn_xml)

    def _restore(self, state: dict[str, Any]) -> tuple[BpmnWorkflow, ProcessSpec]:
        spec = self._spec_for_state(state)
        # The registry pops keys while restoring: work on a copy, never on the caller's dict.
        workflow = workflow_from_dict(json.loads(json.dumps(state["workflow"])), spec.spiff_spec)
        return workflow, spec

    def _dump(self, workflow: BpmnWorkflow, base: dict[str, Any]) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "definition": base["definition"],
            "digest": base["digest"],
            "process_id": base["process_id"],
            "spiff_serializer": SPIFF_SERIALIZER_VERSION,
            "workflow": workflow_to_dict(workflow),
        }

    def _advance(self, workflow: BpmnWorkflow) -> None:
        try:
            workflow.do_engine_steps()
        except SpiffWorkflowException as error:
            raise ProcessStepFailed(
                _("The process could not continue: %(problem)s") % {"problem": error}
            ) from None

    # --- the contract ------------------------------------------------------------------------

    def start(self, *, definition: ProcessDefinition, data: dict[str, Any]) -> dict[str, Any]:
        """Start ``definition`` with ``data`` (the form data) and run up to the first user tasks."""
        _check_data(data)
        spec = self.spec_for(definition)
        workflow = BpmnWorkflow(spec.spiff_spec, script_engine=SCRIPT_ENGINE)
        workflow.task_tree.data.update(json.loads(json.dumps(data)))
        self._advance(workflow)
        base = {
            "definition": str(definition.public_id),
            "digest": xml_digest(definition.bpmn_xml),
            "process_id": spec.process_id,
        }
        return self._dump(workflow, base)

    def ready_tasks(self, state: dict[str, Any]) -> list[ReadyTask]:
        """List the open user tasks (read straight from the state, no workflow is rebuilt)."""
        spec = self._spec_for_state(state)
        result = []
        for task_id, task in state["workflow"]["tasks"].items():
            info = spec.tasks.get(task["task_spec"])
            if info is not None and task["state"] == TaskState.READY:
                result.append(
                    ReadyTask(
                        id=task_id,
                        spec_name=info.id,
                        name=info.name,
                        department_code=info.department_code,
                        role=info.role,
                        kind=info.kind,
                    )
                )
        order = list(spec.tasks)
        return sorted(result, key=lambda t: (order.index(t.spec_name), t.id))

    def complete(
        self, state: dict[str, Any], *, task_id: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        """Complete the open user task ``task_id`` with ``data`` and run to the next user tasks.

        ``data`` (e.g. ``{"outcome": "approve"}``) is merged into the process data that later
        conditions see. Raises ``TaskNotReady`` (409) when the task is not open and
        ``ProcessStepFailed`` when the process cannot continue.
        """
        _check_data(data)
        workflow, spec = self._restore(state)
        try:
            task = workflow.get_task_from_id(uuid.UUID(str(task_id)))
        except (ValueError, SpiffWorkflowException):
            task = None
        if task is None or task.state != TaskState.READY or task.task_spec.name not in spec.tasks:
            raise TaskNotReady()
        task.data.update(json.loads(json.dumps(data)))
        try:
            task.run()
        except SpiffWorkflowException as error:
            raise ProcessStepFailed(
                _("The process could not continue: %(problem)s") % {"problem": error}
            ) from None
        self._advance(workflow)
        return self._dump(workflow, state)

    def is_finished(self, state: dict[str, Any]) -> bool:
        """Whether no task is left to do (the process reached its end or was cancelled)."""
        tasks = state["workflow"]["tasks"].values()
        return all(task["state"] & TaskState.FINISHED_MASK for task in tasks)

    def cancel(self, state: dict[str, Any]) -> dict[str, Any]:
        """Cancel every unfinished task (e.g. a rejection ends it); returns the new state."""
        workflow, _spec = self._restore(state)
        workflow.cancel()
        return self._dump(workflow, state)

    def workflow_data(self, state: dict[str, Any]) -> dict[str, Any]:
        """The process data: the start data merged with what every completed task added."""
        tasks = state["workflow"]["tasks"]
        root = tasks[state["workflow"]["root"]]
        data: dict[str, Any] = dict(_plain(root.get("data", {})))
        completed = [t for t in tasks.values() if t["state"] == TaskState.COMPLETED]
        for task in sorted(completed, key=lambda t: t.get("last_state_change") or 0):
            data.update(_plain(task.get("data", {})))
        return data

    # --- timers ------------------------------------------------------------------------------

    def pending_timers(self, state: dict[str, Any]) -> list[PendingTimer]:
        """List the timers the process waits for, with the time each one fires."""
        spec = self._spec_for_state(state)
        result = []
        for task_id, task in state["workflow"]["tasks"].items():
            duration = spec.timers.get(task["task_spec"])
            if duration is None or task["state"] != TaskState.WAITING:
                continue
            value = (task.get("internal_data") or {}).get("event_value")
            due_at = TimerEventDefinition.get_datetime(value) if isinstance(value, str) else None
            node = spec.spiff_spec.task_specs[task["task_spec"]]
            result.append(
                PendingTimer(
                    id=task_id,
                    spec_name=task["task_spec"],
                    name=getattr(node, "bpmn_name", None) or task["task_spec"],
                    due_at=due_at,
                    duration=duration,
                )
            )
        return sorted(result, key=lambda t: (t.due_at is None, t.due_at or timezone.now()))

    def due_timers(self, state: dict[str, Any], now: datetime) -> list[PendingTimer]:
        """List the timers due at ``now`` (aware datetime)."""
        return [t for t in self.pending_timers(state) if t.due_at is not None and t.due_at <= now]

    def fire_timers(self, state: dict[str, Any], now: datetime) -> dict[str, Any]:
        """Fire the timers due at ``now`` and run on; returns the state (unchanged if none)."""
        due = {t.id for t in self.due_timers(state, now)}
        if not due:
            return state
        workflow, _spec = self._restore(state)
        for task_id in due:
            workflow.get_task_from_id(uuid.UUID(task_id))._set_internal_data(event_fired=True)
        try:
            workflow.refresh_waiting_tasks()
        except SpiffWorkflowException as error:
            raise ProcessStepFailed(
                _("The process could not continue: %(problem)s") % {"problem": error}
            ) from None
        self._advance(workflow)
        return self._dump(workflow, state)


def _plain(data: Any) -> dict[str, Any]:
    """Task data as stored: plain JSON values (Spiff adds typenames only for its own objects)."""
    return data if isinstance(data, dict) else {}


def _check_data(data: Any) -> None:
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise ValidationFailed(_("Process data must be a mapping of names to values."))
    try:
        json.dumps(data)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Process data must be plain JSON values.")) from None


engine = WorkflowEngine()
