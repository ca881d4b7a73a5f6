"""Writing persons and legal entities: validation, one data one source, change log, conflicts."""

from __future__ import annotations

import pytest
from django.utils import translation

from ecity.audit.models import AuditEntry
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.core.models import OutboxEvent
from ecity.identity.tests.factories import (
    DepartmentFactory,
    StaffRoleFactory,
    UserFactory,
    id_number_for,
    uscc_for,
)
from ecity.registry import attributes as attrs
from ecity.registry.models import (
    LegalEntityRecord,
    Person,
    RecordAttribute,
    RecordChange,
    RecordConflict,
)
from ecity.registry.services.records import legal_entity_record_write, person_write
from ecity.registry.tests.factories import CodeListFactory, CodeValueFactory, DataElementFactory

pytestmark = pytest.mark.django_db

ID_NUMBER = id_number_for(301)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def police():
    """The public security bureau: the authority for persons' data elements."""
    department = DepartmentFactory(code="GA", name_zh="市公安局")
    for identifier in (
        attrs.DE_ID_NUMBER,
        attrs.DE_PERSON_NAME,
        attrs.DE_ADDRESS,
        attrs.DE_MOBILE,
        attrs.DE_BIRTH_DATE,
    ):
        DataElementFactory(identifier=identifier, authority=department)
    return department


@pytest.fixture
def market():
    """Market regulation: the authority for legal entities' data elements."""
    department = DepartmentFactory(code="SC", name_zh="市市场监管局")
    for identifier in (attrs.DE_USCC, attrs.DE_ENTITY_NAME, attrs.DE_LEGAL_REPRESENTATIVE):
        DataElementFactory(identifier=identifier, authority=department)
    return department


@pytest.fixture
def civil_affairs():
    return DepartmentFactory(code="MZ", name_zh="市民政局")


def _writer(department, role="department_admin"):
    return StaffRoleFactory(department=department, role=role).user


def test_the_authority_creates_a_person_with_authoritative_values_and_version_1(police):
    officer = _writer(police)

    result = person_write(
        actor=officer,
        department=police,
        source="counter",
        source_reference="窗口受理 2026-001",
        id_number=ID_NUMBER.lower(),
        values={"name": "王小明", "phone": "+86 139 0000 0001", "birth_on": "1990-05-17"},
    )

    person = Person.objects.get()
    assert result.is_created and person == result.record
    assert (person.id_number, person.name, person.phone, person.version) == (
        ID_NUMBER,
        "王小明",
        "13900000001",
        1,
    )
    provenance = {a.attribute: a for a in RecordAttribute.objects.filter(person=person)}
    assert sorted(provenance) == ["birth_on", "id_number", "name", "phone"]
    assert all(a.is_authoritative and a.source == "counter" for a in provenance.values())
    assert provenance["name"].source_reference == "窗口受理 2026-001"
    changes = {c.attribute: c for c in RecordChange.objects.filter(person=person)}
    assert (changes["phone"].old_value, changes["phone"].new_value, changes["phone"].version) == (
        "",
        "13900000001",
        1,
    )
    entry = AuditEntry.objects.get(action="registry.person_changed")
    assert (entry.actor, entry.data["version"], entry.data["source"]) == (officer, 1, "counter")
    assert OutboxEvent.objects.filter(name="registry.person_changed").count() == 1


def test_another_departments_disagreeing_value_is_a_conflict_and_the_value_stays(
    police, civil_affairs
):
    person_write(
        actor=_writer(police),
        department=police,
        source="counter",
        id_number=ID_NUMBER,
        values={"name": "王小明", "address": "示范市东城区和平路1号"},
    )
    clerk = _writer(civil_affairs, role="counter_clerk")

    result = person_write(
        actor=clerk,
        department=civil_affairs,
        source="form",
        source_reference="CASE-2026-0042",
        id_number=ID_NUMBER,
        values={"address": "示范市西城区长安街9号", "name": "王小明"},
    )

    person = Person.objects.get()
    assert person.address == "示范市东城区和平路1号"
    assert (person.version, result.changed) == (1, [])
    conflict = RecordConflict.objects.get()
    assert (conflict.attribute, conflict.authoritative_value, conflict.proposed_value) == (
        "address",
        "示范市东城区和平路1号",
        "示范市西城区长安街9号",
    )
    assert (conflict.authoritative_department, conflict.authoritative_source) == (police, "counter")
    assert (conflict.proposed_department, conflict.proposed_source) == (civil_affairs, "form")
    assert conflict.proposed_source_reference == "CASE-2026-0042"
    assert result.conflicts == [conflict]
    assert OutboxEvent.objects.filter(name="registry.conflict_recorded").count() == 1


def test_the_same_disagreement_sent_twice_is_one_conflict(police, civil_affairs):
    person_write(
        actor=_writer(police),
        department=police,
        source="counter",
        id_number=ID_NUMBER,
        values={"name": "王小明", "phone": "13900000001"},
    )
    clerk = _writer(civil_affairs, role="counter_clerk")

    for _attempt in range(2):
        person_write(
            actor=clerk,
            department=civil_affairs,
            source="exchange",
            id_number=ID_NUMBER,
            values={"phone": "13900000002"},
        )

    assert RecordConflict.objects.count() == 1


def test_a_provisional_value_is_written_until_the_authority_writes_its_own(police, civil_affairs):
    clerk = _writer(civil_affairs, role="counter_clerk")
    person_write(
        actor=clerk,
        department=civil_affairs,
        source="form",
        id_number=ID_NUMBER,
        values={"name": "王小明", "address": "示范市西城区长安街9号"},
    )
    person_write(
        actor=clerk,
        department=civil_affairs,
        source="form",
        id_number=ID_NUMBER,
        values={"address": "示范市西城区长安街10号"},
    )

    person_write(
        actor=_writer(police),
        department=police,
        source="exchange",
        source_reference="MSG-77",
        id_number=ID_NUMBER,
        values={"address": "示范市东城区和平路1号"},
    )

    person = Person.objects.get()
    assert (person.address, person.version) == ("示范市东城区和平路1号", 3)
    address = RecordAttribute.objects.get(person=person, attribute="address")
    assert (address.is_authoritative, address.department, address.source_reference) == (
        True,
        police,
        "MSG-77",
    )
    history = list(
        RecordChange.objects.filter(person=person, attribute="address").order_by("version")
    )
    assert [(c.version, c.new_value, c.is_authoritative) for c in history] == [
        (1, "示范市西城区长安街9号", False),
        (2, "示范市西城区长安街10号", False),
        (3, "示范市东城区和平路1号", True),
    ]
    assert not RecordConflict.objects.exists()


def test_the_authority_confirming_a_proposed_value_resolves_the_conflict(police, civil_affairs):
    officer = _writer(police)
    person_write(
        actor=officer,
        department=police,
        source="counter",
        id_number=ID_NUMBER,
        values={"name": "王小明", "phone": "13900000001"},
    )
    person_write(
        actor=_writer(civil_affairs),
        department=civil_affairs,
        source="form",
        id_number=ID_NUMBER,
        values={"phone": "13900000002"},
    )

    person_write(
        actor=officer,
        department=police,
        source="counter",
        id_number=ID_NUMBER,
        values={"phone": "13900000002"},
    )

    conflict = RecordConflict.objects.get()
    assert conflict.status == "resolved" and conflict.resolved_at is not None
    assert Person.objects.get().phone == "13900000002"


def test_invalid_values_are_reported_per_field_and_nothing_is_written(police):
    bad_check_digit = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")

    with pytest.raises(ValidationFailed) as raised:
        person_write(
            actor=_writer(police),
            department=police,
            source="counter",
            id_number=bad_check_digit,
            values={"phone": "12345", "birth_on": "1990-13-45", "shoe_size": "42"},
        )

    fields = raised.value.fields
    assert set(fields) == {"id_number", "name", "phone", "birth_on", "shoe_size"}
    assert "check character" in fields["id_number"][0]
    assert fields["name"] == ["This field is required."]
    assert not Person.objects.exists() and not RecordChange.objects.exists()
    assert not AuditEntry.objects.filter(action="registry.person_changed").exists()


def test_a_value_outside_the_data_elements_code_list_is_refused(police):
    ethnic_groups = CodeListFactory(identifier="GB/T 3304")
    CodeValueFactory(code_list=ethnic_groups, code="01", name="汉族")
    DataElementFactory(identifier=attrs.DE_ETHNIC_GROUP, data_type="code", code_list=ethnic_groups)

    with pytest.raises(ValidationFailed) as raised:
        person_write(
            actor=_writer(police),
            department=police,
            source="counter",
            id_number=ID_NUMBER,
            values={"name": "王小明", "ethnic_group": "99"},
        )
    result = person_write(
        actor=_writer(police),
        department=police,
        source="counter",
        id_number=ID_NUMBER,
        values={"name": "王小明", "ethnic_group": "01"},
    )

    assert raised.value.fields["ethnic_group"] == ["99 is not a code of the list GB/T 3304."]
    assert result.record.ethnic_group == "01"


def test_only_record_writers_of_the_department_write(police, civil_affairs):
    reviewer = _writer(police, role="reviewer")
    other_admin = _writer(civil_affairs)
    citizen = UserFactory()

    for actor in (reviewer, citizen):
        with pytest.raises(PermissionDenied):
            person_write(
                actor=actor,
                department=police,
                source="counter",
                id_number=ID_NUMBER,
                values={"name": "王小明"},
            )
    with pytest.raises(PermissionDenied):
        person_write(
            actor=other_admin,
            department=None,
            source="import",
            id_number=ID_NUMBER,
            values={"name": "王小明"},
        )

    assert not Person.objects.exists()


def test_a_write_over_someone_elses_change_is_refused(police):
    officer = _writer(police)
    person_write(
        actor=officer,
        department=police,
        source="counter",
        id_number=ID_NUMBER,
        values={"name": "王小明"},
        expected_version=0,
    )

    with pytest.raises(Conflict):
        person_write(
            actor=officer,
            department=police,
            source="counter",
            id_number=ID_NUMBER,
            values={"name": "王晓明"},
            expected_version=0,
        )

    assert Person.objects.get().name == "王小明"


def test_a_legal_entity_record_is_created_by_market_regulation_and_validated(market):
    officer = _writer(market)
    wrong_check = uscc_for(501)[:17] + ("0" if uscc_for(501)[17] != "0" else "1")

    with pytest.raises(ValidationFailed) as raised:
        legal_entity_record_write(
            actor=officer,
            department=market,
            source="import",
            uscc=wrong_check,
            values={"name": "示范科技有限公司", "status": "bankrupt"},
        )
    result = legal_entity_record_write(
        actor=officer,
        department=market,
        source="import",
        source_reference="登记库导出 2026-12",
        uscc=uscc_for(501).lower(),
        values={
            "name": "示范科技有限公司",
            "legal_representative_name": "李四",
            "legal_representative_id_number": id_number_for(302),
            "established_on": "2015-03-02",
        },
    )

    assert set(raised.value.fields) == {"uscc", "status"}
    record = LegalEntityRecord.objects.get()
    assert result.is_created and record.uscc == uscc_for(501)
    assert (record.status, record.established_on.isoformat(), record.version) == (
        "active",
        "2015-03-02",
        1,
    )
    representative_id = RecordAttribute.objects.get(
        legal_entity=record, attribute="legal_representative_id_number"
    )
    assert representative_id.is_authoritative  # market regulation registers the representative
