"""Each case factory builds a row that passes the model's validation, as the services leave it."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from ecity.cases.models import Case, CorrectionRequest
from ecity.cases.numbers import case_number_scope
from ecity.cases.tests.factories import (
    PDF_BYTES,
    AttachmentFactory,
    CaseEventFactory,
    CaseFactory,
    CaseTaskFactory,
    CorrectionRequestFactory,
    RatingFactory,
)
from ecity.core.sequences import sequence_last
from ecity.identity.tests.factories import LegalEntityFactory

pytestmark = pytest.mark.django_db

NUMBER_RE = re.compile(r"^\d{4}-[A-Za-z0-9]+-\d{6}$")


def test_a_factory_case_is_a_valid_submitted_case_numbered_from_the_core_sequence():
    case = CaseFactory()

    case.full_clean()
    assert case.status == Case.Status.SUBMITTED
    assert NUMBER_RE.match(case.number)
    year = timezone.localdate().year
    assert case.number == f"{year}-{case.department.code}-000001"
    scope = case_number_scope(department_code=case.department.code, year=year)
    assert sequence_last(scope=scope) == 1
    assert case.applicant_identifier == case.applicant.id_number
    assert case.accepted_at is None and case.decided_at is None


def test_two_factory_cases_of_one_department_take_consecutive_numbers():
    first = CaseFactory()
    second = CaseFactory(service_version=first.service_version)

    assert first.number.endswith("-000001")
    assert second.number.endswith("-000002")


@pytest.mark.parametrize(
    ("trait", "status", "is_closed"),
    [
        ("in_progress", Case.Status.IN_PROGRESS, False),
        ("awaiting_correction", Case.Status.AWAITING_CORRECTION, False),
        ("approved", Case.Status.APPROVED, True),
        ("rejected", Case.Status.REJECTED, True),
        ("refused", Case.Status.REFUSED, True),
        ("withdrawn", Case.Status.WITHDRAWN, True),
    ],
)
def test_each_status_trait_builds_a_valid_case_in_that_status(trait, status, is_closed):
    case = CaseFactory(**{trait: True})

    case.full_clean()
    assert case.status == status
    assert case.is_closed is is_closed
    assert (case.decided_at is not None) is is_closed


def test_a_case_awaiting_correction_has_its_open_request_and_a_stopped_clock():
    case = CaseFactory(awaiting_correction=True)

    request = CorrectionRequest.objects.get(case=case)
    request.full_clean()
    assert request.resolved_at is None
    assert case.clock_suspended_on == request.suspended_on == timezone.localdate()


def test_an_enterprise_case_names_the_enterprise():
    entity = LegalEntityFactory(name="示范餐饮有限公司")
    case = CaseFactory(legal_entity=entity)

    case.full_clean()
    assert case.applicant_kind == Case.ApplicantKind.ENTERPRISE
    assert case.applicant_name == "示范餐饮有限公司"
    assert case.applicant_identifier == entity.uscc


def test_task_event_correction_rating_and_attachment_factories_build_valid_rows():
    task = CaseTaskFactory()
    event = CaseEventFactory()
    correction = CorrectionRequestFactory()
    rating = RatingFactory()
    attachment = AttachmentFactory()

    for row in (task, event, correction, rating, attachment):
        row.full_clean()
    assert task.case.status == Case.Status.IN_PROGRESS
    assert task.department == task.case.department and task.role == "reviewer"
    assert event.actor == event.case.applicant
    assert correction.case.status == Case.Status.AWAITING_CORRECTION
    assert CorrectionRequest.objects.filter(case=correction.case).count() == 1
    assert rating.case.status == Case.Status.APPROVED
    assert attachment.material.version == attachment.case.service_version
    with attachment.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES
    assert attachment.size == len(PDF_BYTES)
