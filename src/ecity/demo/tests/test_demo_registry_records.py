"""The demo city's base registries: citizens and the enterprise have authoritative records."""

from __future__ import annotations

import pytest

from ecity.identity import services as identity_services
from ecity.identity.models import LegalEntity, User
from ecity.org.models import Department
from ecity.registry.models import LegalEntityRecord, Person, RecordAttribute
from ecity.registry.services.records import person_write

pytestmark = pytest.mark.django_db


def test_every_demo_citizen_has_a_person_record_linked_when_verified(demo_city):
    persons = {p.name: p for p in Person.objects.select_related("account")}

    assert set(persons) == {"张伟", "李娜", "王芳", "刘洋"}
    assert persons["张伟"].account == User.objects.get(username="zhangwei")
    assert persons["刘洋"].account is None  # registered only: not linked
    assert (persons["李娜"].sex, persons["李娜"].birth_on.isoformat()) == ("2", "1990-07-17")
    name = RecordAttribute.objects.get(person=persons["张伟"], attribute="name")
    assert (name.department.code, name.is_authoritative) == ("GAJ", True)
    assert demo_city.registry_records == 5


def test_the_demo_enterprise_has_its_record_from_market_regulation(demo_city):
    enterprise = LegalEntity.objects.get(name="示范市云帆科技有限公司")
    # (the demo's connector adds the newly registered enterprises of its CSV as records too)
    record = LegalEntityRecord.objects.get(enterprise=enterprise)

    assert (record.legal_representative_name, record.industry_code, record.entity_type) == (
        "李娜",
        "65",
        "91",
    )
    assert RecordAttribute.objects.get(legal_entity=record, attribute="name").is_authoritative


def test_the_unverified_demo_citizen_gets_verified_online_by_the_registry(demo_city):
    liuyang = User.objects.get(username="liuyang")

    identity_services.citizen_verify_by_registry(user=liuyang)

    liuyang.refresh_from_db()
    assert (liuyang.identity_level, liuyang.identity_method) == (2, "registry")


def test_a_clerk_of_another_department_cannot_overwrite_the_police_record(demo_city):
    clerk = User.objects.get(username="clerk_zwb")

    result = person_write(
        actor=clerk,
        department=Department.objects.get(code="SCJ"),
        source="counter",
        id_number=User.objects.get(username="zhangwei").id_number,
        values={"address": "示范市西城区新地址1号"},
    )

    assert result.conflicts and not result.changed
    assert Person.objects.get(name="张伟").address == "示范市东城区东华社区人民路12号3单元501室"
