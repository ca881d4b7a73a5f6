"""Validate an uploaded BPMN 2.0 process before ecity stores or runs it.

Department administrators upload processes drawn in any BPMN modeller. They are not trusted to
run code on the server, so a process is refused unless it uses only the elements listed in
``ALLOWED_BPMN_ELEMENTS``, carries no scripts or code-bearing extensions, and every gateway
condition is in the safe expression language (``expressions.py``). Every user task must resolve
to a department and a staff role, by these conventions:

- department and role: the attributes ``ecity:department`` / ``ecity:role`` on the user task
  (namespace ``ECITY_NS``), else extension properties named ``ecity:department`` /
  ``ecity:role``, else the name of the task's lane, written ``CODE:role`` (``SCJ:reviewer``,
  optionally followed by a space and any label);
- kind: ``ecity:kind`` (``accept``, ``review`` or ``decide``), else inferred: the first user
  tasks (reachable from the start without passing another user task) accept, the user tasks that
  no other user task can follow decide, every other user task reviews.

Finally the process is loaded with SpiffWorkflow's parser (and the BPMN XSD) to be sure it runs.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser, BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from ecity.workflow.bpmn.bpmnxml import UnsafeXml, bpmn, xml_parse
from ecity.workflow.bpmn.rules import ALLOWED_BPMN_ELEMENTS, MAX_FLOW_NODES, DocumentChecker
from ecity.workflow.bpmn.spec import (
    KINDS,
    TASK_OUTPUT_NAMES,
    ProcessInvalid,
    ProcessSpec,
    UserTaskInfo,
    max_parallel_branches,
    staff_roles,
)

__all__ = [
    "ALLOWED_BPMN_ELEMENTS",
    "KINDS",
    "MAX_FLOW_NODES",
    "TASK_OUTPUT_NAMES",
    "ProcessInvalid",
    "ProcessSpec",
    "UserTaskInfo",
    "max_parallel_branches",
    "process_validate",
    "staff_roles",
]


def process_validate(
    xml: str | bytes,
    *,
    allowed_names: Iterable[str] | None = None,
    check_departments: bool = True,
) -> ProcessSpec:
    """Check that ``xml`` is a safe, executable ecity process and describe it.

    ``allowed_names`` (e.g. the subject's form fields and the task outputs), when given, are
    the only names conditions may use. ``check_departments`` looks up every department code
    among the active departments (the engine turns it off to keep running processes whose
    department was deactivated later). Raises ``ProcessInvalid`` listing every problem.
    """
    try:
        root = xml_parse(xml)
    except UnsafeXml as error:
        raise ProcessInvalid([str(error)]) from None
    checker = DocumentChecker(root, allowed_names=allowed_names)
    spec = checker.run(check_departments=check_departments)
    if checker.errors:
        raise ProcessInvalid(checker.errors)
    assert spec is not None
    spec.spiff_spec = _spiff_parse(root, spec.process_id)
    missing = [ident for ident in checker.nodes if ident not in spec.spiff_spec.task_specs]
    if missing:
        raise ProcessInvalid(
            [
                _("SpiffWorkflow did not load the element %(id)s.") % {"id": ident}
                for ident in missing
            ]
        )
    return spec


_validator_lock = threading.Lock()
_validator: BpmnValidator | None = None


def _spiff_validator() -> BpmnValidator:
    global _validator  # the XSD takes a while to load: once per process
    with _validator_lock:
        if _validator is None:
            _validator = BpmnValidator()
        return _validator


def _only_process(root: etree._Element, process_id: str) -> etree._Element:
    """A copy of the document with only the process that runs (pools that are only drawn, the
    collaboration and its message flows removed): the engine never sees what does not run."""
    pruned = copy.deepcopy(root)
    for child in list(pruned):
        is_other_process = child.tag == bpmn("process") and child.get("id") != process_id
        if is_other_process or child.tag == bpmn("collaboration"):
            pruned.remove(child)
    return pruned


def _spiff_parse(root: etree._Element, process_id: str) -> Any:
    parser = BpmnParser(validator=_spiff_validator())
    root = _only_process(root, process_id)
    try:
        parser.add_bpmn_xml(root)
        return parser.get_spec(process_id)
    except ValidationException as error:
        where = f" ({error.id})" if getattr(error, "id", None) else ""
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ProcessInvalid(
            [
                _("SpiffWorkflow cannot run this process%(where)s: %(problem)s")
                % {"where": where, "problem": message}
            ]
        ) from None
    except Exception as error:  # noqa: BLE001 - any parser failure is a refusal, not a crash
        raise ProcessInvalid(
            [_("SpiffWorkflow cannot run this process: %(problem)s") % {"problem": error}]
        ) from None
