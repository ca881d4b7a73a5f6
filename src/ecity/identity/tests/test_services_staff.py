"""Writes of the city's staff: staff roles, administrators, staff accounts."""

from __future__ import annotations

import pytest
from django.utils import translation

from ecity.audit.models import AuditEntry
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.identity import services
from ecity.identity.models import User
from ecity.identity.tests.factories import (
    DepartmentFactory,
    StaffRoleFactory,
    StaffUserFactory,
    UserFactory,
)
from ecity.org import selectors as org_selectors
from ecity.org.models import StaffRole

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English (the msgids)."""
    with translation.override("en"):
        yield


def test_staff_role_grant_by_department_admin_in_own_department(department_admin, department):
    clerk = StaffUserFactory()

    role = services.staff_role_grant(
        actor=department_admin, user=clerk, role=StaffRole.Role.COUNTER_CLERK, department=department
    )

    assert role.is_active is True
    assert org_selectors.user_has_role(
        user=clerk, role=StaffRole.Role.COUNTER_CLERK, department=department
    )


def test_department_admin_may_grant_in_sub_unit(department_admin, department):
    sub_unit = DepartmentFactory(parent=department, region=department.region)

    role = services.staff_role_grant(
        actor=department_admin,
        user=StaffUserFactory(),
        role=StaffRole.Role.REVIEWER,
        department=sub_unit,
    )

    assert role.department == sub_unit


def test_department_admin_cannot_grant_in_another_department(department_admin, other_department):
    with pytest.raises(PermissionDenied):
        services.staff_role_grant(
            actor=department_admin,
            user=StaffUserFactory(),
            role=StaffRole.Role.REVIEWER,
            department=other_department,
        )

    assert not StaffRole.objects.filter(department=other_department).exists()


def test_department_admin_cannot_grant_platform_admin(department_admin):
    with pytest.raises(PermissionDenied):
        services.staff_role_grant(
            actor=department_admin, user=StaffUserFactory(), role=StaffRole.Role.PLATFORM_ADMIN
        )


def test_citizen_cannot_grant_staff_roles(citizen, department):
    with pytest.raises(PermissionDenied):
        services.staff_role_grant(
            actor=citizen, user=citizen, role=StaffRole.Role.APPROVER, department=department
        )


def test_granting_department_admin_gives_admin_site_access(platform_admin, department):
    user = StaffUserFactory()

    role = services.staff_role_grant(
        actor=platform_admin, user=user, role=StaffRole.Role.DEPARTMENT_ADMIN, department=department
    )
    user.refresh_from_db()
    access_after_grant = user.is_staff
    services.staff_role_revoke(actor=platform_admin, staff_role=role)
    user.refresh_from_db()

    assert access_after_grant is True
    assert user.is_staff is False


def test_duplicate_active_role_is_refused(platform_admin, department):
    user = StaffUserFactory()
    services.staff_role_grant(
        actor=platform_admin, user=user, role=StaffRole.Role.APPROVER, department=department
    )

    with pytest.raises(ValidationFailed) as caught:
        services.staff_role_grant(
            actor=platform_admin, user=user, role=StaffRole.Role.APPROVER, department=department
        )

    assert list(caught.value.fields) == ["role"]


def test_last_platform_admin_cannot_be_revoked(platform_admin):
    # Given a superuser (from the command line) who holds no platform administrator role
    superuser = StaffUserFactory(username="operator", is_superuser=True)
    only = StaffRole.objects.get(user=platform_admin, role=StaffRole.Role.PLATFORM_ADMIN)

    # When they revoke the only platform administrator role, it is refused
    with pytest.raises(ValidationFailed):
        services.staff_role_revoke(actor=superuser, staff_role=only)


def test_platform_admin_create_makes_superuser_with_role():
    user = services.platform_admin_create(
        username="ops", email="ops@example.cn", password="a-Long-pass-phrase"
    )

    assert user.is_staff and user.is_superuser
    assert org_selectors.is_platform_admin(user=user)
    assert StaffRole.objects.filter(user=user, role=StaffRole.Role.PLATFORM_ADMIN).count() == 1


# --- setting up a city: staff accounts, verifications ------------------------------------


def test_platform_admin_creates_a_staff_account_without_roles(platform_admin):
    # When
    user = services.staff_account_create(
        actor=platform_admin,
        username="clerk_1",
        password="a-Long-pass-phrase",
        real_name=" 赵敏 ",
        email="ZhaoMin@Example.cn",
        phone="13900990011",
    )

    # Then
    user.refresh_from_db()
    assert (user.username, user.real_name, user.email, user.phone) == (
        "clerk_1",
        "赵敏",
        "zhaomin@example.cn",
        "13900990011",
    )
    assert user.check_password("a-Long-pass-phrase")
    assert (user.is_staff, user.is_superuser, user.id_number) == (False, False, "")
    assert not StaffRole.objects.filter(user=user).exists()
    entry = AuditEntry.objects.get(action="account.created")
    assert (entry.actor, entry.subject) == (platform_admin, user)


def test_staff_account_create_reports_every_problem_and_writes_nothing(platform_admin):
    UserFactory(username="taken", phone="13900990012")

    with pytest.raises(ValidationFailed) as excinfo:
        services.staff_account_create(
            actor=platform_admin,
            username="taken",
            password="123",
            real_name="",
            phone="13900990012",
        )

    assert set(excinfo.value.fields) == {"username", "real_name", "phone", "password"}
    assert User.objects.count() == 2


def test_only_a_platform_admin_creates_staff_accounts(db):
    department_admin = UserFactory()
    StaffRoleFactory(user=department_admin, role=StaffRole.Role.DEPARTMENT_ADMIN)

    with pytest.raises(PermissionDenied):
        services.staff_account_create(
            actor=department_admin,
            username="clerk_2",
            password="a-Long-pass-phrase",
            real_name="钱磊",
        )

    assert not User.objects.filter(username="clerk_2").exists()


def test_platform_admin_create_records_the_real_name(db):
    admin = services.platform_admin_create(
        username="root2", password="a-Long-pass-phrase", real_name=" 平台管理员 "
    )

    admin.refresh_from_db()
    assert admin.real_name == "平台管理员"
    assert org_selectors.is_platform_admin(user=admin)
