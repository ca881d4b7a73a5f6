"""Processes built from a simple description are valid BPMN that modellers can open."""

from __future__ import annotations

import pytest
from lxml import etree

from ecity.cases.tests.process_support import in_english  # noqa: F401
from ecity.workflow.bpmn import ReviewStep, process_build, process_validate
from ecity.workflow.bpmn.bpmnxml import BPMN_NS, BPMNDI_NS

pytestmark = pytest.mark.django_db

NS = {"bpmn": BPMN_NS, "bpmndi": BPMNDI_NS}


def test_built_joint_process_round_trips_through_validation(joint):
    xml = process_build(
        lead_department="SCJ",
        review_steps=[ReviewStep("WJW"), ReviewStep("XFJ"), ReviewStep("SCJ")],
        name="食品经营许可并联审批",
    )

    spec = process_validate(xml)

    assert [(t.department_code, t.role, t.kind) for t in spec.tasks.values()] == [
        ("SCJ", "counter_clerk", "accept"),
        ("WJW", "reviewer", "review"),
        ("XFJ", "reviewer", "review"),
        ("SCJ", "reviewer", "review"),
        ("SCJ", "approver", "decide"),
    ]
    assert spec.max_parallel_branches == 3
    assert spec.name == "食品经营许可并联审批"


def test_built_process_has_one_lane_per_department_and_role():
    xml = process_build(
        lead_department="SCJ",
        review_steps=[ReviewStep("WJW"), ReviewStep("XFJ", role="approver")],
        decision_role="department_admin",
        name="P",
    )
    root = etree.fromstring(xml.encode())

    lanes = [lane.get("name") for lane in root.iterfind(".//bpmn:lane", NS)]

    assert lanes == ["SCJ:counter_clerk", "WJW:reviewer", "XFJ:approver", "SCJ:department_admin"]


def test_built_process_has_diagram_shapes_for_every_element():
    xml = process_build(
        lead_department="SCJ", review_steps=[ReviewStep("WJW"), ReviewStep("XFJ")], name="P"
    )
    root = etree.fromstring(xml.encode())
    process = root.find("bpmn:process", NS)
    element_ids = {
        e.get("id") for e in process if etree.QName(e).localname not in {"laneSet", "sequenceFlow"}
    }
    flow_ids = {e.get("id") for e in process.iterfind("bpmn:sequenceFlow", NS)}

    shapes = {s.get("bpmnElement") for s in root.iterfind(".//bpmndi:BPMNShape", NS)}
    edges = {s.get("bpmnElement") for s in root.iterfind(".//bpmndi:BPMNEdge", NS)}

    assert element_ids <= shapes
    assert {"Participant", "Lane_1", "Lane_2", "Lane_3"} <= shapes
    assert edges == flow_ids


@pytest.mark.parametrize("count", [0, 1])
def test_without_parallel_reviews_there_is_no_gateway(joint, count):
    xml = process_build(
        lead_department="SCJ", review_steps=[ReviewStep("WJW")] * count, name="Simple"
    )

    spec = process_validate(xml)

    assert "parallelGateway" not in xml
    assert [t.kind for t in spec.tasks.values()] == ["accept", *["review"] * count, "decide"]


def test_department_names_make_task_names():
    xml = process_build(
        lead_department="SCJ",
        review_steps=[ReviewStep("WJW")],
        name="P",
        department_names={"WJW": "市卫生健康委员会"},
    )

    assert 'name="Review by 市卫生健康委员会"' in xml


def test_names_are_escaped_not_injected():
    xml = process_build(
        lead_department="SCJ",
        review_steps=[ReviewStep("WJW")],
        name='"/><bpmn:scriptTask id="x"/>',
        department_names={"WJW": "<script>"},
    )

    assert "<bpmn:scriptTask" not in xml
    assert "&lt;script&gt;" in xml


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lead_department": 'SCJ"/>'},
        {"lead_department": "SCJ", "decision_role": "emperor"},
        {"lead_department": "SCJ", "review_steps": [ReviewStep("W J W")]},
        {"lead_department": "SCJ", "review_steps": [ReviewStep("WJW")] * 11},
    ],
)
def test_malformed_descriptions_raise_value_error(kwargs):
    kwargs = {"review_steps": [], "name": "P", **kwargs}

    with pytest.raises(ValueError):
        process_build(**kwargs)
