"""The base registries answer identity's verification: citizens and enterprises verified online."""

from __future__ import annotations

import pytest
from django.utils import translation

from ecity.audit.models import AuditEntry
from ecity.identity import services
from ecity.identity.errors import VerificationFailed, VerificationUnavailable
from ecity.identity.tests.factories import (
    DepartmentFactory,
    StaffRoleFactory,
    UserFactory,
    id_number_for,
    uscc_for,
)
from ecity.registry.models import LegalEntityRecord
from ecity.registry.services.records import legal_entity_record_write, person_write

pytestmark = pytest.mark.django_db

ID_NUMBER = id_number_for(321)
USCC = uscc_for(821)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def police():
    return DepartmentFactory(code="GA", name_zh="市公安局")


@pytest.fixture
def registered_person(police):
    """The person registry holds 赵六 with the mobile number 13900000321."""
    return person_write(
        actor=StaffRoleFactory(department=police, role="department_admin").user,
        department=police,
        source="import",
        id_number=ID_NUMBER,
        values={"name": "赵六", "phone": "13900000321"},
    ).record


def test_a_citizen_whose_name_id_and_phone_are_in_the_registry_is_real_name_verified(
    registered_person,
):
    citizen = UserFactory(real_name="赵六", id_number=ID_NUMBER, phone="13900000321")

    services.citizen_verify_by_registry(user=citizen)

    citizen.refresh_from_db()
    assert (citizen.identity_level, citizen.identity_method) == (2, "registry")
    entry = AuditEntry.objects.get(action="account.identity_verified", subject=citizen)
    assert entry.data["reference"].startswith(f"person:{registered_person.public_id}")


def test_someone_registered_with_another_persons_id_number_is_refused(registered_person):
    squatter = UserFactory(real_name="冒名", id_number=ID_NUMBER, phone="13900000999")

    with pytest.raises(VerificationFailed):
        services.citizen_verify_by_registry(user=squatter)

    squatter.refresh_from_db()
    assert squatter.identity_level == 1
    assert AuditEntry.objects.filter(
        action="account.identity_verification_failed", subject=squatter
    ).exists()


@pytest.mark.parametrize(
    ("id_number", "phone"),
    [
        (ID_NUMBER, "13900000999"),  # the person, but another phone: nothing proves it is them
        (id_number_for(322), "13900000321"),  # nobody in the registry
    ],
)
def test_no_proof_in_the_registry_sends_the_citizen_to_a_counter(
    registered_person, id_number, phone
):
    citizen = UserFactory(real_name="赵六", id_number=id_number, phone=phone)

    with pytest.raises(VerificationUnavailable):
        services.citizen_verify_by_registry(user=citizen)

    citizen.refresh_from_db()
    assert citizen.identity_level == 1


def _enterprise_record(**values: str) -> LegalEntityRecord:
    market = DepartmentFactory(code="SC", name_zh="市市场监管局")
    return legal_entity_record_write(
        actor=StaffRoleFactory(department=market, role="department_admin").user,
        department=market,
        source="import",
        uscc=USCC,
        values={
            "name": "赵六餐饮有限公司",
            "legal_representative_name": "赵六",
            "legal_representative_id_number": ID_NUMBER,
            **values,
        },
    ).record


def _registered_by_representative():
    representative = UserFactory(
        real_name="赵六", id_number=ID_NUMBER, phone="13900000321", is_real_name_verified=True
    )
    entity = services.legal_entity_register(
        actor=representative,
        uscc=USCC,
        name="赵六餐饮有限公司",
        legal_representative_name="赵六",
        legal_representative_id_number=ID_NUMBER,
    ).legal_entity
    return representative, entity


def test_an_enterprise_in_the_registry_is_verified_when_its_representative_asks():
    _enterprise_record()
    representative, entity = _registered_by_representative()

    services.legal_entity_verify_by_registry(actor=representative, legal_entity=entity)

    entity.refresh_from_db()
    assert (entity.is_verified, entity.verification_method) == (True, "registry")


@pytest.mark.parametrize(
    "registered",
    [{"status": "deregistered"}, {"legal_representative_name": "钱七"}],
    ids=["deregistered", "another-representative"],
)
def test_a_deregistered_enterprise_or_another_representative_is_not_verified(registered):
    _enterprise_record(**registered)
    representative, entity = _registered_by_representative()

    with pytest.raises(VerificationFailed):
        services.legal_entity_verify_by_registry(actor=representative, legal_entity=entity)

    entity.refresh_from_db()
    assert not entity.is_verified


def test_an_enterprise_unknown_to_the_registry_goes_to_a_counter():
    representative, entity = _registered_by_representative()

    with pytest.raises(VerificationUnavailable):
        services.legal_entity_verify_by_registry(actor=representative, legal_entity=entity)
