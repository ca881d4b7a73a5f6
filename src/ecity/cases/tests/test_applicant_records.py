"""The case applicant snapshot references the base-registry record (issue 9).

Every submission path sets the reference: online (the account's person record, or the
legal-entity record of the enterprise acted for), counter walk-in (the person with that ID
number, never created), joint applications and their member cases. The snapshot stays as
submitted; the reviewer sees the record (masked as elsewhere) and the read is audited.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecity.audit.models import AuditEntry
from ecity.cases.models import Case
from ecity.cases.tests.joint_support import submit_joint
from ecity.cases.tests.submission_support import identity_of, submit
from ecity.cases.tests.test_joint_counter import WALK_IN, WALK_IN_ID, bundle, counter_submit
from ecity.identity.models import AgentAuthorisation
from ecity.identity.tests.factories import (
    AgentAuthorisationFactory,
    LegalEntityFactory,
    id_number_for,
)
from ecity.registry.models import LegalEntityRecord, Person

pytestmark = pytest.mark.django_db

__all__ = ["bundle"]  # the joint bundle fixture, used below

WALK_IN_COUNTER = {"name": "李大爷", "id_number": id_number_for(77), "phone": "13700001111"}


def _person_of(user, **values):
    values.setdefault("name", user.real_name)
    return Person.objects.create(id_number=user.id_number, account=user, **values)


def _enterprise_agent():
    entity = LegalEntityFactory(name="示范餐饮有限公司", verified=True)
    agent = AgentAuthorisationFactory(
        legal_entity=entity, role=AgentAuthorisation.Role.AGENT, user__is_real_name_verified=True
    ).user
    return entity, agent, identity_of(agent, {"ecity_acting_as": str(entity.public_id)})


# --- every submission path sets the reference -------------------------------------------------


def test_an_online_citizen_case_references_the_person_record_of_their_account(joint):
    # given the citizen's account is linked to their person record
    record = _person_of(joint.citizen)

    # when they apply online
    case = submit(joint)

    # then the case references that record, and no legal-entity record
    assert (case.applicant_person, case.applicant_legal_entity) == (record, None)
    case.refresh_from_db()
    assert case.applicant_person_id == record.pk


def test_an_online_case_of_an_account_without_a_record_references_nothing(joint):
    # a record with the same ID number that is not linked to the account is not "theirs"
    Person.objects.create(id_number=joint.citizen.id_number, name="同号")

    case = submit(joint)

    assert (case.applicant_person_id, case.applicant_legal_entity_id) == (None, None)


def test_acting_for_an_enterprise_references_its_legal_entity_record(joint):
    # given an agent acting for an enterprise whose account is linked to its registry record
    entity, agent, identity = _enterprise_agent()
    _person_of(agent)  # the agent's own person record is not the applicant's
    record = LegalEntityRecord.objects.create(uscc=entity.uscc, name=entity.name, enterprise=entity)

    # when the agent applies for the enterprise
    case = submit(joint, user=agent, session_identity=identity)

    # then the case references the enterprise's record, not the agent's person record
    assert case.applicant_legal_entity == record
    assert case.applicant_person is None
    assert (case.applicant_name, case.applicant_identifier) == ("示范餐饮有限公司", entity.uscc)


def test_a_counter_walk_in_with_a_registry_record_references_it(joint):
    # given the walk-in applicant's ID number is in the person registry (no account)
    record = Person.objects.create(id_number=WALK_IN_COUNTER["id_number"], name="李大爷")

    # when the clerk submits for them
    case = submit(joint, user=joint.clerk, session_identity=None, on_behalf_of=WALK_IN_COUNTER)

    # then the case references the record found by the ID number
    assert case.channel == Case.Channel.COUNTER
    assert case.applicant_person == record and case.applicant_legal_entity is None


def test_a_counter_walk_in_without_a_record_stays_empty_and_no_record_is_created(joint):
    # given someone else is in the registry, but not the walk-in applicant
    Person.objects.create(id_number=id_number_for(78), name="别人")

    # when the clerk submits for the walk-in applicant
    case = submit(joint, user=joint.clerk, session_identity=None, on_behalf_of=WALK_IN_COUNTER)

    # then the reference stays empty and no person record was created silently
    case.refresh_from_db()
    assert case.applicant_person_id is None and case.applicant_legal_entity_id is None
    assert list(Person.objects.values_list("name", flat=True)) == ["别人"]


def test_a_joint_application_and_each_member_case_reference_the_person_record(bundle):
    record = _person_of(bundle.citizen)

    application = submit_joint(bundle.joint, bundle.citizen)

    application.refresh_from_db()
    assert application.applicant_person == record
    cases = [link.case for link in application.links.select_related("case")]
    assert len(cases) == 3
    assert {case.applicant_person_id for case in cases} == {record.pk}
    assert {case.applicant_legal_entity_id for case in cases} == {None}


def test_a_joint_counter_walk_in_references_the_record_and_one_without_stays_empty(bundle):
    # given the walk-in applicant is in the registry
    record = Person.objects.create(id_number=WALK_IN_ID, name=WALK_IN["name"])

    application = counter_submit(bundle, bundle.clerk)

    assert application.applicant_person == record
    assert {link.case.applicant_person_id for link in application.links.all()} == {record.pk}

    # and another walk-in applicant, not in the registry, gets no reference and no record
    other = {**WALK_IN, "id_number": id_number_for(62)}
    second = counter_submit(bundle, bundle.clerk, on_behalf_of=other)
    assert second.applicant_person is None
    assert {link.case.applicant_person_id for link in second.links.all()} == {None}
    assert Person.objects.count() == 1


def test_the_snapshot_stays_as_submitted_when_the_record_changes(joint):
    record = _person_of(joint.citizen, name="王小明")
    case = submit(joint)
    submitted_name = case.applicant_name

    Person.objects.filter(pk=record.pk).update(name="王晓明")

    case.refresh_from_db()
    assert case.applicant_name == submitted_name
    assert case.applicant_person.name == "王晓明"


# --- the reviewer sees the record; the read is audited ------------------------------------------


def test_the_reviewer_sees_the_registry_record_and_opening_it_is_audited(client, joint):
    # given a submitted case of a citizen with a person record (address in it)
    record = _person_of(joint.citizen, address="示范市东城区幸福路1号")
    case = submit(joint)
    client.force_login(joint.clerk)

    # when the lead clerk opens the case page and follows the record's link
    page = client.get(reverse("cases:workbench_case", args=[case.number]))
    url = reverse("cases:workbench_applicant_record", args=[case.number])
    opened = client.get(url)

    # then the page shows "基础库记录" with the person registry and a link to the record
    assert page.status_code == 200
    body = page.content.decode()
    assert "基础库记录" in body and "人口库" in body and url in body
    # and the case read names the record summary among the fields shown
    read = AuditEntry.objects.get(action="case.read", object_id=str(case.public_id))
    assert "applicant_record" in read.fields
    # and the record page shows the record (the clerk handles the case: unmasked)
    assert opened.status_code == 200
    text = opened.content.decode()
    assert "示范市东城区幸福路1号" in text and record.id_number in text
    entry = AuditEntry.objects.get(action="case_applicant_record.read")
    assert (entry.actor, entry.subject) == (joint.clerk, joint.citizen)
    assert entry.object_id == str(record.public_id)
    assert entry.data == {"case": case.number, "registry": "person"}


def test_a_read_only_viewer_sees_the_record_masked(client, joint):
    record = _person_of(joint.citizen, address="示范市东城区幸福路1号")
    case = submit(joint)
    client.force_login(joint.supervisor)

    page = client.get(reverse("cases:workbench_case", args=[case.number]))
    opened = client.get(reverse("cases:workbench_applicant_record", args=[case.number]))

    assert page.status_code == 200 and opened.status_code == 200
    for response in (page, opened):
        assert record.id_number not in response.content.decode()
    assert record.id_number_masked in opened.content.decode()
    assert "示范市东城区幸福路1号" not in opened.content.decode()
    assert AuditEntry.objects.filter(
        action="case_applicant_record.read", actor=joint.supervisor
    ).exists()


def test_a_case_without_a_record_says_so_and_has_no_record_page(client, joint):
    case = submit(joint)
    client.force_login(joint.clerk)

    page = client.get(reverse("cases:workbench_case", args=[case.number]))
    opened = client.get(reverse("cases:workbench_applicant_record", args=[case.number]))

    assert page.status_code == 200
    assert "基础库中没有申请人的记录" in page.content.decode()
    assert opened.status_code == 404
    assert not AuditEntry.objects.filter(action="case_applicant_record.read").exists()


def test_staff_who_may_not_see_the_case_cannot_open_its_applicant_record(client, joint):
    from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory
    from ecity.org.models import StaffRole

    _person_of(joint.citizen)
    case = submit(joint)
    outsider = StaffRoleFactory(
        department=DepartmentFactory(code="JTW"), role=StaffRole.Role.REVIEWER
    ).user
    client.force_login(outsider)

    opened = client.get(reverse("cases:workbench_applicant_record", args=[case.number]))

    assert opened.status_code == 404
    assert not AuditEntry.objects.filter(action="case_applicant_record.read").exists()


def test_the_staff_api_exposes_the_record_reference_not_its_data(api_client, joint):
    entity, agent, identity = _enterprise_agent()
    record = LegalEntityRecord.objects.create(
        uscc=entity.uscc,
        name=entity.name,
        enterprise=entity,
        legal_representative_name="李四",
        legal_representative_id_number=id_number_for(90),
    )
    enterprise_case = submit(joint, user=agent, session_identity=identity)
    person = _person_of(joint.citizen)
    citizen_case = submit(joint)
    walk_in_case = submit(
        joint, user=joint.clerk, session_identity=None, on_behalf_of=WALK_IN_COUNTER
    )
    api_client.force_authenticate(joint.clerk)

    bodies = [
        api_client.get(f"/api/v1/cases/workbench/cases/{c.number}/")
        for c in (enterprise_case, citizen_case, walk_in_case)
    ]

    assert [b.status_code for b in bodies] == [200, 200, 200]
    assert bodies[0].json()["applicant_record"] == {
        "registry": "legal_entity",
        "id": str(record.public_id),
    }
    assert bodies[1].json()["applicant_record"] == {
        "registry": "person",
        "id": str(person.public_id),
    }
    assert bodies[2].json()["applicant_record"] is None
    assert id_number_for(90) not in bodies[0].content.decode()
