"""The checker of one uploaded document: every rule, every problem collected at once."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from lxml import etree

from ecity.workflow.bpmn.assignment import TaskAssignment
from ecity.workflow.bpmn.bpmnxml import bpmn
from ecity.workflow.bpmn.rules.branching import BranchingRules
from ecity.workflow.bpmn.rules.elements import ElementRules
from ecity.workflow.bpmn.rules.events import EventRules
from ecity.workflow.bpmn.rules.graph import FlowGraph
from ecity.workflow.bpmn.rules.pools import ProcessChoice
from ecity.workflow.bpmn.spec import ProcessSpec

MAX_FLOW_NODES = 200


# The graph comes first: the other rules use its ``of_type`` (declared by them, defined by it).
class DocumentChecker(
    FlowGraph, ProcessChoice, ElementRules, EventRules, BranchingRules, TaskAssignment
):
    """Collects every problem of one document (so the user can fix them all at once)."""

    def __init__(self, root: etree._Element, *, allowed_names: Iterable[str] | None) -> None:
        self.root = root
        self.allowed_names = set(allowed_names) if allowed_names is not None else None
        self.errors: list[str] = []

    def error(self, message: str) -> None:
        if message not in self.errors:
            self.errors.append(message)

    def run(self, *, check_departments: bool) -> ProcessSpec | None:
        if self.root.tag != bpmn("definitions"):
            self.error(
                _("The file is not a BPMN 2.0 document (the root must be bpmn:definitions).")
            )
            return None
        process = self.find_process()
        self.check_elements(process)
        if process is None:
            return None
        self.process = process
        self.collect(process)
        if len(self.nodes) > MAX_FLOW_NODES:
            self.error(
                _("The process has %(count)d elements; at most %(limit)d are allowed.")
                % {"count": len(self.nodes), "limit": MAX_FLOW_NODES}
            )
            return None
        if self.allowed_names is not None:
            # The workbench also records each task's outcome as "<task id>_outcome".
            self.allowed_names |= {f"{n.get('id')}_outcome" for n in self.of_type("userTask")}
        self.check_events()
        self.check_flows()
        self.check_reachability()
        tasks = self.resolve_tasks(check_departments=check_departments)
        return ProcessSpec(
            process_id=process.get("id", ""),
            name=(process.get("name") or process.get("id") or "").strip(),
            tasks=tasks,
            timers=self.timers,
            max_parallel_branches=self.widest_split,
        )
