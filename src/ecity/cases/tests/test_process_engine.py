"""Running processes: parallel reviews, conditions, serialized state and timers."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from ecity.cases.tests.process_support import bpmn_file, in_english, stored_definition  # noqa: F401
from ecity.workflow.bpmn import (
    ProcessStepFailed,
    ReviewStep,
    TaskNotReady,
    WorkflowEngine,
    WorkflowStateInvalid,
    process_build,
    runtime,
)
from ecity.workflow.bpmn.runtime import SPEC_CACHE

pytestmark = pytest.mark.django_db

FORM = {"applicant_name": "王小明", "shop_name": "小明面馆", "area": 30}


@pytest.fixture
def engine():
    return WorkflowEngine()


@pytest.fixture
def joint_process(joint):
    return stored_definition(joint, bpmn_file("joint_lanes"), process_id="food_licence")


def names(tasks):
    return sorted(t.spec_name for t in tasks)


def complete(engine, state, spec_name, **data):
    task = next(t for t in engine.ready_tasks(state) if t.spec_name == spec_name)
    return engine.complete(state, task_id=task.id, data=data or {"outcome": "approve"})


def test_start_opens_the_acceptance_task(engine, joint_process):
    state = engine.start(definition=joint_process, data=FORM)

    (task,) = engine.ready_tasks(state)
    assert (task.spec_name, task.name, task.department_code, task.role, task.kind) == (
        "Accept",
        "受理",
        "SCJ",
        "counter_clerk",
        "accept",
    )
    assert not engine.is_finished(state)


def test_parallel_reviews_open_together_and_decision_waits_for_all(engine, joint_process):
    state = engine.start(definition=joint_process, data=FORM)

    state = complete(engine, state, "Accept", outcome="accept")
    reviews = engine.ready_tasks(state)
    assert names(reviews) == ["ReviewFire", "ReviewHealth", "ReviewMarket"]
    assert {(t.department_code, t.kind) for t in reviews} == {
        ("SCJ", "review"),
        ("WJW", "review"),
        ("XFJ", "review"),
    }

    state = complete(engine, state, "ReviewHealth")
    state = complete(engine, state, "ReviewMarket")
    assert names(engine.ready_tasks(state)) == ["ReviewFire"]

    state = complete(engine, state, "ReviewFire")
    (decide,) = engine.ready_tasks(state)
    assert (decide.spec_name, decide.kind, decide.role) == ("Decide", "decide", "approver")

    state = complete(engine, state, "Decide", outcome="approve")
    assert engine.ready_tasks(state) == []
    assert engine.is_finished(state)


def test_completing_a_task_that_is_not_ready_is_a_conflict(engine, joint_process):
    state = engine.start(definition=joint_process, data=FORM)
    accept = engine.ready_tasks(state)[0]
    after = engine.complete(state, task_id=accept.id, data={"outcome": "accept"})

    with pytest.raises(TaskNotReady) as caught:
        engine.complete(after, task_id=accept.id, data={})
    assert caught.value.status_code == 409
    with pytest.raises(TaskNotReady):
        engine.complete(after, task_id="not-a-uuid", data={})
    decide_future = next(
        task_id
        for task_id, task in after["workflow"]["tasks"].items()
        if task["task_spec"] == "Decide"
    )
    with pytest.raises(TaskNotReady):
        engine.complete(after, task_id=decide_future, data={})


def test_caller_state_is_never_modified(engine, joint_process):
    state = engine.start(definition=joint_process, data=FORM)
    snapshot = json.dumps(state, sort_keys=True)

    complete(engine, state, "Accept")
    engine.cancel(state)

    assert json.dumps(state, sort_keys=True) == snapshot


def test_exclusive_gateway_follows_the_form_data(engine, joint):
    definition = stored_definition(joint, bpmn_file("conditional"), process_id="by_area")

    big = engine.start(definition=definition, data={**FORM, "area": 800})
    small = engine.start(definition=definition, data={**FORM, "area": 80})
    unknown = engine.start(definition=definition, data={"shop_name": "x"})

    assert names(engine.ready_tasks(complete(engine, big, "Accept"))) == ["ReviewFire"]
    assert names(engine.ready_tasks(complete(engine, small, "Accept"))) == ["ReviewHealth"]
    # A missing field makes the comparison false: the default flow is taken.
    assert names(engine.ready_tasks(complete(engine, unknown, "Accept"))) == ["ReviewHealth"]


def test_condition_that_cannot_be_evaluated_stops_the_step_not_the_case(engine, joint):
    xml = bpmn_file("conditional").replace("area &gt;= 500", "area / 0 &gt;= 500")
    definition = stored_definition(joint, xml, process_id="by_area")
    state = engine.start(definition=definition, data=FORM)

    with pytest.raises(ProcessStepFailed, match="Division by zero"):
        complete(engine, state, "Accept")
    assert names(engine.ready_tasks(state)) == ["Accept"]


def test_state_round_trips_through_json_and_a_fresh_engine(joint_process):
    state = WorkflowEngine().start(definition=joint_process, data=FORM)
    state = complete(WorkflowEngine(), state, "Accept", outcome="accept")

    stored = json.loads(json.dumps(state))
    SPEC_CACHE.clear()  # as in another worker process: the spec is loaded from the database
    fresh = WorkflowEngine()

    assert names(fresh.ready_tasks(stored)) == ["ReviewFire", "ReviewHealth", "ReviewMarket"]
    for name in ("ReviewFire", "ReviewHealth", "ReviewMarket"):
        stored = json.loads(json.dumps(complete(fresh, stored, name)))
    assert names(fresh.ready_tasks(stored)) == ["Decide"]
    assert fresh.workflow_data(stored) == {**FORM, "outcome": "approve"}


def test_changed_definition_invalidates_running_state(engine, joint_process):
    state = engine.start(definition=joint_process, data=FORM)
    joint_process.bpmn_xml = joint_process.bpmn_xml.replace("受理", "受理（新）")
    joint_process.save()
    SPEC_CACHE.clear()

    with pytest.raises(WorkflowStateInvalid):
        engine.ready_tasks(state)
    with pytest.raises(WorkflowStateInvalid):
        engine.ready_tasks({"format": "something else"})


def test_cancel_ends_the_process(engine, joint_process):
    state = complete(engine, engine.start(definition=joint_process, data=FORM), "Accept")

    cancelled = engine.cancel(state)

    assert engine.ready_tasks(cancelled) == []
    assert engine.is_finished(cancelled)
    assert not engine.is_finished(state)


def test_completion_data_reaches_the_process_data(engine, joint_process):
    state = engine.start(definition=joint_process, data=FORM)
    state = complete(engine, state, "Accept", outcome="accept", opinion="材料齐全")

    assert engine.workflow_data(state) == {**FORM, "outcome": "accept", "opinion": "材料齐全"}


def test_data_must_be_plain_json(engine, joint_process):
    from ecity.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        engine.start(definition=joint_process, data={"when": timezone.now()})


def test_boundary_timer_escalates_and_intermediate_timer_waits(engine, joint):
    definition = stored_definition(joint, bpmn_file("timers"), process_id="with_timers")
    state = complete(engine, engine.start(definition=definition, data=FORM), "Accept")
    now = timezone.now()

    assert names(engine.ready_tasks(state)) == ["Review"]
    (timer,) = engine.pending_timers(state)
    assert timer.spec_name == "ReviewTimeout"
    assert now + timedelta(minutes=59) < timer.due_at <= now + timedelta(hours=1, seconds=5)
    assert engine.due_timers(state, now) == []
    assert engine.fire_timers(state, now) is state  # nothing due: unchanged

    later = now + timedelta(hours=2)
    assert [t.spec_name for t in engine.due_timers(state, later)] == ["ReviewTimeout"]
    state = engine.fire_timers(state, later)

    # The review was cancelled by the interrupting timer; the five-day publicity period runs.
    assert engine.ready_tasks(state) == []
    (publicity,) = engine.pending_timers(state)
    assert publicity.spec_name == "Publicity"
    assert engine.due_timers(state, later) == []

    state = engine.fire_timers(state, now + timedelta(days=6))
    assert names(engine.ready_tasks(state)) == ["Decide"]
    assert engine.pending_timers(state) == []


def test_review_in_time_cancels_its_boundary_timer(engine, joint):
    definition = stored_definition(joint, bpmn_file("timers"), process_id="with_timers")
    state = complete(engine, engine.start(definition=definition, data=FORM), "Accept")

    state = complete(engine, state, "Review")

    assert [t.spec_name for t in engine.pending_timers(state)] == ["Publicity"]


def test_a_process_is_parsed_once_however_many_cases_run_it(engine, joint, monkeypatch):
    # Parsing and validating a BPMN document is the slow part (~15 ms); running a case must not
    # repeat it. Speed itself is measured in benchmarks/, not asserted here.
    xml = process_build(
        lead_department="SCJ",
        review_steps=[ReviewStep("WJW"), ReviewStep("XFJ"), ReviewStep("SCJ")],
        name="P",
    )
    definition = stored_definition(joint, xml, process_id="Process")
    SPEC_CACHE.clear()
    parsed = []
    real_validate = runtime.process_validate
    monkeypatch.setattr(
        runtime, "process_validate", lambda *a, **k: parsed.append(1) or real_validate(*a, **k)
    )

    for _ in range(5):
        state = engine.start(definition=definition, data=FORM)
        for _step in range(3):  # accept; three reviews; decide
            for task in engine.ready_tasks(state):
                state = engine.complete(state, task_id=task.id, data={"outcome": "approve"})
        assert engine.is_finished(state)

    assert len(parsed) == 1
