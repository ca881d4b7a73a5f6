"""Every administrative decision on a case leaves one audit entry, in the act's transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction

from ecity.audit.models import AuditEntry
from ecity.cases import services
from ecity.cases.models import Case
from ecity.cases.tests.workbench_support import make_case, parallel_process

pytestmark = pytest.mark.django_db


@dataclass
class Act:
    """A decision ready to be taken: who takes it, on which case, and what the trail shows."""

    case: Case
    actor: Any
    run: Callable[[], object]
    action: str
    data: dict[str, object]


def _open(case, kind=None, department=None):
    tasks = case.tasks.filter(status__in=("open", "claimed"))
    if kind:
        tasks = tasks.filter(kind=kind)
    if department:
        tasks = tasks.filter(department__code=department)
    return tasks.get()


def _accepted(joint, *, reject_ends_case=True):
    parallel_process(joint, reject_ends_case=reject_ends_case)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)
    case.refresh_from_db()
    return case


def _reviewed(joint):
    case = _accepted(joint)
    for code, reviewer in (
        ("SCJ", joint.lead_reviewer),
        ("WJW", joint.health_reviewer),
        ("XFJ", joint.fire_reviewer),
    ):
        task = _open(case, "review", code)
        services.task_complete(actor=reviewer, task=task, outcome="approve", opinion="同意")
    return case


def accept(joint) -> Act:
    parallel_process(joint)
    case = make_case(joint)
    return Act(
        case,
        joint.clerk,
        lambda: services.case_accept(actor=joint.clerk, case=case),
        "case.accepted",
        {"department": "SCJ"},
    )


def refuse(joint) -> Act:
    case = make_case(joint)
    return Act(
        case,
        joint.clerk,
        lambda: services.case_refuse(actor=joint.clerk, case=case, reason="不属于本部门受理范围"),
        "case.refused",
        {"department": "SCJ"},
    )


def request_correction(joint) -> Act:
    case = make_case(joint)
    return Act(
        case,
        joint.clerk,
        lambda: services.correction_request(
            actor=joint.clerk, case=case, items=["请补充营业场所平面图"]
        ),
        "case.correction_requested",
        {"department": "SCJ"},
    )


def approve(joint) -> Act:
    case = _accepted(joint)
    task = _open(case, "review", "WJW")
    return Act(
        case,
        joint.health_reviewer,
        lambda: services.task_complete(
            actor=joint.health_reviewer, task=task, outcome="approve", opinion="同意"
        ),
        "case.approved",
        {"department": "WJW", "task_kind": "review", "outcome": "approve"},
    )


def reject(joint) -> Act:
    case = _accepted(joint, reject_ends_case=False)
    task = _open(case, "review", "XFJ")
    return Act(
        case,
        joint.fire_reviewer,
        lambda: services.task_complete(
            actor=joint.fire_reviewer, task=task, outcome="reject", opinion="消防通道不符合要求"
        ),
        "case.rejected",
        {"department": "XFJ", "task_kind": "review", "outcome": "reject"},
    )


def decide(joint) -> Act:
    case = _reviewed(joint)
    task = _open(case, "decide")
    return Act(
        case,
        joint.approver,
        lambda: services.case_decide(
            actor=joint.approver, task=task, outcome="approve", decision_text="准予许可"
        ),
        "case.decided",
        {"department": "SCJ", "task_kind": "decide", "outcome": "approved"},
    )


def extend(joint) -> Act:
    case = _accepted(joint)
    return Act(
        case,
        joint.approver,
        lambda: services.extension_grant(
            actor=joint.approver, case=case, working_days=5, reason="需要现场核查"
        ),
        "case.extended",
        {"department": "SCJ", "working_days": 5},
    )


def withdraw(joint) -> Act:
    case = make_case(joint)
    return Act(
        case,
        joint.citizen,
        lambda: services.case_withdraw(actor=joint.citizen, case=case, reason="不再需要"),
        "case.withdrawn",
        {"department": "SCJ"},
    )


def urge(joint) -> Act:
    case = _accepted(joint)
    return Act(
        case,
        joint.supervisor,
        lambda: services.case_urge(actor=joint.supervisor, case=case, note="请加快办理"),
        "case.urged",
        {"department": "SCJ"},
    )


ACTS = [accept, refuse, request_correction, approve, reject, decide, extend, withdraw, urge]


@pytest.mark.parametrize("prepare", ACTS, ids=lambda prepare: prepare.__name__)
def test_the_decision_leaves_exactly_one_audit_entry(joint, prepare):
    # given a case ready for the decision
    act = prepare(joint)

    # when the decision is taken
    act.run()

    # then exactly one entry records it: actor, the case as object, the applicant as subject
    (entry,) = AuditEntry.objects.filter(action=act.action)
    assert entry.actor_id == act.actor.pk
    assert entry.actor_username == act.actor.username
    assert (entry.object_type, entry.object_id, entry.object_repr) == (
        "cases.case",
        str(act.case.public_id),
        act.case.number,
    )
    assert entry.subject_id == joint.citizen.pk
    assert {key: entry.data[key] for key in act.data} == act.data
    # and it points at the timeline entry that holds the reasons and opinions (not copied)
    assert act.case.events.filter(public_id=entry.data["case_event"]).exists()
    assert set(entry.data) <= {"case_event", "department", "task_kind", "outcome", "working_days"}


@pytest.mark.parametrize("prepare", ACTS, ids=lambda prepare: prepare.__name__)
def test_a_rolled_back_decision_leaves_no_audit_entry(joint, prepare):
    # given a case ready for the decision
    act = prepare(joint)
    status = Case.objects.get(pk=act.case.pk).status

    # when the decision's transaction rolls back after the act
    with pytest.raises(RuntimeError), transaction.atomic():
        act.run()
        raise RuntimeError("the surrounding transaction fails")

    # then neither the act nor its audit entry remains
    assert not AuditEntry.objects.filter(action=act.action).exists()
    assert Case.objects.get(pk=act.case.pk).status == status


def test_a_review_that_ends_the_case_records_the_rejection_and_the_decision(joint):
    # given a process where one department's rejection ends the case
    case = _accepted(joint, reject_ends_case=True)
    task = _open(case, "review", "WJW")

    # when the health commission rejects
    services.task_complete(
        actor=joint.health_reviewer, task=task, outcome="reject", opinion="卫生条件不符合要求"
    )

    # then the trail holds both acts, each once, by the same reviewer
    entries = AuditEntry.objects.filter(action__startswith="case.").exclude(action="case.accepted")
    assert sorted(entries.values_list("action", "actor_id")) == [
        ("case.decided", joint.health_reviewer.pk),
        ("case.rejected", joint.health_reviewer.pk),
    ]
    assert entries.get(action="case.decided").data["outcome"] == "rejected"
