"""Answering a correction request (补正): validation, clock resumption, task, event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ecity.cases.models import Case, CaseEvent, CaseTask
from ecity.cases.selectors.materials import material_key
from ecity.cases.services.submission import correction_submit
from ecity.cases.tests.factories import CaseTaskFactory, CorrectionRequestFactory
from ecity.cases.tests.submission_support import PNG_BYTES, form_data, submit, upload
from ecity.core.calendar import add_working_days
from ecity.core.errors import Conflict, NotFound, ValidationFailed
from ecity.identity.tests.factories import UserFactory
from ecity.notify.selectors import notifications_about

pytestmark = pytest.mark.django_db


def awaiting_correction(joint, *, stopped_days_ago: int = 3):
    """A case accepted earlier whose reviewer asked for a correction (made with the factories)."""
    case = submit(joint)
    today = timezone.localdate()
    stopped = today - dt.timedelta(days=stopped_days_ago)
    accepted = stopped - dt.timedelta(days=7)
    task = CaseTaskFactory(
        case=case,
        spec_name="review_SCJ",
        name="审查",
        status=CaseTask.Status.CLAIMED,
        claimed_by=joint.lead_reviewer,
    )
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.AWAITING_CORRECTION,
        accepted_at=timezone.now() - dt.timedelta(days=10),
        committed_due_on=add_working_days(accepted, 10),
        statutory_due_on=add_working_days(accepted, 20),
        clock_suspended_on=stopped,
        deadline_state=Case.DeadlineState.SUSPENDED,
    )
    CorrectionRequestFactory(
        case=case,
        task=task,
        requested_by=joint.lead_reviewer,
        items=[{"field": "area", "message": "面积与平面图不符"}],
        suspended_on=stopped,
    )
    case.refresh_from_db()
    return case, task


def test_correction_resumes_the_case(joint):
    case, task = awaiting_correction(joint)
    due_before = case.committed_due_on

    correction_submit(
        actor=joint.citizen,
        case=case,
        form_data=form_data(area=42),
        attachments={material_key(joint.optional_material): upload("委托书.pdf")},
    )

    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert case.form_data["area"] == 42
    assert case.clock_suspended_on is None
    assert case.deadline_state != Case.DeadlineState.SUSPENDED
    assert case.committed_due_on >= due_before
    correction = case.corrections.get()
    assert correction.resolved_at is not None and correction.resumed_on == timezone.localdate()
    assert case.attachments.count() == 2
    assert case.events.filter(action=CaseEvent.Action.CORRECTED).count() == 1
    assert notifications_about(obj=case).filter(event="case_corrected").exists()
    task.refresh_from_db()
    assert task.status in (CaseTask.Status.OPEN, CaseTask.Status.CLAIMED)


def test_new_file_for_a_material_keeps_the_old_one_on_record(joint):
    case, _task = awaiting_correction(joint)

    correction_submit(
        actor=joint.citizen,
        case=case,
        form_data=form_data(),
        attachments={material_key(joint.mandatory_material): upload("new.png", PNG_BYTES)},
    )

    names = list(case.attachments.order_by("created_at").values_list("original_name", flat=True))
    assert names == ["plan.pdf", "new.png"]


def test_correction_is_validated_again_all_errors_together(joint):
    case, _task = awaiting_correction(joint)

    with pytest.raises(ValidationFailed) as caught:
        correction_submit(
            actor=joint.citizen,
            case=case,
            form_data=form_data(area=-1, phone="1"),
            attachments={material_key(joint.optional_material): upload("x.png", PNG_BYTES)},
        )

    assert set(caught.value.fields) == {"area", "phone", material_key(joint.optional_material)}
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_CORRECTION


def test_correction_needs_the_awaiting_correction_status(joint):
    case = submit(joint)
    with pytest.raises(Conflict):
        correction_submit(actor=joint.citizen, case=case, form_data=form_data())


def test_only_the_applicant_corrects(joint):
    case, _task = awaiting_correction(joint)
    with pytest.raises(NotFound):
        correction_submit(
            actor=UserFactory(is_real_name_verified=True), case=case, form_data=form_data()
        )
