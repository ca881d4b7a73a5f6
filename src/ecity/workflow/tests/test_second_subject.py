"""A second subject type (a test-only errand) gets a process, a worklist and a clock from
workflow alone: nothing here imports a domain app."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ecity.core.calendar import calendar_seed
from ecity.core.errors import Conflict, PermissionDenied
from ecity.core.jobs import run_job
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory
from ecity.org.models import StaffRole
from ecity.workflow.bpmn import ReviewStep, WorkflowEngine, process_build, process_validate
from ecity.workflow.clocks import (
    DeadlineState,
    deadline_conditions,
    deadline_states_refresh,
    due_on,
)
from ecity.workflow.models import ProcessDefinition, owner_ref_for
from ecity.workflow.registry import subject_register, subject_unregister
from ecity.workflow.selectors import process_definition_active
from ecity.workflow.services import process_definition_make_active, process_definition_store
from ecity.workflow.tests.errands.models import Errand, ErrandItem
from ecity.workflow.timers import process_timers_fire
from ecity.workflow.worklist import (
    work_item_check_actionable,
    work_item_claim,
    work_item_finish,
    work_item_lock,
    work_item_release,
    work_items_cancel,
    work_items_sync,
)

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    calendar_seed()
    lead = DepartmentFactory(code="SCJ")
    health = DepartmentFactory(code="WJW")
    staff = {
        "clerk": StaffRoleFactory(department=lead, role=StaffRole.Role.COUNTER_CLERK).user,
        "other_clerk": StaffRoleFactory(department=lead, role=StaffRole.Role.COUNTER_CLERK).user,
        "lead_reviewer": StaffRoleFactory(department=lead, role=StaffRole.Role.REVIEWER).user,
        "health_reviewer": StaffRoleFactory(department=health, role=StaffRole.Role.REVIEWER).user,
        "health_admin": StaffRoleFactory(
            department=health, role=StaffRole.Role.DEPARTMENT_ADMIN
        ).user,
    }
    return lead, health, staff


def _store(owner, xml: str, *, name: str = "errand process") -> ProcessDefinition:
    return process_definition_store(
        owner_ref=owner_ref_for(owner),
        xml=xml,
        spec=process_validate(xml),
        name=name,
        source=ProcessDefinition.Source.BUILT,
        description={},
        reject_ends_case=True,
        created_by=None,
    )


def _start(errand: Errand, definition: ProcessDefinition) -> list[ErrandItem]:
    errand.process = definition
    errand.workflow_state = WorkflowEngine().start(definition=definition, data={})
    errand.save()
    return _sync(errand)


def _sync(errand: Errand) -> list[ErrandItem]:
    return work_items_sync(
        model=ErrandItem,
        subject={"errand": errand},
        state=errand.workflow_state,
        default_department=errand.department,
    )


def _complete(errand: Errand, item: ErrandItem, actor, outcome: str = "approve") -> None:
    with transaction.atomic():
        item = work_item_lock(item)
        work_item_check_actionable(item, actor, None, subject_open=errand.is_open)
        errand.workflow_state = WorkflowEngine().complete(
            errand.workflow_state, task_id=item.spiff_task_id, data={"outcome": outcome}
        )
        work_item_finish(item, actor=actor, outcome=outcome, opinion="ok")
        errand.save()
        _sync(errand)


def test_an_errand_owns_one_active_process(office):
    # Given an errand and two processes stored for it one after the other
    lead, _health, _staff = office
    errand = Errand.objects.create(title="路灯报修", department=lead)
    xml = process_build(lead_department="SCJ", review_steps=[ReviewStep("WJW")], name="v")
    first = _store(errand, xml, name="v1")
    second = _store(errand, xml, name="v2")

    # Then only the latest is active, and making the first active again swaps them
    assert process_definition_active(owner_ref=owner_ref_for(errand)) == second
    process_definition_make_active(definition=first)
    assert process_definition_active(owner_ref=owner_ref_for(errand)) == first
    second.refresh_from_db()
    assert not second.is_active
    assert first.owner_ref == f"workflow_errands.errand:{errand.public_id}"


def test_work_items_follow_the_process_claim_release_and_complete(office):
    # Given an errand whose process is: SCJ accepts, SCJ and WJW review in parallel, SCJ decides
    lead, _health, staff = office
    errand = Errand.objects.create(title="占道经营投诉", department=lead)
    xml = process_build(
        lead_department="SCJ", review_steps=[ReviewStep("SCJ"), ReviewStep("WJW")], name="errand"
    )
    (accept,) = _start(errand, _store(errand, xml))
    assert (accept.department, accept.role, accept.status) == (lead, "counter_clerk", "open")

    # When a reviewer (without the clerk role) claims the acceptance: refused, nothing changes
    with pytest.raises(PermissionDenied), transaction.atomic():
        work_item_claim(
            item=work_item_lock(accept), actor=staff["lead_reviewer"], subject_open=True
        )
    accept.refresh_from_db()
    assert (accept.status, accept.lock_version) == ("open", 0)

    # When the clerk claims it: claimed, one write; claiming again changes nothing
    with transaction.atomic():
        assert work_item_claim(item=work_item_lock(accept), actor=staff["clerk"], subject_open=True)
    with transaction.atomic():
        again = work_item_claim(
            item=work_item_lock(accept), actor=staff["clerk"], subject_open=True
        )
    assert again is False
    accept.refresh_from_db()
    assert (accept.status, accept.claimed_by, accept.lock_version) == ("claimed", staff["clerk"], 1)

    # Then another clerk can neither claim it, nor release it, nor use a stale version
    with pytest.raises(Conflict), transaction.atomic():
        work_item_claim(item=work_item_lock(accept), actor=staff["other_clerk"], subject_open=True)
    with pytest.raises(PermissionDenied), transaction.atomic():
        work_item_release(item=work_item_lock(accept), actor=staff["other_clerk"])
    with pytest.raises(Conflict), transaction.atomic():
        work_item_release(item=work_item_lock(accept), actor=staff["clerk"], expected_version=0)

    # When the holder releases it and claims it again, then completes it
    with transaction.atomic():
        work_item_release(item=work_item_lock(accept), actor=staff["clerk"], expected_version=1)
    accept.refresh_from_db()
    assert (accept.status, accept.claimed_by, accept.lock_version) == ("open", None, 2)
    _complete(errand, accept, staff["clerk"], outcome="accept")

    # Then the acceptance is completed (claimed by whoever completed it) and both reviews are open
    accept.refresh_from_db()
    assert (accept.status, accept.outcome, accept.claimed_by) == (
        "completed",
        "accept",
        staff["clerk"],
    )
    reviews = {i.department.code: i for i in errand.items.filter(status="open")}
    assert sorted(reviews) == ["SCJ", "WJW"]
    assert {i.role for i in reviews.values()} == {"reviewer"}

    # And a WJW reviewer cannot complete the SCJ review, nor anything once the errand is closed
    with pytest.raises(PermissionDenied), transaction.atomic():
        item = work_item_lock(reviews["SCJ"])
        work_item_check_actionable(item, staff["health_reviewer"], None, subject_open=True)
    with pytest.raises(Conflict), transaction.atomic():
        item = work_item_lock(reviews["WJW"])
        work_item_check_actionable(item, staff["health_reviewer"], None, subject_open=False)

    # When both review, the decision opens; when the errand is withdrawn, it is cancelled
    _complete(errand, reviews["SCJ"], staff["lead_reviewer"])
    assert errand.items.filter(status="open").count() == 1  # the decision waits for WJW
    _complete(errand, reviews["WJW"], staff["health_reviewer"])
    (decision,) = errand.items.filter(status="open")
    assert (decision.department, decision.role) == (lead, "approver")
    work_items_cancel(errand.items.filter(status__in=["open", "claimed"]))
    decision.refresh_from_db()
    assert (decision.status, decision.lock_version) == ("cancelled", 1)


def test_department_admin_may_release_a_claimed_item_of_their_department(office):
    lead, _health, staff = office
    errand = Errand.objects.create(title="餐饮油烟", department=lead)
    xml = process_build(lead_department="SCJ", review_steps=[ReviewStep("WJW")], name="e")
    (accept,) = _start(errand, _store(errand, xml))
    _complete(errand, accept, staff["clerk"], outcome="accept")
    (review,) = errand.items.filter(status="open")
    with transaction.atomic():
        work_item_claim(
            item=work_item_lock(review), actor=staff["health_reviewer"], subject_open=True
        )

    with transaction.atomic():
        released = work_item_release(item=work_item_lock(review), actor=staff["health_admin"])

    assert (released.status, released.claimed_by) == ("open", None)


def _errands_refresh(today: dt.date) -> int:
    running = Errand.objects.filter(is_open=True)
    conditions = {
        DeadlineState.SUSPENDED: Q(clock_suspended_on__isnull=False),
        **{
            state: Q(clock_suspended_on__isnull=True) & condition
            for state, condition in deadline_conditions(due_fields=["due_on"], today=today).items()
        },
    }
    return deadline_states_refresh(running, conditions=conditions)


@pytest.fixture
def errands_registered():
    def advanced(errand: Errand, state: dict) -> None:
        errand.workflow_state = state
        errand.lock_version += 1
        errand.save()
        _sync(errand)

    def fire(now: dt.datetime) -> int:
        return process_timers_fire(
            model=Errand, running=Q(is_open=True), now=now, advanced=advanced
        )

    subject_register("errands", refresh_deadlines=_errands_refresh, fire_timers=fire)
    yield
    subject_unregister("errands")


def test_the_deadline_job_refreshes_a_registered_subject(office, errands_registered):
    # Given errands started long ago, recently and with a stopped clock, and a closed one
    lead, _health, _staff = office
    today = timezone.localdate()

    def errand(started: dt.date, **fields) -> Errand:
        due = due_on(started, 5)
        return Errand.objects.create(title="e", department=lead, due_on=due, **fields)

    late = errand(today - timedelta(days=60))
    fresh = errand(today)
    stopped = errand(today - timedelta(days=60), clock_suspended_on=today)
    closed = errand(today - timedelta(days=60), is_open=False)

    # When the periodic workflow job runs
    report = run_job("workflow.deadlines")

    # Then each running errand has its state; the closed one is left alone
    assert "2 errands changed" in report.split("; ")
    states = dict(Errand.objects.values_list("pk", "deadline_state"))
    assert states[late.pk] == DeadlineState.OVERDUE
    assert states[fresh.pk] == DeadlineState.NORMAL
    assert states[stopped.pk] == DeadlineState.SUSPENDED
    assert states[closed.pk] == DeadlineState.NORMAL
    # And a second run changes nothing
    assert "0 errands changed" in run_job("workflow.deadlines").split("; ")


def test_the_timer_job_fires_due_timers_of_a_registered_subject(office, errands_registered):
    # Given an errand whose review escalates after one hour (a boundary timer)
    lead, _health, staff = office
    xml = (Path(__file__).parent / "bpmn" / "timers.bpmn").read_text(encoding="utf-8")
    errand = Errand.objects.create(title="井盖缺失", department=lead)
    (accept,) = _start(errand, _store(errand, xml))
    _complete(errand, accept, staff["clerk"], outcome="accept")
    (review,) = errand.items.filter(status="open")
    assert review.spec_name == "Review"

    # When the job runs before the hour is up, nothing happens
    assert "timers fired on 0 errands" in run_job("workflow.timers").split("; ")

    # When it runs two hours later
    fired = process_timers_fire(
        model=Errand,
        running=Q(is_open=True),
        now=timezone.now() + timedelta(hours=2),
        advanced=lambda subject, state: (
            setattr(subject, "workflow_state", state),
            subject.save(),
            _sync(subject),
        ),
    )

    # Then the review was cancelled by the timer and the five-day waiting period runs
    assert fired == 1
    review.refresh_from_db()
    assert review.status == "cancelled"
    assert not errand.items.filter(status="open").exists()
