"""Members and subsystems: who registers them, what they are bound to, and what is recorded."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from ecity.audit.models import AuditEntry
from ecity.core import vault
from ecity.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ecity.exchange import selectors, services
from ecity.exchange.envelope import envelope_open, envelope_seal
from ecity.exchange.errors import EnvelopeRefused, ExchangeErrorCode
from ecity.exchange.models import Member
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory
from ecity.org.models import StaffRole
from ecity.sso import services as sso_services
from ecity.sso.selectors import SystemClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(platform_admin, department):
    return services.member_register(
        actor=platform_admin, member_class="GOV", code="GAJ", name="市公安局", department=department
    )


def _system_application(platform_admin, department, name="人口管理系统"):
    application, _secret = sso_services.system_client_register(
        actor=platform_admin, name=name, department=department
    )
    return application


def test_platform_admin_registers_a_member_under_the_local_instance(platform_admin, department):
    member = services.member_register(
        actor=platform_admin, member_class="GOV", code="GAJ", name="市公安局", department=department
    )

    assert member.identifier == f"{settings.ECITY_EXCHANGE_INSTANCE}/GOV/GAJ"
    audit = AuditEntry.objects.get(action="exchange.member_registered")
    assert audit.actor == platform_admin
    assert audit.data["identifier"] == member.identifier


def test_department_admin_may_not_register_members(department_admin, department):
    with pytest.raises(PermissionDenied):
        services.member_register(
            actor=department_admin, member_class="GOV", code="X", name="某局", department=department
        )
    assert not Member.objects.exists()


def test_member_registration_names_every_bad_field(platform_admin):
    with pytest.raises(ValidationFailed) as failed:
        services.member_register(
            actor=platform_admin, member_class="XYZ", code="a/b", name=" ", department=None
        )

    assert set(failed.value.fields) == {"member_class", "code", "name", "department"}
    assert not Member.objects.exists()


def test_the_same_member_twice_is_a_conflict(platform_admin, department, member):
    with pytest.raises(Conflict) as conflict:
        services.member_register(
            actor=platform_admin, member_class="GOV", code="GAJ", name="重复", department=department
        )
    assert conflict.value.code == ExchangeErrorCode.MEMBER_EXISTS


def test_department_admin_registers_a_subsystem_with_identifier_key_and_client(
    platform_admin, department_admin, department, member
):
    application = _system_application(platform_admin, department)

    subsystem = services.subsystem_register(
        actor=department_admin,
        member=member,
        code="RKGL",
        name="人口管理系统",
        application=application,
        contact="信息中心 027-12345678",
    )

    assert subsystem.identifier == f"{member.identifier}/RKGL"
    key = vault.key_current_get(purpose=vault.Purpose.EXCHANGE, owner=subsystem.identifier)
    assert key is not None and key.algorithm == "Ed25519"
    client = SystemClient(application=application, department=department)
    assert selectors.subsystem_for_client(client) == subsystem
    audit = AuditEntry.objects.get(action="exchange.subsystem_registered")
    assert (audit.actor, audit.data["kid"]) == (department_admin, key.kid)


def test_application_of_another_department_is_refused(platform_admin, department_admin, member):
    other = DepartmentFactory(code="MZJ", name_zh="市民政局")
    foreign = _system_application(platform_admin, other, name="民政系统")

    with pytest.raises(ValidationFailed) as failed:
        services.subsystem_register(
            actor=department_admin, member=member, code="RKGL", name="人口", application=foreign
        )

    assert failed.value.code == ExchangeErrorCode.APPLICATION_MISMATCH
    assert "application" in failed.value.fields
    assert not member.subsystems.exists()


def test_admin_of_another_department_cannot_touch_the_subsystems(platform_admin, member):
    outsider = StaffRoleFactory(
        department=DepartmentFactory(code="MZJ"), role=StaffRole.Role.DEPARTMENT_ADMIN
    ).user
    subsystem = services.subsystem_register(
        actor=platform_admin, member=member, code="RKGL", name="人口管理系统"
    )

    with pytest.raises(PermissionDenied):
        services.subsystem_register(actor=outsider, member=member, code="X", name="某系统")
    with pytest.raises(PermissionDenied):
        services.subsystem_update(actor=outsider, subsystem=subsystem, is_enabled=False)
    assert list(selectors.subsystem_list(actor=outsider)) == []
    assert list(selectors.member_list(actor=outsider)) == []


def test_disabled_subsystem_is_refused_and_not_found_for_its_client(
    platform_admin, department_admin, department, member
):
    application = _system_application(platform_admin, department)
    subsystem = services.subsystem_register(
        actor=department_admin, member=member, code="RKGL", name="人口", application=application
    )
    envelope = envelope_seal(sender=subsystem.identifier, payload={"n": 1})

    services.subsystem_update(
        actor=department_admin, subsystem=subsystem, is_enabled=False, log_level="metadata"
    )

    with pytest.raises(EnvelopeRefused) as refused:
        envelope_open(envelope.to_dict(), {"n": 1})
    assert refused.value.code == ExchangeErrorCode.SENDER_DISABLED
    client = SystemClient(application=application, department=department)
    assert selectors.subsystem_for_client(client) is None
    audit = AuditEntry.objects.get(action="exchange.subsystem_changed")
    assert sorted(audit.fields) == ["is_enabled", "log_level"]


def test_disabled_member_silences_its_subsystems(platform_admin, member):
    subsystem = services.subsystem_register(
        actor=platform_admin, member=member, code="RKGL", name="人口"
    )
    envelope = envelope_seal(sender=subsystem.identifier, payload={"n": 1})

    services.member_disable(actor=platform_admin, member=member)
    services.member_disable(actor=platform_admin, member=member)  # twice: one record

    with pytest.raises(EnvelopeRefused) as refused:
        envelope_open(envelope.to_dict(), {"n": 1})
    assert refused.value.code == ExchangeErrorCode.SENDER_DISABLED
    assert AuditEntry.objects.filter(action="exchange.member_disabled").count() == 1
    services.member_enable(actor=platform_admin, member=member)
    assert envelope_open(envelope.to_dict(), {"n": 1})[1] == subsystem


def test_rotated_key_signs_new_messages_and_old_signatures_still_verify(
    department_admin, platform_admin, member
):
    subsystem = services.subsystem_register(
        actor=platform_admin, member=member, code="RKGL", name="人口"
    )
    before = envelope_seal(sender=subsystem.identifier, payload={"n": 1})

    key = services.subsystem_key_rotate(actor=department_admin, subsystem=subsystem)

    after = envelope_seal(sender=subsystem.identifier, payload={"n": 2})
    assert (before.kid != key.kid, after.kid) == (True, key.kid)
    assert envelope_open(before.to_dict(), {"n": 1})[1] == subsystem
    assert envelope_open(after.to_dict(), {"n": 2})[1] == subsystem
    audit = AuditEntry.objects.get(action="exchange.subsystem_key_rotated")
    assert audit.data == {
        "identifier": subsystem.identifier,
        "kid": key.kid,
        "previous": before.kid,
    }


def test_member_update_changes_name_and_records_the_fields(platform_admin, department, member):
    services.member_update(
        actor=platform_admin, member=member, name="市公安局（新）", department=department
    )

    member.refresh_from_db()
    assert member.name == "市公安局（新）"
    assert AuditEntry.objects.get(action="exchange.member_changed").fields == ["name"]


def test_subsystem_get_names_an_unknown_identifier():
    with pytest.raises(NotFound):
        selectors.subsystem_get("CN-TEST/GOV/NONE/SYS")


def test_field_messages_are_in_chinese_by_default(platform_admin):
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as failed:
        services.member_register(
            actor=platform_admin, member_class="GOV", code="GAJ", name="", department=None
        )

    assert failed.value.fields == {
        "name": ["请输入名称。"],
        "department": ["请选择该成员代表的部门。"],
    }
