"""The rules an uploaded BPMN document must follow: elements, extensions, flows, events, paths."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from django.utils.translation import gettext as _
from lxml import etree

from ecity.workflow.bpmn.assignment import ECITY_ATTRIBUTES, TaskAssignment
from ecity.workflow.bpmn.bpmnxml import (
    BPMN_NS,
    BPMNDI_NS,
    DC_NS,
    DI_NS,
    DURATION_RE,
    ECITY_NS,
    EXPRESSION_LANGUAGE,
    ID_RE,
    XSI_NS,
    bpmn,
    label,
    local_name,
    namespace,
)
from ecity.workflow.bpmn.expressions import expression_check
from ecity.workflow.bpmn.spec import ProcessSpec, max_parallel_branches

MAX_FLOW_NODES = 200

FLOW_NODES = frozenset(
    {
        "startEvent",
        "endEvent",
        "userTask",
        "exclusiveGateway",
        "parallelGateway",
        "intermediateCatchEvent",
        "boundaryEvent",
    }
)
ALLOWED_BPMN_ELEMENTS = FLOW_NODES | {
    "definitions",
    "process",
    "collaboration",
    "participant",
    "messageFlow",  # between pools of a collaboration: drawn, never run
    "laneSet",
    "lane",
    "childLaneSet",
    "flowNodeRef",
    "sequenceFlow",
    "conditionExpression",
    "incoming",
    "outgoing",
    "timerEventDefinition",
    "timeDuration",
    "timeDate",  # refused by the timer rule, with a clearer message
    "timeCycle",
    "textAnnotation",
    "text",
    "association",
    "documentation",
    "extensionElements",
    "group",
    "category",
    "categoryValue",
}
DIAGRAM_NAMESPACES = frozenset({BPMNDI_NS, DC_NS, DI_NS})
# Extension elements that carry code in some engine (Spiff, Camunda, Zeebe, Flowable, Activiti).
CODE_EXTENSIONS = frozenset(
    {
        "script",
        "preScript",
        "postScript",
        "executionListener",
        "taskListener",
        "inputOutput",
        "inputParameter",
        "outputParameter",
        "connector",
        "field",
        "expression",
        "calledDecision",
        "taskDefinition",
        "ioMapping",
        "input",
        "output",
        "serviceTaskOperator",
    }
)
CODE_ATTRIBUTES = frozenset(
    {"expression", "delegateExpression", "class", "script", "resultVariable", "scriptFormat"}
)
# Names SpiffWorkflow gives its own task specs; a BPMN element with one of them is silently lost.
RESERVED_IDS = frozenset({"Start", "End", "Root", "StartEventSplit", "StartEventJoin"})
RESERVED_SUFFIXES = (".EndJoin", ".BoundaryEventSplit", ".BoundaryEventJoin", " [child]")


class DocumentChecker(TaskAssignment):
    """Collects every problem of one document (so the user can fix them all at once)."""

    def __init__(self, root: etree._Element, *, allowed_names: Iterable[str] | None) -> None:
        self.root = root
        self.allowed_names = set(allowed_names) if allowed_names is not None else None
        self.errors: list[str] = []

    def error(self, message: str) -> None:
        if message not in self.errors:
            self.errors.append(message)

    # --- the whole document ----------------------------------------------------------------

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

    def check_elements(self, executable: etree._Element | None) -> None:
        """Check every element and attribute, except inside pools that do not run.

        The processes of other pools of a collaboration (the applicant, an outside party),
        marked not executable, are only drawn: ecity never runs them, so what they contain is
        not checked beyond their ids.
        """
        forbidden = False
        seen_ids: set[str] = set()
        drawn_only = {
            p for p in self.root.findall(bpmn("process")) if p is not executable and self.is_pool(p)
        }
        for element in self.root.iter(tag=etree.Element):
            ns, name = namespace(element), local_name(element)
            if drawn_only and any(a in drawn_only for a in element.iterancestors()):
                ident = element.get("id")
                if ident is not None and ident in seen_ids:
                    self.error(_("The id %(id)s is used more than once.") % {"id": ident})
                seen_ids.add(ident or "")
                continue
            inside_extension = any(
                a.tag == bpmn("extensionElements") for a in element.iterancestors()
            )
            if inside_extension:
                self.check_extension(element)
            elif ns == BPMN_NS:
                if name == "script":
                    self.error(
                        _("Scripts are not allowed (found in %(element)s).")
                        % {"element": label(element.getparent())}
                    )
                elif name not in ALLOWED_BPMN_ELEMENTS:
                    forbidden = True
                    self.error(
                        _("%(element)s: unknown or forbidden element.")
                        % {"element": label(element)}
                    )
            elif ns not in DIAGRAM_NAMESPACES:
                self.error(
                    _("%(element)s: element from namespace %(namespace)s is not allowed here.")
                    % {"element": label(element), "namespace": ns or "—"}
                )
            self.check_attributes(element)
            ident = element.get("id")
            if ident is not None and ns == BPMN_NS:
                if not ID_RE.match(ident):
                    self.error(
                        _(
                            "%(element)s: the id must start with a letter and use only letters, "
                            "digits, “_”, “-” and “.”."
                        )
                        % {"element": label(element)}
                    )
                elif ident in RESERVED_IDS or ident.endswith(RESERVED_SUFFIXES):
                    self.error(
                        _(
                            "%(element)s: the id %(id)s is reserved by the process engine; rename "
                            "it (for example %(id)s_1)."
                        )
                        % {"element": label(element), "id": ident}
                    )
                elif ident in seen_ids:
                    self.error(_("The id %(id)s is used more than once.") % {"id": ident})
                seen_ids.add(ident)
        if forbidden:
            self.error(
                _(
                    "Allowed elements: start and end events, user tasks, exclusive and parallel "
                    "gateways, sequence flows, lanes, timer events with a duration, annotations."
                )
            )

    def check_extension(self, element: etree._Element) -> None:
        ns, name = namespace(element), local_name(element)
        owner = element
        while owner.tag != bpmn("extensionElements"):
            owner = owner.getparent()
        owner = owner.getparent()
        if name in CODE_EXTENSIONS:
            self.error(
                _("%(element)s: extension %(extension)s can carry code and is not allowed.")
                % {"element": label(owner), "extension": name}
            )
        elif not (ns == ECITY_NS or name in {"properties", "property", "userTask"}):
            self.error(
                _(
                    "%(element)s: extension %(extension)s is not supported; only ecity properties "
                    "are allowed in extensionElements."
                )
                % {"element": label(owner), "extension": name}
            )

    def check_attributes(self, element: etree._Element) -> None:
        for key, value in element.attrib.items():
            qname = etree.QName(key)
            ns, name = qname.namespace or "", qname.localname
            if ns in {"", XSI_NS}:
                continue
            if ns == ECITY_NS:
                if name not in ECITY_ATTRIBUTES or element.tag != bpmn("userTask"):
                    self.error(
                        _(
                            "%(element)s: unknown attribute ecity:%(name)s (allowed on user tasks: "
                            "ecity:department, ecity:role, ecity:kind)."
                        )
                        % {"element": label(element), "name": name}
                    )
            elif name in CODE_ATTRIBUTES or "${" in value or "#{" in value:
                self.error(
                    _("%(element)s: attribute %(name)s carries code and is not allowed.")
                    % {"element": label(element), "name": name}
                )

    def is_pool(self, process: etree._Element) -> bool:
        """Whether ``process`` is a non-executable pool of the collaboration (drawn only)."""
        return process.get("isExecutable") == "false" and process.get("id") in self.pool_refs

    def find_process(self) -> etree._Element | None:
        """The one process ecity runs.

        A file holds one process; or a collaboration (pools) drawn in a modeller, whose one
        executable pool runs while the pools marked not executable (the applicant, an outside
        party) are only drawn.
        """
        processes = self.root.findall(bpmn("process"))
        ids = {p.get("id") for p in processes}
        self.pool_refs = {
            p.get("processRef") for p in self.root.iter(bpmn("participant")) if p.get("processRef")
        }
        for participant in self.root.iter(bpmn("participant")):
            ref = participant.get("processRef")
            if ref and ref not in ids:
                self.error(
                    _("%(element)s refers to an unknown process %(ref)s.")
                    % {"element": label(participant), "ref": ref}
                )
        if len(processes) == 1:
            process = processes[0]
            if process.get("isExecutable", "true") != "true":
                self.error(
                    _(
                        '%(element)s is not executable: set isExecutable="true" (in the '
                        "modeller: “Executable”)."
                    )
                    % {"element": label(process)}
                )
            return process
        running = [p for p in processes if not self.is_pool(p)]
        if len(running) != 1:
            if len(processes) > 1:
                self.error(
                    _(
                        "A file must contain exactly one executable process; this one has "
                        "%(count)d. Mark the pools of the applicant and of other parties as not "
                        "executable (in the modeller: untick “Executable”)."
                    )
                    % {"count": len(running)}
                )
            else:
                self.error(_("A file must contain exactly one process; this one has none."))
            return None
        return running[0]

    # --- nodes and flows ---------------------------------------------------------------------

    def collect(self, process: etree._Element) -> None:
        self.nodes: dict[str, etree._Element] = {}
        self.flows: list[etree._Element] = []
        # Forbidden elements (already reported) still connect flows, so that the flow and path
        # checks report the other problems of the same upload instead of broken references.
        for element in process:
            if (
                isinstance(element.tag, str)
                and namespace(element) == BPMN_NS
                and local_name(element) not in ALLOWED_BPMN_ELEMENTS
                and element.get("id")
            ):
                self.nodes[element.get("id")] = element
        for element in process.iter(*(bpmn(n) for n in (*FLOW_NODES, "sequenceFlow"))):
            if element.getparent() is not process:
                self.error(
                    _("%(element)s must be placed directly in the process.")
                    % {"element": label(element)}
                )
                continue
            if not element.get("id"):
                self.error(_("%(element)s has no id.") % {"element": label(element)})
                continue
            if element.tag == bpmn("sequenceFlow"):
                self.flows.append(element)
            else:
                self.nodes[element.get("id")] = element
        self.outgoing: dict[str, list[etree._Element]] = {ident: [] for ident in self.nodes}
        self.incoming: dict[str, list[etree._Element]] = {ident: [] for ident in self.nodes}
        self.successors: dict[str, list[str]] = {ident: [] for ident in self.nodes}
        for flow in self.flows:
            source, target = flow.get("sourceRef"), flow.get("targetRef")
            broken = [ref for ref in (source, target) if ref not in self.nodes]
            if broken:
                self.error(
                    _("%(flow)s connects to %(ref)s, which is not an element of the process.")
                    % {"flow": label(flow), "ref": broken[0] or "—"}
                )
                continue
            self.outgoing[source].append(flow)
            self.incoming[target].append(flow)
            self.successors[source].append(target)
        for ident, node in self.nodes.items():
            if node.tag == bpmn("boundaryEvent"):
                host = node.get("attachedToRef")
                if host in self.successors:
                    self.successors[host].append(ident)

    def of_type(self, name: str) -> list[etree._Element]:
        return [node for node in self.nodes.values() if node.tag == bpmn(name)]

    def check_events(self) -> None:
        self.timers: dict[str, str] = {}
        starts = self.of_type("startEvent")
        if len(starts) != 1:
            self.error(
                _("A process needs exactly one start event; this one has %(count)d.")
                % {"count": len(starts)}
            )
        if not self.of_type("endEvent"):
            self.error(_("The process has no end event."))
        for node in (*starts, *self.of_type("endEvent")):
            if node.find(bpmn("timerEventDefinition")) is not None:
                self.error(
                    _("%(element)s: start and end events cannot be timers.")
                    % {"element": label(node)}
                )
            if node.tag == bpmn("startEvent") and self.incoming[node.get("id")]:
                self.error(_("%(element)s has incoming flows.") % {"element": label(node)})
            if node.tag == bpmn("endEvent") and self.outgoing[node.get("id")]:
                self.error(_("%(element)s has outgoing flows.") % {"element": label(node)})
        for node in (*self.of_type("intermediateCatchEvent"), *self.of_type("boundaryEvent")):
            self.check_timer(node)
        for node in self.of_type("boundaryEvent"):
            host = self.nodes.get(node.get("attachedToRef", ""))
            if host is None or host.tag != bpmn("userTask"):
                self.error(
                    _("%(element)s must be attached to a user task.") % {"element": label(node)}
                )
            if self.incoming[node.get("id")]:
                self.error(_("%(element)s has incoming flows.") % {"element": label(node)})

    def check_timer(self, node: etree._Element) -> None:
        timers = node.findall(bpmn("timerEventDefinition"))
        if len(timers) != 1:
            self.error(
                _("%(element)s must be a timer event (with one timer definition).")
                % {"element": label(node)}
            )
            return
        durations = timers[0].findall(bpmn("timeDuration"))
        others = timers[0].findall(bpmn("timeDate")) + timers[0].findall(bpmn("timeCycle"))
        text = (durations[0].text or "").strip() if len(durations) == 1 else ""
        if others or len(durations) != 1 or not DURATION_RE.match(text):
            self.error(
                _(
                    "%(element)s: a timer needs a duration in ISO 8601 form, such as P5D (five "
                    "days) or PT1H (one hour); dates, cycles and expressions are not allowed."
                )
                % {"element": label(node)}
            )
            return
        self.timers[node.get("id")] = text

    def check_flows(self) -> None:
        self.widest_split = 0
        limit = max_parallel_branches()
        for ident, node in self.nodes.items():
            out = self.outgoing[ident]
            kind = local_name(node)
            if kind in {"exclusiveGateway", "parallelGateway"}:
                if kind == "parallelGateway":
                    self.widest_split = max(self.widest_split, len(out))
                    if len(out) > limit:
                        self.error(
                            _(
                                "%(element)s opens %(count)d parallel branches; at most %(limit)d "
                                "are allowed."
                            )
                            % {"element": label(node), "count": len(out), "limit": limit}
                        )
                else:
                    self.check_exclusive(node, out)
            elif len(out) > 1:
                self.error(
                    _("%(element)s has %(count)d outgoing flows: use a gateway to split the flow.")
                    % {"element": label(node), "count": len(out)}
                )
        for flow in self.flows:
            condition = flow.find(bpmn("conditionExpression"))
            source = self.nodes.get(flow.get("sourceRef", ""))
            if condition is None or source is None:
                continue
            if source.tag != bpmn("exclusiveGateway"):
                self.error(
                    _(
                        "%(flow)s: conditions are allowed only on flows leaving an exclusive "
                        "gateway."
                    )
                    % {"flow": label(flow)}
                )
                continue
            language = condition.get("language")
            if language not in (None, "", EXPRESSION_LANGUAGE):
                self.error(
                    _(
                        "%(flow)s: the condition language %(language)s is not supported; omit the "
                        "language attribute or use %(ours)s."
                    )
                    % {"flow": label(flow), "language": language, "ours": EXPRESSION_LANGUAGE}
                )
                continue
            for problem in expression_check(condition.text or "", allowed_names=self.allowed_names):
                self.error(
                    _("%(flow)s: condition “%(text)s”: %(problem)s")
                    % {
                        "flow": label(flow),
                        "text": (condition.text or "").strip()[:80],
                        "problem": problem,
                    }
                )

    def check_exclusive(self, gateway: etree._Element, out: list[etree._Element]) -> None:
        default = gateway.get("default")
        ids = [flow.get("id") for flow in out]
        if default and default not in ids:
            self.error(
                _("%(element)s: its default flow %(flow)s does not leave this gateway.")
                % {"element": label(gateway), "flow": default}
            )
        if len(out) < 2:
            return
        if not default:
            self.error(
                _(
                    "%(element)s needs a default flow, taken when no condition holds (in the "
                    "modeller: “Default flow”)."
                )
                % {"element": label(gateway)}
            )
        for flow in out:
            if flow.get("id") != default and flow.find(bpmn("conditionExpression")) is None:
                self.error(
                    _(
                        "%(flow)s leaves %(element)s without a condition and is not its default "
                        "flow."
                    )
                    % {"flow": label(flow), "element": label(gateway)}
                )

    def check_reachability(self) -> None:
        starts = [n.get("id") for n in self.of_type("startEvent")]
        ends = [n.get("id") for n in self.of_type("endEvent")]
        if not starts or not ends:
            return
        forward = _reachable(starts, self.successors)
        predecessors: dict[str, list[str]] = {ident: [] for ident in self.nodes}
        for source, targets in self.successors.items():
            for target in targets:
                predecessors[target].append(source)
        backward = _reachable(ends, predecessors)
        for ident, node in self.nodes.items():
            if ident not in forward:
                self.error(
                    _("Unreachable %(element)s: no path leads to it from the start event.")
                    % {"element": label(node)}
                )
            elif ident not in backward:
                self.error(
                    _("%(element)s is a dead end: no path leads from it to an end event.")
                    % {"element": label(node)}
                )

    # --- user tasks ----------------------------------------------------------------------------


def _reachable(sources: list[str], edges: dict[str, list[str]]) -> set[str]:
    seen = set(sources)
    queue = deque(sources)
    while queue:
        for target in edges.get(queue.popleft(), []):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen
