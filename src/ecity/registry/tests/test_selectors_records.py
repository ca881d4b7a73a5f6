"""Reading the base registries: audited person lookups, history, conflicts per department."""

from __future__ import annotations

import pytest
from django.utils import translation

from ecity.audit.models import AuditEntry
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.identity.tests.factories import (
    DepartmentFactory,
    StaffRoleFactory,
    UserFactory,
    id_number_for,
    uscc_for,
)
from ecity.registry import attributes as attrs
from ecity.registry.attributes import value_shown
from ecity.registry.selectors.records import (
    conflict_list,
    legal_entity_record_get_by_uscc,
    person_find_by_id_number,
    record_history,
)
from ecity.registry.services.records import legal_entity_record_write, person_write
from ecity.registry.tests.factories import DataElementFactory

pytestmark = pytest.mark.django_db

ID_NUMBER = id_number_for(311)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def police():
    department = DepartmentFactory(code="GA", name_zh="市公安局")
    DataElementFactory(identifier=attrs.DE_MOBILE, authority=department)
    return department


@pytest.fixture
def person(police):
    return person_write(
        actor=StaffRoleFactory(department=police, role="department_admin").user,
        department=police,
        source="counter",
        id_number=ID_NUMBER,
        values={"name": "王小明", "phone": "13900000001"},
    ).record


def test_a_person_lookup_by_staff_is_audited_with_its_purpose(person):
    reviewer = StaffRoleFactory(role="reviewer").user

    found = person_find_by_id_number(
        actor=reviewer, id_number=f" {ID_NUMBER[:6]} {ID_NUMBER[6:]} ", purpose="核验申请人身份"
    )

    assert found == person
    entry = AuditEntry.objects.get(action="personal_data.read")
    assert (entry.actor, entry.reason, entry.object_id) == (
        reviewer,
        "核验申请人身份",
        str(person.public_id),
    )
    assert "id_number" in entry.fields


def test_a_person_lookup_needs_a_purpose_and_a_staff_role(person):
    reviewer = StaffRoleFactory(role="reviewer").user
    citizen = UserFactory()

    with pytest.raises(ValidationFailed) as raised:
        person_find_by_id_number(actor=reviewer, id_number=ID_NUMBER, purpose="  ")
    with pytest.raises(PermissionDenied):
        person_find_by_id_number(actor=citizen, id_number=ID_NUMBER, purpose="curious")

    assert set(raised.value.fields) == {"purpose"}
    assert not AuditEntry.objects.filter(action="personal_data.read").exists()


def test_a_lookup_of_an_unknown_number_is_audited_too(person):
    reviewer = StaffRoleFactory(role="reviewer").user

    found = person_find_by_id_number(
        actor=reviewer, id_number=id_number_for(399), purpose="核验申请人身份"
    )

    assert found is None
    assert AuditEntry.objects.get(action="personal_data.read").data["found"] is False


def test_history_lists_versions_newest_first_with_personal_values_masked(police, person):
    person_write(
        actor=StaffRoleFactory(department=police, role="counter_clerk").user,
        department=police,
        source="exchange",
        id_number=ID_NUMBER,
        values={"phone": "13900000002"},
    )
    reviewer = StaffRoleFactory(role="reviewer").user

    history = list(record_history(actor=reviewer, record=person))

    assert [(c.version, c.attribute) for c in history] == [
        (2, "phone"),
        (1, "id_number"),
        (1, "name"),
        (1, "phone"),
    ]
    newest = history[0]
    shown = [
        value_shown(kind="person", attribute="phone", text=t)
        for t in (newest.old_value, newest.new_value)
    ]
    assert shown == ["139****0001", "139****0002"]
    assert value_shown(kind="person", attribute="name", text="王小明") == "王**"
    with pytest.raises(PermissionDenied):
        record_history(actor=UserFactory(), record=person)


def test_conflicts_are_listed_for_both_departments_and_nobody_else(police, person):
    civil_affairs = DepartmentFactory(code="MZ")
    person_write(
        actor=StaffRoleFactory(department=civil_affairs, role="counter_clerk").user,
        department=civil_affairs,
        source="form",
        id_number=ID_NUMBER,
        values={"phone": "13900000009"},
    )
    police_admin = StaffRoleFactory(department=police, role="department_admin").user
    civil_admin = StaffRoleFactory(department=civil_affairs, role="department_admin").user
    outsider = StaffRoleFactory(role="department_admin").user

    for_police = list(conflict_list(actor=police_admin, department=police))
    for_civil = list(conflict_list(actor=civil_admin, department=civil_affairs))
    with pytest.raises(PermissionDenied):
        conflict_list(actor=outsider, department=police)

    assert for_police == for_civil
    assert [(c.attribute, c.proposed_value) for c in for_police] == [("phone", "13900000009")]
    assert list(conflict_list(actor=police_admin, department=police, status="resolved")) == []


def test_a_legal_entity_is_found_by_its_uscc_as_typed(police):
    market = DepartmentFactory(code="SC")
    legal_entity_record_write(
        actor=StaffRoleFactory(department=market, role="department_admin").user,
        department=market,
        source="import",
        uscc=uscc_for(511),
        values={"name": "示范商贸有限公司"},
    )

    found = legal_entity_record_get_by_uscc(uscc=f" {uscc_for(511).lower()} ")

    assert found is not None and found.name == "示范商贸有限公司"
    assert legal_entity_record_get_by_uscc(uscc=uscc_for(512)) is None
