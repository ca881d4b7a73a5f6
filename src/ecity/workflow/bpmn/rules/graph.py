"""The flow graph of the process: its nodes and sequence flows, and the paths through it."""

from __future__ import annotations

from collections import deque

from django.utils.translation import gettext as _
from lxml import etree

from ecity.workflow.bpmn.bpmnxml import BPMN_NS, bpmn, label, local_name, namespace
from ecity.workflow.bpmn.rules.elements import ALLOWED_BPMN_ELEMENTS, FLOW_NODES


class FlowGraph:
    """Mixin of the document checker: collects ``nodes``, ``flows`` and their links; paths."""

    def error(self, message: str) -> None:
        raise NotImplementedError

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


def _reachable(sources: list[str], edges: dict[str, list[str]]) -> set[str]:
    seen = set(sources)
    queue = deque(sources)
    while queue:
        for target in edges.get(queue.popleft(), []):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen
