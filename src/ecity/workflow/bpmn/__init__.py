"""BPMN 2.0 processes of any subject: validation, builder, safe conditions, engine.

Public API (the conventions a BPMN file must follow are in ``validation.py``):

- ``process_validate(xml, *, allowed_names=None, check_departments=True) -> ProcessSpec``,
  raising ``ProcessInvalid`` (its ``errors`` name every element that is wrong);
- ``process_build(*, lead_department, review_steps, decision_role, accept_role, name) -> str``
  with ``ReviewStep(department, role="reviewer")``;
- ``WorkflowEngine`` (``engine`` is a ready instance): ``start``, ``ready_tasks``, ``complete``,
  ``is_finished``, ``cancel``, ``workflow_data``, ``pending_timers``, ``due_timers``,
  ``fire_timers``; errors ``TaskNotReady`` (409), ``ProcessStepFailed``, ``WorkflowStateInvalid``;
- ``expression_check(text, *, allowed_names=None)`` and ``expression_evaluate(text, data)``.
"""

from ecity.workflow.bpmn.builder import ReviewStep, process_build
from ecity.workflow.bpmn.engine import (
    PendingTimer,
    ProcessStepFailed,
    ReadyTask,
    TaskNotReady,
    WorkflowEngine,
    WorkflowStateInvalid,
    engine,
)
from ecity.workflow.bpmn.expressions import (
    MAX_EXPRESSION_LENGTH,
    ExpressionError,
    expression_check,
    expression_evaluate,
)
from ecity.workflow.bpmn.validation import (
    TASK_OUTPUT_NAMES,
    ProcessInvalid,
    ProcessSpec,
    UserTaskInfo,
    process_validate,
)

__all__ = [
    "MAX_EXPRESSION_LENGTH",
    "TASK_OUTPUT_NAMES",
    "ExpressionError",
    "PendingTimer",
    "ProcessInvalid",
    "ProcessSpec",
    "ProcessStepFailed",
    "ReadyTask",
    "ReviewStep",
    "TaskNotReady",
    "UserTaskInfo",
    "WorkflowEngine",
    "WorkflowStateInvalid",
    "engine",
    "expression_check",
    "expression_evaluate",
    "process_build",
    "process_validate",
]
