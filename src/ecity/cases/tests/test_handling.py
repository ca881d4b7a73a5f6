"""Staff handling: acceptance, parallel approval, rejection, correction, decision, copies."""

import datetime as dt

import pytest
from django.utils import timezone

from ecity.cases import services
from ecity.cases.models import Case, CaseCopy, CaseEvent, CorrectionRequest, DecisionDocument
from ecity.cases.services.handling import correction_resume_tasks
from ecity.cases.tests.workbench_support import make_case, parallel_process
from ecity.core.calendar import add_working_days
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.testing.events import events_deliver_all

pytestmark = pytest.mark.django_db


def _open(case, kind=None):
    tasks = case.tasks.filter(status__in=("open", "claimed")).select_related("department")
    if kind:
        tasks = tasks.filter(kind=kind)
    return list(tasks.order_by("department__code"))


def _notifications(event, **filters):
    from ecity.notify.models import Notification

    return Notification.objects.filter(event=event, **filters)


def _review(joint, case, department_code, outcome="approve", opinion="同意"):
    reviewer = {
        "SCJ": joint.lead_reviewer,
        "WJW": joint.health_reviewer,
        "XFJ": joint.fire_reviewer,
    }
    task = next(t for t in _open(case, "review") if t.department.code == department_code)
    return services.task_complete(
        actor=reviewer[department_code],
        task=task,
        outcome=outcome,
        opinion=opinion,
        expected_version=task.lock_version,
    )


def test_parallel_approval_opens_every_review_and_waits_for_all(joint):
    # Given a joint process (SCJ, WJW, XFJ review in parallel) and a submitted case
    parallel_process(joint)
    case = make_case(joint)

    # When the counter clerk accepts it
    services.case_accept(actor=joint.clerk, case=case)

    # Then the three reviews are open at once and the deadlines are set from today
    case.refresh_from_db()
    today = timezone.localdate()
    assert case.status == Case.Status.IN_PROGRESS
    assert case.committed_due_on == add_working_days(today, 10)
    assert case.statutory_due_on == add_working_days(today, 20)
    assert [t.department.code for t in _open(case, "review")] == ["SCJ", "WJW", "XFJ"]
    assert case.tasks.get(kind="accept").completed_by == joint.clerk
    assert _notifications("case_accepted", recipient=joint.citizen).count() >= 1

    # When two departments approve, the case still waits for the third
    _review(joint, case, "SCJ")
    _review(joint, case, "WJW")
    assert [t.department.code for t in _open(case)] == ["XFJ"]

    # When the third approves, the decision task lands in the approvers' queue
    _review(joint, case, "XFJ")
    (decide,) = _open(case)
    assert (decide.kind, decide.role, decide.department) == ("decide", "approver", joint.lead)

    # When the approver decides
    services.case_decide(
        actor=joint.approver, task=decide, outcome="approve", decision_text="准予许可"
    )

    # Then the case is closed approved, with the decision document (written by the handler of
    # case.decided once the event is delivered) and the applicant told
    events_deliver_all()
    case.refresh_from_db()
    assert case.status == Case.Status.APPROVED
    assert case.decided_at is not None
    assert case.handling_working_days == 0
    assert case.decision_text == "准予许可"
    assert not _open(case)
    assert DecisionDocument.objects.filter(case=case).count() == 1
    assert _notifications("case_approved", recipient=joint.citizen).count() >= 1
    actions = list(case.events.values_list("action", flat=True))
    assert actions.count("approved") == 3
    assert actions[-1] in ("decided", "certificate_issued")


def test_rejection_by_one_department_ends_the_case_when_the_process_says_so(joint):
    parallel_process(joint, reject_ends_case=True)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)

    _review(joint, case, "WJW", outcome="reject", opinion="卫生条件不符合要求")

    case.refresh_from_db()
    assert case.status == Case.Status.REJECTED
    assert case.decision_text == "卫生条件不符合要求"
    assert case.tasks.filter(status="cancelled").count() == 2
    assert not _open(case)
    assert _notifications("case_rejected", recipient=joint.citizen).count() >= 1


def test_rejection_does_not_end_the_case_when_the_process_says_not_to(joint):
    parallel_process(joint, reject_ends_case=False)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)

    _review(joint, case, "WJW", outcome="reject", opinion="需整改")
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    _review(joint, case, "SCJ")
    _review(joint, case, "XFJ")

    (decide,) = _open(case)
    assert decide.kind == "decide"
    with pytest.raises(ValidationFailed) as error:
        services.case_decide(actor=joint.approver, task=decide, outcome="reject")
    assert "decision_text" in error.value.fields
    services.case_decide(
        actor=joint.approver, task=decide, outcome="reject", decision_text="不予许可"
    )
    case.refresh_from_db()
    assert case.status == Case.Status.REJECTED


def test_reject_needs_an_opinion(joint):
    parallel_process(joint)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)

    with pytest.raises(ValidationFailed) as error:
        _review(joint, case, "WJW", outcome="reject", opinion="  ")

    assert "opinion" in error.value.fields
    assert len(_open(case, "review")) == 3


def test_default_process_when_the_version_has_none(joint):
    case = make_case(joint)

    services.case_accept(actor=joint.clerk, case=case)

    case.refresh_from_db()
    (review,) = _open(case)
    assert (review.kind, review.department, review.role) == ("review", joint.lead, "reviewer")
    assert case.process is not None and not case.process.is_active


def test_accepting_twice_is_a_conflict(joint):
    parallel_process(joint)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)

    with pytest.raises(Conflict):
        services.case_accept(actor=joint.clerk, case=case)
    assert case.tasks.filter(kind="review").count() == 3


def test_a_health_reviewer_cannot_accept(joint):
    case = make_case(joint)

    with pytest.raises(PermissionDenied):
        services.case_accept(actor=joint.health_reviewer, case=case)
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED


def test_a_reviewer_of_another_department_cannot_complete_the_task(joint):
    parallel_process(joint)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)
    task = next(t for t in _open(case) if t.department == joint.health)

    with pytest.raises(PermissionDenied):
        services.task_complete(actor=joint.fire_reviewer, task=task, outcome="approve")


def test_refusal_needs_a_reason_and_closes_the_case(joint):
    case = make_case(joint)

    with pytest.raises(ValidationFailed) as error:
        services.case_refuse(actor=joint.clerk, case=case, reason=" ")
    assert list(error.value.fields) == ["reason"]

    services.case_refuse(actor=joint.clerk, case=case, reason="不属于本机关职权范围")
    case.refresh_from_db()
    assert case.status == Case.Status.REFUSED
    assert case.events.get(action="refused").note == "不属于本机关职权范围"
    assert _notifications("case_refused", recipient=joint.citizen).count() >= 1


def test_claim_release_and_someone_else_cannot_claim(joint):
    parallel_process(joint)
    other = joint.lead_reviewer.__class__.objects.create(username="scj-reviewer-2")
    from ecity.org.models import StaffRole

    StaffRole.objects.create(user=other, department=joint.lead, role="reviewer")
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)
    task = next(t for t in _open(case) if t.department == joint.lead)

    services.task_claim(actor=joint.lead_reviewer, task=task, expected_version=task.lock_version)
    with pytest.raises(Conflict):
        services.task_claim(actor=other, task=task)
    with pytest.raises(Conflict):
        services.task_complete(actor=other, task=task, outcome="approve")
    with pytest.raises(PermissionDenied):
        services.task_release(actor=other, task=task)
    services.task_release(actor=joint.lead_reviewer, task=task)
    task.refresh_from_db()
    assert (task.status, task.claimed_by) == ("open", None)
    assert list(case.events.filter(task=task).values_list("action", flat=True)) == [
        "task_claimed",
        "task_released",
    ]


def test_stale_version_is_a_conflict_and_changes_nothing(joint):
    parallel_process(joint)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)
    task = next(t for t in _open(case) if t.department == joint.health)
    stale = task.lock_version
    services.task_complete(
        actor=joint.health_reviewer, task=task, outcome="approve", expected_version=stale
    )
    events = CaseEvent.objects.filter(case=case).count()

    with pytest.raises(Conflict) as error:
        services.task_complete(
            actor=joint.health_reviewer,
            task=task,
            outcome="reject",
            opinion="x",
            expected_version=stale,
        )

    assert "handled" in str(error.value.message) or "处理" in str(error.value.message)
    assert CaseEvent.objects.filter(case=case).count() == events
    task.refresh_from_db()
    assert task.outcome == "approve"


def test_correction_stops_the_clock_and_the_task_resumes(joint):
    # Given an accepted case whose health review asks for a correction
    parallel_process(joint)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)
    task = next(t for t in _open(case) if t.department == joint.health)

    with pytest.raises(ValidationFailed):
        services.correction_request(actor=joint.health_reviewer, case=case, task=task, items=[])
    services.correction_request(
        actor=joint.health_reviewer,
        case=case,
        task=task,
        items=[{"material": "平面图", "message": "请提供清晰的营业场所平面图"}],
        note="一次性告知",
    )

    # Then the case waits, its clock is stopped and the applicant gets the list
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_CORRECTION
    assert case.deadline_state == Case.DeadlineState.SUSPENDED
    assert case.clock_suspended_on == timezone.localdate()
    correction = CorrectionRequest.objects.get(case=case)
    assert correction.items == [{"material": "平面图", "message": "请提供清晰的营业场所平面图"}]
    notice = _notifications("correction_requested", recipient=joint.citizen).first()
    assert notice is not None
    with pytest.raises(Conflict):
        services.task_complete(actor=joint.health_reviewer, task=task, outcome="approve")

    # When the correction arrives three working days later
    from ecity.cases.deadlines import case_clock_resume

    committed = case.committed_due_on
    stopped = add_working_days(timezone.localdate(), -5)
    Case.objects.filter(pk=case.pk).update(clock_suspended_on=stopped)
    case.refresh_from_db()
    (resumed,) = correction_resume_tasks(case)
    case_clock_resume(case, on=add_working_days(stopped, 3))

    # Then the same task is open again and the deadlines moved by three working days
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert resumed.pk == task.pk
    assert case.suspended_working_days == 3
    assert case.committed_due_on == add_working_days(committed, 3)
    services.task_complete(actor=joint.health_reviewer, task=resumed, outcome="approve")


def test_correction_before_acceptance_by_the_counter_clerk(joint):
    case = make_case(joint, acceptance_due_on=add_working_days(timezone.localdate(), 5))

    services.correction_request(actor=joint.clerk, case=case, items=["身份证复印件不清晰"])
    correction_resume_tasks(case)

    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED
    assert CorrectionRequest.objects.get(case=case).items == [{"message": "身份证复印件不清晰"}]


def test_copy_to_related_departments(joint):
    case = make_case(joint)

    copies = services.case_copy_to(
        actor=joint.clerk, case=case, departments=[joint.fire, joint.lead]
    )
    again = services.case_copy_to(actor=joint.clerk, case=case, departments=[joint.fire])

    assert [c.department for c in copies] == [joint.fire]
    assert again == []
    assert CaseCopy.objects.filter(case=case).count() == 1
    with pytest.raises(PermissionDenied):
        services.case_copy_to(actor=joint.health_reviewer, case=case, departments=[joint.fire])


def test_extension_moves_the_statutory_deadline_and_needs_an_approver(joint):
    parallel_process(joint)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)
    case.refresh_from_db()
    committed, statutory = case.committed_due_on, case.statutory_due_on

    with pytest.raises(PermissionDenied):
        services.extension_grant(actor=joint.clerk, case=case, working_days=5, reason="现场核查")
    with pytest.raises(ValidationFailed) as error:
        services.extension_grant(actor=joint.approver, case=case, working_days=0, reason="")
    assert set(error.value.fields) == {"working_days", "reason"}
    extension = services.extension_grant(
        actor=joint.approver, case=case, working_days=5, reason="需要现场核查"
    )

    case.refresh_from_db()
    assert extension.approved_by == joint.approver
    assert case.committed_due_on == committed
    assert case.statutory_due_on == add_working_days(statutory, 5)
    assert case.events.filter(action="extended").count() == 1


def test_an_extension_tells_the_applicant_its_reason_and_the_new_deadline(joint):
    # Given an accepted case of a citizen with an account
    parallel_process(joint)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)

    # When the approver extends it by five working days
    services.extension_grant(
        actor=joint.approver, case=case, working_days=5, reason="需要组织专家现场核查"
    )

    # Then the applicant is told, in Chinese, why and until when
    case.refresh_from_db()
    message = _notifications("case_extended", recipient=joint.citizen, channel="in_app").get()
    new_deadline = case.statutory_due_on
    assert "需要组织专家现场核查" in message.body
    assert f"{new_deadline.year}年{new_deadline.month}月{new_deadline.day}日" in message.body
    assert "5" in message.body
    assert case.number in message.subject
    assert message.link_path == f"/cases/{case.number}/"
    sms = _notifications("case_extended", channel="sms").get()
    assert f"{new_deadline.year}年{new_deadline.month}月{new_deadline.day}日" in sms.body


def test_urge_records_an_internal_event_and_notifies_the_holders(joint):
    parallel_process(joint)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)
    health_task = next(t for t in _open(case) if t.department == joint.health)
    services.task_claim(actor=joint.health_reviewer, task=health_task)

    with pytest.raises(PermissionDenied):
        services.case_urge(actor=joint.fire_reviewer, case=case, note="请加快")
    event = services.case_urge(actor=joint.supervisor, case=case, note="请加快办理")

    assert (event.action, event.is_public, event.note) == ("urged", False, "请加快办理")
    urged = set(_notifications("case_urged").values_list("recipient_id", flat=True))
    assert urged == {joint.lead_reviewer.pk, joint.health_reviewer.pk, joint.fire_reviewer.pk}
    assert _notifications("case_urged", recipient=joint.citizen).count() == 0


def test_decided_case_gets_handling_time_without_the_stopped_clock(joint):
    parallel_process(joint)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)
    accepted = timezone.localdate() - dt.timedelta(days=14)
    Case.objects.filter(pk=case.pk).update(
        accepted_at=timezone.now() - dt.timedelta(days=14), suspended_working_days=2
    )
    for code in ("SCJ", "WJW", "XFJ"):
        _review(joint, case, code)
    (decide,) = _open(case)
    services.case_decide(actor=joint.approver, task=decide, outcome="approve")

    case.refresh_from_db()
    from ecity.core.calendar import working_days_between

    assert case.handling_working_days == working_days_between(accepted, timezone.localdate()) - 2
