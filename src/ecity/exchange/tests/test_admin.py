"""The exchange admin pages: forms and actions go through the services; the log is read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecity.audit.models import AuditEntry
from ecity.core import vault
from ecity.exchange import services
from ecity.exchange.envelope import envelope_seal
from ecity.exchange.message_log import log_append
from ecity.exchange.models import Member, MessageLogRecord, Subsystem

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_admin(platform_admin):
    platform_admin.is_staff = True
    platform_admin.save()
    return platform_admin


@pytest.fixture
def it_admin(department_admin):
    department_admin.is_staff = True
    department_admin.save()
    return department_admin


def test_platform_admin_registers_a_member_in_the_admin(client, staff_admin, department):
    client.force_login(staff_admin)

    refused = client.post(
        reverse("admin:exchange_member_add"),
        {
            "member_class": "GOV",
            "code": "bad/code",
            "name": "市公安局",
            "department": department.pk,
        },
    )
    created = client.post(
        reverse("admin:exchange_member_add"),
        {"member_class": "GOV", "code": "GAJ", "name": "市公安局", "department": department.pk},
    )

    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    assert created.status_code == 302
    assert Member.objects.get().code == "GAJ"
    assert AuditEntry.objects.get(action="exchange.member_registered").actor == staff_admin


def test_department_admin_adds_a_subsystem_and_rotates_its_key(
    client, staff_admin, it_admin, department
):
    member = services.member_register(
        actor=staff_admin, member_class="GOV", code="GAJ", name="市公安局", department=department
    )
    client.force_login(it_admin)

    form = client.get(reverse("admin:exchange_subsystem_add"))
    created = client.post(
        reverse("admin:exchange_subsystem_add"),
        {"member": member.pk, "code": "RKGL", "name": "人口管理系统", "log_level": "full"},
    )
    subsystem = Subsystem.objects.get()
    first = vault.key_current_get(purpose=vault.Purpose.EXCHANGE, owner=subsystem.identifier)
    rotated = client.post(
        reverse("admin:exchange_subsystem_changelist"),
        {"action": "rotate_keys", "_selected_action": [subsystem.pk]},
    )

    assert form.status_code == 200 and member.identifier in form.content.decode()
    assert (created.status_code, rotated.status_code) == (302, 302)
    current = vault.key_current_get(purpose=vault.Purpose.EXCHANGE, owner=subsystem.identifier)
    assert current.kid != first.kid
    assert AuditEntry.objects.get(action="exchange.subsystem_key_rotated").actor == it_admin


def test_message_log_is_listed_but_never_changed_or_deleted(client, staff_admin, department):
    member = services.member_register(
        actor=None, member_class="GOV", code="GAJ", name="市公安局", department=department
    )
    subsystem = services.subsystem_register(actor=None, member=member, code="RKGL", name="人口")
    envelope = envelope_seal(sender=subsystem.identifier, payload={"n": 1})
    record = log_append(kind="published", envelope=envelope, payload={"n": 1})
    client.force_login(staff_admin)

    listing = client.get(reverse("admin:exchange_messagelogrecord_changelist"))
    change = client.post(
        reverse("admin:exchange_messagelogrecord_change", args=[record.pk]), {"target": "x"}
    )
    delete = client.post(
        reverse("admin:exchange_messagelogrecord_delete", args=[record.pk]), {"post": "yes"}
    )

    assert listing.status_code == 200 and envelope.message_id in listing.content.decode()
    assert (change.status_code, delete.status_code) == (403, 403)
    assert MessageLogRecord.objects.get(pk=record.pk).target == record.target


def test_refusals_are_listed_with_their_code_for_platform_admins_only(
    client, staff_admin, it_admin
):
    from ecity.exchange.envelope import envelope_open
    from ecity.exchange.errors import EnvelopeRefused

    with pytest.raises(EnvelopeRefused):
        envelope_open({"sender": "CN-X/GOV/NOBODY/SYS"}, {"n": 1})
    client.force_login(staff_admin)
    listing = client.get(reverse("admin:exchange_refusal_changelist"))
    client.force_login(it_admin)
    denied = client.get(reverse("admin:exchange_refusal_changelist"))

    assert listing.status_code == 200
    assert "exchange_malformed_envelope" in listing.content.decode()
    assert denied.status_code == 403
