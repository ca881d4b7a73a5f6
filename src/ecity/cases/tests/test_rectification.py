"""Rectification of low ratings (差评整改): the department answers, the rater confirms, the
supervisors take what is not resolved; other departments can neither see nor answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ecity.audit.models import AuditEntry
from ecity.cases.models import Case, Rectification
from ecity.cases.selectors import ratings as selectors
from ecity.cases.services.rectification import (
    rectification_answer,
    rectification_confirm,
    rectification_supervise,
)
from ecity.cases.tests.rating_support import rated
from ecity.core.calendar import add_working_days
from ecity.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ecity.core.jobs import run_job
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory
from ecity.notify.selectors import notifications_about
from ecity.workflow.clocks import DeadlineState

pytestmark = pytest.mark.django_db


def _answer(joint, rating, text="经核查，已对窗口人员进行批评教育并优化取号流程。", **kwargs):
    return rectification_answer(actor=joint.lead_reviewer, rating=rating, answer=text, **kwargs)


def test_department_answers_and_the_rater_confirms_it_resolved(joint):
    # Given a 差评 being rectified by SCJ
    rating = rated(joint, 2, "排队太久")

    # When SCJ's reviewer answers the rater
    rectification = _answer(joint, rating)

    # Then the task is completed and the rater is asked to confirm
    assert (rectification.status, rectification.stage) == ("completed", "awaiting_confirmation")
    assert rectification.completed_by == joint.lead_reviewer
    (told,) = notifications_about(obj=rating.case).filter(event="rating_answered", channel="in_app")
    assert told.recipient == joint.citizen
    assert "优化取号流程" in told.body
    entry = AuditEntry.objects.get(action="rating.answered")
    assert (entry.actor, entry.object_id) == (joint.lead_reviewer, str(rating.public_id))
    assert entry.data["on_time"] is True

    # When the rater says it is resolved
    rectification = rectification_confirm(
        actor=joint.citizen, rating=rating, is_resolved=True, comment="谢谢"
    )

    # Then the rectification is over, and the rater's follow-up shows each step
    assert rectification.stage == "resolved" and rectification.closed_at is not None
    steps = selectors.rating_follow_ups(rating=rating, audience="rater")
    assert [s.kind for s in steps] == ["opened", "answered", "resolved"]
    assert steps[1].text.startswith("经核查")


def test_not_resolved_goes_to_the_supervisors_who_send_it_back(joint):
    rating = rated(joint, 1, "材料丢失")
    _answer(joint, rating)

    rectification = rectification_confirm(
        actor=joint.citizen, rating=rating, is_resolved=False, comment="问题没有解决"
    )

    assert rectification.stage == "unresolved"
    told = notifications_about(obj=rating.case).filter(event="rectification_unresolved")
    assert {n.recipient_id for n in told} == {joint.supervisor.pk}
    assert [r.pk for r in selectors.rating_supervision(actor=joint.supervisor).unresolved] == [
        rectification.pk
    ]

    # When the supervisor sends it back, another round starts with a new limit
    rectification = rectification_supervise(
        actor=joint.supervisor, rating=rating, decision="reopen", note="请当面回访申请人。"
    )
    assert (rectification.stage, rectification.status, rectification.round) == (
        "rectifying",
        "open",
        2,
    )
    assert rectification.completed_by is None and rectification.opinion == ""
    assert rectification.due_on == add_working_days(timezone.localdate(), 15)
    assert AuditEntry.objects.filter(action="rating.rectification_reopened").count() == 1
    # and the department answers again, the rater confirms
    _answer(joint, rating, "已当面回访并补发材料。")
    assert rectification_confirm(actor=joint.citizen, rating=rating, is_resolved=True).stage == (
        "resolved"
    )


def test_supervisor_closes_an_unresolved_rectification(joint):
    rating = rated(joint, 2)
    _answer(joint, rating)
    rectification_confirm(actor=joint.citizen, rating=rating, is_resolved=False)

    rectification = rectification_supervise(
        actor=joint.supervisor, rating=rating, decision="close", note="已依法依规答复，予以办结。"
    )

    assert rectification.stage == "closed"
    kinds = [s.kind for s in selectors.rating_follow_ups(rating=rating, audience="rater")]
    assert kinds[-1] == "closed"


def test_another_department_can_neither_see_nor_answer_a_rectification(joint):
    rating = rated(joint, 1)

    # The health commission's reviewer: not in its queue, not visible, not answerable
    assert (
        selectors.rectification_queue(actor=joint.health_reviewer, stage="rectifying").count() == 0
    )
    assert selectors.rectification_queue_count(actor=joint.health_reviewer) == 0
    with pytest.raises(NotFound):
        selectors.rating_get_for_staff(actor=joint.health_reviewer, public_id=rating.public_id)
    with pytest.raises(PermissionDenied):
        rectification_answer(actor=joint.health_reviewer, rating=rating, answer="越权答复")
    # SCJ's reviewer sees it in the queue and may answer
    assert list(selectors.rectification_queue(actor=joint.lead_reviewer, stage="rectifying")) == [
        rating.rectification
    ]
    view = selectors.rating_get_for_staff(actor=joint.lead_reviewer, public_id=rating.public_id)
    assert view.can_answer and view.can_appeal and not view.can_decide_appeal
    rating.rectification.refresh_from_db()
    assert rating.rectification.stage == "rectifying"


def test_the_right_is_checked_before_the_stage(joint):
    # An answered rectification: a stranger learns nothing about its stage (403, not 409)
    rating = rated(joint, 2)
    _answer(joint, rating)

    with pytest.raises(PermissionDenied):
        rectification_answer(actor=joint.health_reviewer, rating=rating, answer="再答一次")
    with pytest.raises(Conflict):
        _answer(joint, rating, "再答一次")


def test_a_stale_answer_form_is_refused(joint):
    rating = rated(joint, 2)
    version = rating.rectification.lock_version
    _answer(joint, rating, expected_version=version)

    other = StaffRoleFactory(department=joint.lead, role="reviewer").user
    with pytest.raises(Conflict):
        rectification_answer(actor=other, rating=rating, answer="重复", expected_version=version)


def test_answer_is_required(joint):
    rating = rated(joint, 2)
    with pytest.raises(ValidationFailed) as caught:
        _answer(joint, rating, "   ")
    assert "answer" in caught.value.fields


def test_only_the_rater_confirms_and_only_after_an_answer(joint):
    rating = rated(joint, 2)
    with pytest.raises(Conflict):
        rectification_confirm(actor=joint.citizen, rating=rating, is_resolved=True)
    _answer(joint, rating)
    with pytest.raises(NotFound):
        rectification_confirm(actor=joint.lead_reviewer, rating=rating, is_resolved=True)


def test_only_supervisors_of_the_department_decide_an_unresolved_rectification(joint):
    rating = rated(joint, 2)
    _answer(joint, rating)
    health_supervisor = StaffRoleFactory(department=joint.health, role="supervisor").user

    with pytest.raises(PermissionDenied):
        rectification_supervise(
            actor=health_supervisor, rating=rating, decision="close", note="越权"
        )
    with pytest.raises(Conflict):  # the rater has not answered yet
        rectification_supervise(actor=joint.supervisor, rating=rating, decision="close", note="x")


def test_walk_in_rater_cannot_confirm_so_the_answer_closes_it(joint):
    # (rated by the joint citizen; the case then has no account, as a walk-in's case has none)
    rating = rated(joint, 2)
    Case.objects.filter(pk=rating.case_id).update(applicant=None)
    rating.case.refresh_from_db()

    assert _answer(joint, rating).stage == "closed"


def test_overdue_rectifications_appear_in_supervision(joint, settings):
    # Given a 差评 rated 30 days ago whose rectification was never answered, and a fresh one
    settings.ECITY_SUPERVISION_DEPARTMENT_CODE = "ZWB"
    office = DepartmentFactory(code="ZWB")
    office_supervisor = StaffRoleFactory(department=office, role="supervisor").user
    late = rated(joint, 1).rectification
    fresh = rated(joint, 2).rectification
    started = timezone.localdate() - dt.timedelta(days=30)
    Rectification.objects.filter(pk=late.pk).update(
        started_on=started, due_on=add_working_days(started, 15)
    )

    # When the periodic deadline job runs
    report = run_job("workflow.deadlines")

    # Then the late one is overdue and listed for the department's and the office's supervisors
    assert "1 rectifications changed" in report.split("; ")
    late.refresh_from_db()
    fresh.refresh_from_db()
    assert late.deadline_state == DeadlineState.OVERDUE
    assert fresh.deadline_state == DeadlineState.NORMAL
    for supervisor in (joint.supervisor, office_supervisor):
        assert [r.pk for r in selectors.rating_supervision(actor=supervisor).overdue] == [late.pk]
    health_supervisor = StaffRoleFactory(department=joint.health, role="supervisor").user
    assert selectors.rating_supervision(actor=health_supervisor).overdue == []
    assert selectors.rating_supervision(actor=joint.lead_reviewer) is None
