"""SpiffWorkflow plumbing: a script engine that runs no code, the state serializer, a spec cache.

SpiffWorkflow evaluates conditions and timer expressions through its script engine, which by
default calls Python's ``eval``/``exec``. ``SafeScriptEngine`` evaluates conditions with the safe
expression language, returns ISO 8601 durations as they are, and refuses scripts and services.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.serializer import DEFAULT_CONFIG, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from ecity.workflow.bpmn.bpmnxml import DURATION_RE
from ecity.workflow.bpmn.expressions import ExpressionError, expression_evaluate
from ecity.workflow.bpmn.validation import ProcessSpec, process_validate

# SpiffWorkflow logs every task state change at INFO; keep it quiet unless settings say otherwise.
if logging.getLogger("spiff").level == logging.NOTSET:
    logging.getLogger("spiff").setLevel(logging.WARNING)

SPEC_CACHE_SIZE = 256


class SafeScriptEngine(PythonScriptEngine):
    """Evaluates conditions with ``expression_evaluate``; never executes code."""

    def __init__(self) -> None:
        # The base environment raises NotImplementedError for evaluate/execute/call_service.
        super().__init__(environment=BasePythonScriptEngineEnvironment())

    def validate(self, expression: str) -> None:
        expression_evaluate(expression, {})  # raises ExpressionError for a forbidden construct

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        text = (expression or "").strip()
        if DURATION_RE.match(text):
            return text  # a timer duration such as P5D
        try:
            return expression_evaluate(text, task.data)
        except ExpressionError as error:
            raise WorkflowTaskException(
                f"Condition {text!r} cannot be evaluated: {error}", task=task
            ) from None

    def execute(self, task: Any, script: Any, external_context: Any = None) -> Any:
        raise WorkflowTaskException("Scripts are not allowed in ecity processes", task=task)

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        raise WorkflowTaskException("Service tasks are not allowed in ecity processes", task=task)


SCRIPT_ENGINE = SafeScriptEngine()


class _StateConverter(BpmnWorkflowConverter):
    """Serialises a workflow without its spec: the spec comes from the process definition."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], spec: Any = None) -> BpmnWorkflow:
        workflow = self.target_class(spec, {}, script_engine=SCRIPT_ENGINE, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_REGISTRY = BpmnWorkflowSerializer.configure({**DEFAULT_CONFIG, BpmnWorkflow: _StateConverter})


def workflow_to_dict(workflow: BpmnWorkflow) -> dict[str, Any]:
    return _REGISTRY.convert(workflow)


def workflow_from_dict(dct: dict[str, Any], spec: Any) -> BpmnWorkflow:
    """Restore a workflow; ``dct`` is consumed (the registry pops keys), pass a copy."""
    return _REGISTRY.restore(dct, spec=spec)


def xml_digest(xml: str) -> str:
    return hashlib.sha256(xml.encode("utf-8")).hexdigest()


class SpecCache:
    """Parsed process specs by (definition public ID, XML digest), least recently used first out.

    Keyed by the XML's digest rather than ``updated_at`` so that renaming or deactivating a
    definition does not throw its parsed spec away, and an edited XML can never be mistaken for
    the old one.
    """

    def __init__(self, size: int = SPEC_CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, str], ProcessSpec] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> ProcessSpec | None:
        with self._lock:
            spec = self._items.get(key)
            if spec is not None:
                self._items.move_to_end(key)
            return spec

    def load(self, key: tuple[str, str], xml: str) -> ProcessSpec:
        spec = self.get(key)
        if spec is None:
            # Departments are checked on upload; a running process keeps going even if a
            # department is deactivated later.
            spec = process_validate(xml, check_departments=False)
            with self._lock:
                self._items[key] = spec
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return spec

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


SPEC_CACHE = SpecCache()
