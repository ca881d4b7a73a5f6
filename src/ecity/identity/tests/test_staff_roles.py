"""Segregation of duties in staff role grants (issue 8, "Segregation of duties").

No one grants or revokes their own roles; a department administrator grants only the roles that
handle cases, only in their department, only to staff accounts; every grant and revoke is
audited; the right is checked before anything about the role or the account.
"""

from __future__ import annotations

import pytest

from ecity.audit.models import AuditEntry
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.identity import services
from ecity.identity.tests.factories import StaffRoleFactory, StaffUserFactory, UserFactory
from ecity.org import selectors as org_selectors
from ecity.org.models import StaffRole

pytestmark = pytest.mark.django_db

Role = StaffRole.Role


@pytest.mark.parametrize("role", [Role.APPROVER, Role.REVIEWER, Role.COUNTER_CLERK])
def test_department_admin_cannot_give_himself_a_role_in_his_department(
    department_admin, department, role
):
    # When the department administrator makes himself approver (or reviewer, clerk) at home
    with pytest.raises(PermissionDenied):
        services.staff_role_grant(
            actor=department_admin, user=department_admin, role=role, department=department
        )

    # Then he holds no such role and nothing was recorded
    assert not org_selectors.user_has_role(user=department_admin, role=role, department=department)
    assert not AuditEntry.objects.filter(action="role.granted").exists()


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.DEPARTMENT_ADMIN, Role.AUDITOR])
def test_department_admin_cannot_appoint_overseers_or_administrators(
    department_admin, department, role
):
    colleague = StaffRoleFactory(department=department, role=Role.REVIEWER).user

    with pytest.raises(PermissionDenied):
        services.staff_role_grant(
            actor=department_admin, user=colleague, role=role, department=department
        )

    assert not StaffRole.objects.filter(user=colleague, role=role).exists()


def test_department_admin_cannot_make_himself_supervisor(department_admin, department):
    with pytest.raises(PermissionDenied):
        services.staff_role_grant(
            actor=department_admin,
            user=department_admin,
            role=Role.SUPERVISOR,
            department=department,
        )

    assert not StaffRole.objects.filter(user=department_admin, role=Role.SUPERVISOR).exists()


def test_department_admin_cannot_give_a_citizen_a_reviewer_role(department_admin, department):
    # Given a citizen's own account (registered by themselves, not a staff account)
    citizen = UserFactory(username="somecitizen")

    # When the department administrator makes the citizen a reviewer
    with pytest.raises(ValidationFailed) as caught:
        services.staff_role_grant(
            actor=department_admin, user=citizen, role=Role.REVIEWER, department=department
        )

    # Then it is refused on the account, and the citizen holds no role
    assert list(caught.value.fields) == ["user"]
    assert not StaffRole.objects.filter(user=citizen).exists()


def test_platform_admin_cannot_give_a_citizen_a_staff_role(platform_admin, department):
    citizen = UserFactory(username="somecitizen")

    with pytest.raises(ValidationFailed):
        services.staff_role_grant(
            actor=platform_admin, user=citizen, role=Role.APPROVER, department=department
        )

    assert not StaffRole.objects.filter(user=citizen).exists()


def test_platform_admin_cannot_grant_himself_a_role(platform_admin, department):
    with pytest.raises(PermissionDenied):
        services.staff_role_grant(
            actor=platform_admin, user=platform_admin, role=Role.APPROVER, department=department
        )

    assert not StaffRole.objects.filter(user=platform_admin, role=Role.APPROVER).exists()


def test_no_one_revokes_their_own_role(department_admin):
    own = StaffRole.objects.get(user=department_admin, role=Role.DEPARTMENT_ADMIN)

    with pytest.raises(PermissionDenied):
        services.staff_role_revoke(actor=department_admin, staff_role=own)

    own.refresh_from_db()
    assert own.is_active is True


def test_department_admin_cannot_revoke_another_department_admin(department_admin, department):
    other_admin = StaffRoleFactory(department=department, role=Role.DEPARTMENT_ADMIN)

    with pytest.raises(PermissionDenied):
        services.staff_role_revoke(actor=department_admin, staff_role=other_admin)

    other_admin.refresh_from_db()
    assert other_admin.is_active is True


def test_department_admin_grants_and_revokes_case_roles_of_staff_and_both_are_audited(
    department_admin, department
):
    # Given a staff account
    clerk = StaffUserFactory(username="newclerk")

    # When the department administrator makes it an approver, then revokes the role
    role = services.staff_role_grant(
        actor=department_admin, user=clerk, role=Role.APPROVER, department=department
    )
    services.staff_role_revoke(actor=department_admin, staff_role=role)

    # Then both acts are in the audit trail, naming the administrator and the account
    entries = list(
        AuditEntry.objects.filter(action__startswith="role.")
        .order_by("id")
        .values_list("action", "actor_username", "subject_username", "data")
    )
    expected_data = {"role": "approver", "department": department.code}
    assert entries == [
        ("role.granted", "deptadmin", "newclerk", expected_data),
        ("role.revoked", "deptadmin", "newclerk", expected_data),
    ]


def test_revoking_a_revoked_role_is_refused_and_not_recorded_twice(platform_admin, department):
    role = StaffRoleFactory(department=department, role=Role.REVIEWER)
    services.staff_role_revoke(actor=platform_admin, staff_role=role)

    with pytest.raises(ValidationFailed):
        services.staff_role_revoke(actor=platform_admin, staff_role=role)

    assert AuditEntry.objects.filter(action="role.revoked").count() == 1


def test_the_right_is_checked_before_the_existing_role(department_admin, other_department):
    # Given someone who already is a reviewer in another department
    role = StaffRoleFactory(department=other_department, role=Role.REVIEWER)

    # When this department's administrator tries to grant that role again
    with pytest.raises(PermissionDenied):
        services.staff_role_grant(
            actor=department_admin,
            user=role.user,
            role=Role.REVIEWER,
            department=other_department,
        )


def test_creating_the_first_platform_admin_is_audited(db):
    user = services.platform_admin_create(username="ops", password="a-Long-pass-phrase")

    granted = AuditEntry.objects.get(action="role.granted")
    assert (granted.actor, granted.subject) == (None, user)
    assert granted.data["role"] == Role.PLATFORM_ADMIN
    assert AuditEntry.objects.filter(action="account.created", subject=user).exists()
    assert user.is_staff_account is True


def test_a_staff_account_made_by_the_platform_admin_may_receive_roles(platform_admin, department):
    user = services.staff_account_create(
        actor=platform_admin, username="clerk_9", password="a-Long-pass-phrase", real_name="钱九"
    )

    role = services.staff_role_grant(
        actor=platform_admin, user=user, role=Role.COUNTER_CLERK, department=department
    )

    assert user.is_staff_account is True
    assert role.is_active is True
