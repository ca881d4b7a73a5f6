"""Maintaining data elements: drafts, in force, withdrawn; who may; the shipped fixture."""

from __future__ import annotations

import pytest
from django.utils import translation

from ecity.audit.models import AuditEntry
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.core.models import OutboxEvent
from ecity.identity.tests.factories import (
    DepartmentFactory,
    StaffRoleFactory,
    StaffUserFactory,
    id_number_for,
    uscc_for,
)
from ecity.org.models import StaffRole
from ecity.registry.data.data_elements import DATA_ELEMENTS
from ecity.registry.models import DataElement
from ecity.registry.selectors.metadata import data_element_authority, data_element_validate
from ecity.registry.services.metadata import (
    data_element_put_in_force,
    data_element_revise,
    data_element_save_draft,
    data_element_withdraw,
    data_elements_load_shipped,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def police():
    return DepartmentFactory(code="GAJ", name_zh="示范市公安局")


@pytest.fixture
def police_admin(police):
    return StaffRoleFactory(department=police, role=StaffRole.Role.DEPARTMENT_ADMIN).user


def test_department_admin_drafts_and_puts_in_force_an_element_of_their_department(
    police, police_admin
):
    element = data_element_save_draft(
        actor=police_admin,
        identifier="DE0500",
        name="曾用名",
        name_en="Former name",
        authority=police,
        synonyms=[" 原名 ", "原名", ""],
    )
    assert (element.status, element.version, element.synonyms) == ("draft", 1, ["原名"])

    data_element_put_in_force(actor=police_admin, element=element)

    element.refresh_from_db()
    assert element.status == DataElement.Status.IN_FORCE
    assert data_element_authority(identifier="DE0500") == police
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["registry.data_element_saved", "registry.data_element_put_in_force"]
    event = OutboxEvent.objects.get(name="registry.data_element_changed")
    assert event.data["status"] == "in_force"


def test_department_admin_cannot_maintain_another_departments_element(police, police_admin):
    market = DepartmentFactory(code="SCJ")
    element = data_element_save_draft(
        actor=None, identifier="DE0501", name="注册资本", authority=market
    )

    with pytest.raises(PermissionDenied):
        data_element_put_in_force(actor=police_admin, element=element)
    with pytest.raises(PermissionDenied):
        data_element_save_draft(actor=police_admin, identifier="DE0502", name="x", authority=market)
    with pytest.raises(PermissionDenied):  # nor take it over for their own department
        data_element_save_draft(actor=police_admin, identifier="DE0501", name="x", authority=police)
    reviewer = StaffRoleFactory(department=police, role=StaffRole.Role.REVIEWER).user
    with pytest.raises(PermissionDenied):
        data_element_save_draft(actor=reviewer, identifier="DE0503", name="x", authority=police)


def test_only_a_draft_changes_and_revising_starts_the_next_version(police_admin, police):
    element = data_element_save_draft(
        actor=police_admin, identifier="DE0504", name="姓名", authority=police
    )
    data_element_put_in_force(actor=police_admin, element=element)

    with pytest.raises(Conflict) as raised:
        data_element_save_draft(
            actor=police_admin, identifier="DE0504", name="姓名2", authority=police
        )
    assert raised.value.code == "data_element_not_draft"

    revised = data_element_revise(actor=police_admin, element=element)
    assert (revised.status, revised.version) == ("draft", 2)
    changed = data_element_save_draft(
        actor=police_admin, identifier="DE0504", name="姓名（中文）", authority=police
    )
    assert changed.name == "姓名（中文）"


def test_withdrawing_needs_a_reason_and_ends_the_authority(police_admin, police):
    element = data_element_save_draft(
        actor=police_admin, identifier="DE0505", name="旧证件号", authority=police
    )
    data_element_put_in_force(actor=police_admin, element=element)

    with pytest.raises(ValidationFailed):
        data_element_withdraw(actor=police_admin, element=element, reason=" ")
    data_element_withdraw(actor=police_admin, element=element, reason="由DE0001取代")

    assert data_element_authority(identifier="DE0505") is None
    entry = AuditEntry.objects.get(action="registry.data_element_withdrawn")
    assert entry.reason == "由DE0001取代"
    with pytest.raises(Conflict):
        data_element_withdraw(actor=police_admin, element=element, reason="again")


def test_invalid_pattern_or_code_element_without_list_is_refused():
    with pytest.raises(ValidationFailed) as raised:
        data_element_save_draft(actor=None, identifier="DE0506", name="x", pattern=r"(a)\1")
    assert "pattern" in raised.value.fields
    with pytest.raises(ValidationFailed) as raised:
        data_element_save_draft(actor=None, identifier="DE0507", name="x", data_type="code")
    assert "code_list" in raised.value.fields


def test_shipped_elements_name_their_authorities_and_validate_real_identifiers():
    police = DepartmentFactory(code="GAJ")
    market = DepartmentFactory(code="SCJ")

    result = data_elements_load_shipped(actor=None)

    assert result.created == [e.identifier for e in DATA_ELEMENTS]
    # Elements of departments this city has not created (natural resources, civil affairs,
    # statistics) are loaded without their authority and listed as such.
    assert result.without_authority == [
        e.identifier for e in DATA_ELEMENTS if e.authority and e.authority not in {"GAJ", "SCJ"}
    ]
    assert DataElement.objects.filter(status="in_force").count() == len(DATA_ELEMENTS)
    assert data_element_authority(identifier="DE0001") == police
    assert data_element_authority(identifier="DE0008") == market
    assert data_element_authority(identifier="DE0007") is None  # declared by the person
    assert data_element_validate(identifier="DE0001", value=id_number_for(3)) == []
    assert data_element_validate(identifier="DE0008", value=uscc_for(3)) == []
    assert data_element_validate(identifier="DE0003", value="2") == []
    assert data_element_validate(identifier="DE0003", value="男") != []
    assert data_element_validate(identifier="DE0004", value="56") == []
    assert data_element_validate(identifier="DE0012", value="65") == []
    assert data_element_validate(identifier="DE0016", value="revoked") == []
    assert data_element_validate(identifier="DE0015", value="420102") == []
    assert data_element_validate(identifier="DE0015", value="42010") != []
    assert data_element_validate(identifier="DE0018", value="114.305") == []
    assert data_element_validate(identifier="DE0007", value="13800138000") == []
    assert data_element_validate(identifier="DE0007", value="12800138000") != []


def test_loading_the_shipped_elements_again_keeps_administrators_changes():
    data_elements_load_shipped(actor=None)
    element = DataElement.objects.get(identifier="DE0002")
    data_element_revise(actor=None, element=element)
    data_element_save_draft(actor=None, identifier="DE0002", name="姓名（含曾用名）")

    result = data_elements_load_shipped(actor=None)

    assert result.created == []
    assert DataElement.objects.get(identifier="DE0002").name == "姓名（含曾用名）"


def test_platform_admin_may_keep_an_element_without_authority_but_not_a_department_admin(
    police_admin,
):
    admin = StaffUserFactory(is_superuser=True)

    assert data_element_save_draft(actor=admin, identifier="DE0508", name="备注").authority is None
    with pytest.raises(PermissionDenied):
        data_element_save_draft(actor=police_admin, identifier="DE0509", name="备注")
