"""Identity's services record role, agent and personal-data changes in the trail."""

from __future__ import annotations

import pytest

from ecity.audit.models import AuditEntry
from ecity.identity import services as identity_services
from ecity.identity.models import AgentAuthorisation
from ecity.identity.tests.factories import (
    AgentAuthorisationFactory,
    LegalEntityFactory,
    StaffUserFactory,
    id_number_for,
    uscc_for,
)
from ecity.org.models import StaffRole

pytestmark = pytest.mark.django_db


def test_role_grant_records_actor_and_subject(platform_admin, department):
    # when a platform administrator makes a staff account a reviewer
    clerk = StaffUserFactory(username="clerk")
    role = identity_services.staff_role_grant(
        actor=platform_admin, user=clerk, role=StaffRole.Role.REVIEWER, department=department
    )
    # then role.granted names who granted it, to whom, and what
    entry = AuditEntry.objects.get(action="role.granted")
    assert entry.actor == platform_admin and entry.actor_username == "root"
    assert entry.subject == clerk and entry.subject_username == "clerk"
    assert (entry.object_type, entry.object_id) == ("org.staffrole", str(role.public_id))
    assert entry.data == {"role": "reviewer", "department": "MSR"}


def test_role_revoke_is_recorded(platform_admin, reviewer):
    role = StaffRole.objects.get(user=reviewer)
    identity_services.staff_role_revoke(actor=platform_admin, staff_role=role)
    entry = AuditEntry.objects.get(action="role.revoked")
    assert (entry.actor, entry.subject) == (platform_admin, reviewer)


def test_refused_role_grant_leaves_no_entry(reviewer, citizen, department):
    from ecity.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        identity_services.staff_role_grant(
            actor=reviewer, user=citizen, role=StaffRole.Role.AUDITOR, department=department
        )
    assert not AuditEntry.objects.filter(action="role.granted").exists()


def test_department_admin_cannot_appoint_an_auditor(citizen, department):
    from ecity.core.errors import PermissionDenied
    from ecity.identity.tests.factories import StaffRoleFactory, UserFactory

    admin = UserFactory(username="deptadmin")
    StaffRoleFactory(user=admin, department=department, role=StaffRole.Role.DEPARTMENT_ADMIN)
    with pytest.raises(PermissionDenied):
        identity_services.staff_role_grant(
            actor=admin, user=citizen, role=StaffRole.Role.AUDITOR, department=department
        )


def test_agent_grant_and_revoke_are_recorded_for_the_enterprise(citizen, other_citizen):
    entity = LegalEntityFactory(name="甲公司", verified=True)
    AgentAuthorisationFactory(
        legal_entity=entity, user=citizen, role=AgentAuthorisation.Role.LEGAL_REPRESENTATIVE
    )
    authorisation = identity_services.agent_grant(
        actor=citizen, legal_entity=entity, user=other_citizen
    )
    identity_services.agent_revoke(actor=citizen, authorisation=authorisation)
    granted, revoked = AuditEntry.objects.filter(action__startswith="agent.").order_by("sequence")
    assert (granted.action, revoked.action) == ("agent.granted", "agent.revoked")
    assert granted.subject == other_citizen and granted.acting_for_uscc == entity.uscc
    assert revoked.acting_for_name == "甲公司" and revoked.data == {"role": "agent"}


def test_registration_and_profile_changes_are_recorded_without_values(db):
    user = identity_services.citizen_register(
        username="newcomer",
        password="Sturdy-Passw0rd!",
        real_name="赵六",
        id_number="11010519900517002X",
        phone="13912345678",
        email="new@example.cn",
    )
    identity_services.profile_update(user=user, address="示范路 1 号")
    identity_services.phone_change_request(
        user=user, session={}, phone="13987654321", current_password="Sturdy-Passw0rd!"
    )
    registered = AuditEntry.objects.get(action="account.registered")
    assert registered.actor == user and registered.subject == user
    written = AuditEntry.objects.get(action="personal_data.write")
    requested = AuditEntry.objects.get(action="account.phone_change_requested")
    assert written.fields == ["address"]
    assert requested.fields == ["phone"]
    rows = repr(list(AuditEntry.objects.filter(subject=user).values()))
    assert "13987654321" not in rows and "示范路" not in rows


def test_enterprise_registration_is_recorded(citizen):
    # When a citizen registers an enterprise (and so becomes its administrator)
    authorisation = identity_services.legal_entity_register(
        actor=citizen,
        uscc=uscc_for(77),
        name="丙公司",
        legal_representative_name="李四",
        legal_representative_id_number=id_number_for(77),
    )

    # Then the trail says who registered which enterprise, and the role they received
    entry = AuditEntry.objects.get(action="legal_entity.registered")
    assert (entry.actor, entry.subject) == (citizen, citizen)
    assert entry.object_id == str(authorisation.legal_entity.public_id)
    assert (entry.acting_for_uscc, entry.acting_for_name) == (uscc_for(77), "丙公司")
    assert entry.data == {"role": "administrator"}
