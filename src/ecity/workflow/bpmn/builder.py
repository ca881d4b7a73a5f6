"""Build a BPMN 2.0 process from a simple description (accept → parallel reviews → decide).

The result is an ordinary BPMN file with a pool, one lane per ``CODE:role``, ``ecity:kind`` on
every user task and diagram shapes, so it opens in bpmn.io or Camunda Modeler and can be
downloaded, refined and uploaded again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from django.utils.translation import gettext as _
from lxml import etree

from ecity.workflow.bpmn.bpmnxml import BPMN_NS, BPMNDI_NS, DC_NS, DI_NS, ECITY_NS
from ecity.workflow.bpmn.validation import max_parallel_branches, staff_roles

_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
_NSMAP = {"bpmn": BPMN_NS, "bpmndi": BPMNDI_NS, "dc": DC_NS, "di": DI_NS, "ecity": ECITY_NS}

# Diagram geometry (pixels).
_LANE_X, _LANE_LABEL, _ROW, _COLUMN = 160, 30, 120, 150
_TASK_W, _TASK_H, _GATE, _EVENT = 100, 80, 50, 36


@dataclass(frozen=True)
class ReviewStep:
    """One department reviewing in parallel with the others."""

    department: str  # department code
    role: str = "reviewer"


@dataclass
class _Node:
    id: str
    kind: str  # BPMN element name
    name: str
    lane: str
    column: int
    row: int = 0  # row inside the lane
    ecity_kind: str = ""


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _check(lead_department: str, steps: Sequence[ReviewStep], roles: Sequence[str]) -> None:
    allowed = staff_roles()
    for code in [lead_department, *(s.department for s in steps)]:
        if not _CODE_RE.match(code or ""):
            raise ValueError(f"Invalid department code: {code!r}")
    for role in roles:
        if role not in allowed:
            raise ValueError(f"Invalid role: {role!r}")
    if len(steps) > max_parallel_branches():
        raise ValueError(f"At most {max_parallel_branches()} review steps are allowed")


def process_build(
    *,
    lead_department: str,
    review_steps: Sequence[ReviewStep],
    decision_role: str = "approver",
    accept_role: str = "counter_clerk",
    name: str,
    department_names: Mapping[str, str] | None = None,
) -> str:
    """Return BPMN XML: accept → parallel split → one review per step → join → decide → end.

    ``lead_department`` accepts and decides; each ``ReviewStep`` gets a user task in the lane
    ``CODE:role``. With one review step there is no gateway; with none, decide follows accept.
    ``department_names`` (code → name) makes friendlier task names. Raises ``ValueError`` for a
    malformed code or role, or more steps than ``ECITY_MAX_PARALLEL_BRANCHES``.
    """
    steps = list(review_steps)
    _check(lead_department, steps, [decision_role, accept_role, *(s.role for s in steps)])
    names = dict(department_names or {})

    def lane_of(code: str, role: str) -> str:
        return f"{code}:{role}"

    nodes: list[_Node] = []
    accept_lane = lane_of(lead_department, accept_role)
    nodes.append(_Node("start", "startEvent", _("Application received"), accept_lane, 0))
    nodes.append(
        _Node(
            "accept", "userTask", _("Accept the application"), accept_lane, 1, ecity_kind="accept"
        )
    )
    column = 2
    parallel = len(steps) > 1
    if parallel:
        nodes.append(_Node("split", "parallelGateway", "", accept_lane, column))
        column += 1
    rows: dict[str, int] = {}
    for index, step in enumerate(steps, start=1):
        lane = lane_of(step.department, step.role)
        department = names.get(step.department, step.department)
        nodes.append(
            _Node(
                f"review_{index}",
                "userTask",
                _("Review by %(department)s") % {"department": department},
                lane,
                column,
                row=rows.get(lane, 0),
                ecity_kind="review",
            )
        )
        rows[lane] = rows.get(lane, 0) + 1
    if steps:
        column += 1
    if parallel:
        nodes.append(_Node("join", "parallelGateway", "", accept_lane, column))
        column += 1
    decide_lane = lane_of(lead_department, decision_role)
    nodes.append(_Node("decide", "userTask", _("Decide"), decide_lane, column, ecity_kind="decide"))
    nodes.append(_Node("end", "endEvent", _("Process completed"), decide_lane, column + 1))

    flows: list[tuple[str, str]] = []
    reviews = [n.id for n in nodes if n.ecity_kind == "review"]
    if parallel:
        flows += [("start", "accept"), ("accept", "split")]
        flows += [("split", r) for r in reviews] + [(r, "join") for r in reviews]
        flows += [("join", "decide"), ("decide", "end")]
    else:
        chain = ["start", "accept", *reviews, "decide", "end"]
        flows += list(pairwise(chain))
    return _serialise(name, nodes, flows)


def _serialise(name: str, nodes: list[_Node], flows: list[tuple[str, str]]) -> str:
    definitions = etree.Element(
        _q(BPMN_NS, "definitions"),
        nsmap=_NSMAP,
        id="Definitions_ecity",
        targetNamespace="https://ecity.example/bpmn/processes",
        exporter="ecity",
        exporterVersion="1",
    )
    collaboration = etree.SubElement(definitions, _q(BPMN_NS, "collaboration"), id="Collaboration")
    etree.SubElement(
        collaboration, _q(BPMN_NS, "participant"), id="Participant", name=name, processRef="Process"
    )
    process = etree.SubElement(
        definitions, _q(BPMN_NS, "process"), id="Process", name=name, isExecutable="true"
    )
    lane_names = list(dict.fromkeys(n.lane for n in nodes))
    lane_set = etree.SubElement(process, _q(BPMN_NS, "laneSet"), id="LaneSet")
    for index, lane_name in enumerate(lane_names, start=1):
        lane = etree.SubElement(lane_set, _q(BPMN_NS, "lane"), id=f"Lane_{index}", name=lane_name)
        for node in nodes:
            if node.lane == lane_name:
                etree.SubElement(lane, _q(BPMN_NS, "flowNodeRef")).text = node.id
    flow_ids = [f"Flow_{i}" for i in range(1, len(flows) + 1)]
    for node in nodes:
        element = etree.SubElement(process, _q(BPMN_NS, node.kind), id=node.id)
        if node.name:
            element.set("name", node.name)
        if node.ecity_kind:
            element.set(_q(ECITY_NS, "kind"), node.ecity_kind)
        for flow_id, (_source, target) in zip(flow_ids, flows, strict=True):
            if target == node.id:
                etree.SubElement(element, _q(BPMN_NS, "incoming")).text = flow_id
        for flow_id, (source, _target) in zip(flow_ids, flows, strict=True):
            if source == node.id:
                etree.SubElement(element, _q(BPMN_NS, "outgoing")).text = flow_id
    for flow_id, (source, target) in zip(flow_ids, flows, strict=True):
        etree.SubElement(
            process, _q(BPMN_NS, "sequenceFlow"), id=flow_id, sourceRef=source, targetRef=target
        )
    _diagram(definitions, nodes, lane_names, flows, flow_ids)
    return etree.tostring(
        definitions, xml_declaration=True, encoding="UTF-8", pretty_print=True
    ).decode("utf-8")


def _diagram(
    definitions: etree._Element,
    nodes: list[_Node],
    lane_names: list[str],
    flows: list[tuple[str, str]],
    flow_ids: list[str],
) -> None:
    """Add BPMN DI: lanes stacked top to bottom, nodes in columns left to right."""
    lane_rows = {
        lane: max([1] + [n.row + 1 for n in nodes if n.lane == lane]) for lane in lane_names
    }
    lane_y: dict[str, int] = {}
    y = 80
    for lane in lane_names:
        lane_y[lane] = y
        y += lane_rows[lane] * _ROW
    columns = max(n.column for n in nodes) + 1
    width = _LANE_LABEL + 60 + columns * _COLUMN
    total_height = y - 80

    diagram = etree.SubElement(definitions, _q(BPMNDI_NS, "BPMNDiagram"), id="Diagram")
    plane = etree.SubElement(
        diagram, _q(BPMNDI_NS, "BPMNPlane"), id="Plane", bpmnElement="Collaboration"
    )

    def shape(element_id: str, x: float, y: float, w: float, h: float, **extra: str) -> None:
        node = etree.SubElement(
            plane, _q(BPMNDI_NS, "BPMNShape"), id=f"{element_id}_di", bpmnElement=element_id
        )
        for key, value in extra.items():
            node.set(key, value)
        etree.SubElement(
            node, _q(DC_NS, "Bounds"), x=str(int(x)), y=str(int(y)), width=str(w), height=str(h)
        )

    shape("Participant", _LANE_X, 80, width, total_height, isHorizontal="true")
    for index, lane in enumerate(lane_names, start=1):
        shape(
            f"Lane_{index}",
            _LANE_X + _LANE_LABEL,
            lane_y[lane],
            width - _LANE_LABEL,
            lane_rows[lane] * _ROW,
            isHorizontal="true",
        )
    centres: dict[str, tuple[float, float, float]] = {}  # id -> (centre x, centre y, half width)
    for node in nodes:
        cx = _LANE_X + _LANE_LABEL + 80 + node.column * _COLUMN
        cy = lane_y[node.lane] + node.row * _ROW + _ROW / 2
        if node.kind == "userTask":
            w, h = _TASK_W, _TASK_H
        elif node.kind.endswith("Gateway"):
            w = h = _GATE
        else:
            w = h = _EVENT
        shape(node.id, cx - w / 2, cy - h / 2, w, h)
        centres[node.id] = (cx, cy, w / 2)
    for flow_id, (source, target) in zip(flow_ids, flows, strict=True):
        sx, sy, sw = centres[source]
        tx, ty, tw = centres[target]
        edge = etree.SubElement(
            plane, _q(BPMNDI_NS, "BPMNEdge"), id=f"{flow_id}_di", bpmnElement=flow_id
        )
        points = [(sx + sw, sy)]
        if sy != ty:
            middle = (sx + sw + tx - tw) / 2
            points += [(middle, sy), (middle, ty)]
        points.append((tx - tw, ty))
        for px, py in points:
            etree.SubElement(edge, _q(DI_NS, "waypoint"), x=str(int(px)), y=str(int(py)))
