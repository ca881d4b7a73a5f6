"""Applicant reads: own cases per identity, timelines, and who may download a file."""

from __future__ import annotations

import pytest

from ecity.cases.models import CaseCopy, CaseEvent
from ecity.cases.selectors.applicant import (
    attachment_get_for_download,
    case_get_for_applicant,
    case_list_for_applicant,
    case_timeline,
)
from ecity.cases.tests.factories import CaseTaskFactory
from ecity.cases.tests.submission_support import identity_of, submit
from ecity.core.errors import NotFound
from ecity.identity.tests.factories import (
    AgentAuthorisationFactory,
    DepartmentFactory,
    LegalEntityFactory,
    StaffRoleFactory,
    UserFactory,
)
from ecity.org.models import StaffRole

pytestmark = pytest.mark.django_db


def test_citizen_sees_own_cases_not_enterprise_ones(joint):
    own = submit(joint)
    entity = LegalEntityFactory(verified=True)
    AgentAuthorisationFactory(legal_entity=entity, user=joint.citizen)
    as_entity = identity_of(joint.citizen, {"ecity_acting_as": str(entity.public_id)})
    for_entity = submit(joint, session_identity=as_entity)
    submit(joint, user=UserFactory(is_real_name_verified=True))

    mine = case_list_for_applicant(user=joint.citizen, identity=identity_of(joint.citizen))
    theirs = case_list_for_applicant(user=joint.citizen, identity=as_entity)

    assert list(mine) == [own]
    assert list(theirs) == [for_entity]


def test_other_peoples_case_is_not_found(joint):
    case = submit(joint)
    stranger = UserFactory(is_real_name_verified=True)
    with pytest.raises(NotFound):
        case_get_for_applicant(user=stranger, identity=identity_of(stranger), number=case.number)
    found = case_get_for_applicant(
        user=joint.citizen, identity=identity_of(joint.citizen), number=case.number
    )
    assert found == case


def test_applicant_timeline_hides_internal_events(joint):
    case = submit(joint)
    CaseEvent.objects.create(case=case, action="urged", is_public=False, note="快点")

    assert [e.action for e in case_timeline(case=case)] == ["submitted"]
    assert [e.action for e in case_timeline(case=case, audience="staff")] == ["submitted", "urged"]


def _download(user, attachment):
    return attachment_get_for_download(user=user, attachment_public_id=attachment.public_id)


def test_applicant_and_lead_department_staff_may_download(joint):
    case = submit(joint)
    attachment = case.attachments.get()

    assert _download(joint.citizen, attachment) == attachment
    assert _download(joint.lead_reviewer, attachment) == attachment
    assert _download(joint.clerk, attachment) == attachment


def test_other_citizen_and_uninvolved_staff_get_not_found(joint):
    case = submit(joint)
    attachment = case.attachments.get()
    for user in (UserFactory(is_real_name_verified=True), joint.health_reviewer):
        with pytest.raises(NotFound):
            _download(user, attachment)


def test_reviewer_of_a_department_with_a_task_or_a_copy_may_download(joint):
    case = submit(joint)
    attachment = case.attachments.get()
    CaseTaskFactory(case=case, department=joint.health)
    CaseCopy.objects.create(case=case, department=joint.fire)

    assert _download(joint.health_reviewer, attachment) == attachment
    assert _download(joint.fire_reviewer, attachment) == attachment


def test_staff_of_a_parent_department_may_download(joint):
    parent = DepartmentFactory(code="PARENT")
    joint.lead.parent = parent
    joint.lead.save()
    boss = StaffRoleFactory(department=parent, role=StaffRole.Role.SUPERVISOR).user
    attachment = submit(joint).attachments.get()

    assert _download(boss, attachment) == attachment


def test_wrong_case_number_in_the_url_is_not_found(joint):
    attachment = submit(joint).attachments.get()
    other = submit(joint, user=UserFactory(is_real_name_verified=True))
    with pytest.raises(NotFound):
        attachment_get_for_download(
            user=joint.citizen, attachment_public_id=attachment.public_id, number=other.number
        )
