"""Reads and the permission helpers other apps rely on."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from ecity.core.errors import NotFound, PermissionDenied
from ecity.core.masking import mask_email, mask_id_number, mask_phone
from ecity.identity import selectors
from ecity.identity.tests.factories import (
    DepartmentFactory,
    RegionFactory,
    StaffRoleFactory,
    UserFactory,
)
from ecity.org import selectors as org_selectors
from ecity.org.models import Region, StaffRole

pytestmark = pytest.mark.django_db


def test_masks_show_only_identifying_ends():
    assert mask_id_number("11010519900517002X") == "1101**********002X"
    assert mask_phone("13800000001") == "138****0001"
    assert mask_email("zhangsan@example.cn") == "z***@example.cn"
    assert mask_id_number("") == ""


def test_acting_identity_defaults_to_citizen(citizen):
    identity = selectors.acting_identity(user=citizen, session={})

    assert identity.kind == "citizen"
    assert identity.display_name == citizen.real_name
    assert identity.legal_entity is None


def test_acting_identity_for_anonymous_is_none():
    assert selectors.acting_identity(user=AnonymousUser(), session={}) is None


def test_acting_identity_falls_back_when_session_names_a_foreign_enterprise(
    citizen, enterprise_a, enterprise_b
):
    session = {selectors.ACTING_SESSION_KEY: str(enterprise_b.public_id)}

    identity = selectors.acting_identity(user=citizen, session=session)

    assert identity.kind == "citizen"


def test_acting_identities_lists_self_then_enterprises(citizen, enterprise_a, enterprise_b):
    identities = selectors.acting_identities(user=citizen)

    assert [i.kind for i in identities] == ["citizen", "enterprise"]
    assert identities[1].legal_entity == enterprise_a


def test_agent_of_a_cannot_open_b(citizen, enterprise_a, enterprise_b):
    assert (
        selectors.legal_entity_get(user=citizen, public_id=enterprise_a.public_id) == enterprise_a
    )
    with pytest.raises(NotFound):
        selectors.legal_entity_get(user=citizen, public_id=enterprise_b.public_id)
    with pytest.raises(NotFound):
        selectors.legal_entity_get(user=citizen, public_id="not-a-uuid")


def test_agent_list_only_for_managers(citizen, enterprise_a, enterprise_b):
    assert [a.user for a in selectors.agent_list(actor=citizen, legal_entity=enterprise_a)] == [
        citizen
    ]
    with pytest.raises(PermissionDenied):
        selectors.agent_list(actor=citizen, legal_entity=enterprise_b)


def test_user_has_role_covers_sub_units_but_not_siblings(department, other_department):
    sub_unit = DepartmentFactory(parent=department, region=department.region)
    reviewer = StaffRoleFactory(department=department, role=StaffRole.Role.REVIEWER).user

    assert org_selectors.user_has_role(user=reviewer, role=StaffRole.Role.REVIEWER)
    assert org_selectors.user_has_role(
        user=reviewer, role=StaffRole.Role.REVIEWER, department=sub_unit
    )
    assert not org_selectors.user_has_role(
        user=reviewer, role=StaffRole.Role.REVIEWER, department=other_department
    )
    assert not org_selectors.user_has_role(
        user=reviewer, role=StaffRole.Role.APPROVER, department=department
    )


def test_inactive_roles_and_departments_do_not_count(department):
    role = StaffRoleFactory(department=department, role=StaffRole.Role.APPROVER, is_active=False)
    closed = DepartmentFactory(is_active=False)
    other = StaffRoleFactory(department=closed, role=StaffRole.Role.APPROVER)

    assert not org_selectors.user_has_role(user=role.user, role=StaffRole.Role.APPROVER)
    assert not org_selectors.user_has_role(user=other.user, role=StaffRole.Role.APPROVER)


def test_departments_where_lists_own_department_and_sub_units(department_admin, department):
    sub_unit = DepartmentFactory(parent=department, region=department.region)
    DepartmentFactory()

    departments = org_selectors.departments_where(
        user=department_admin, role=StaffRole.Role.DEPARTMENT_ADMIN
    )

    assert set(departments) == {department, sub_unit}


def test_platform_admin_has_every_role(platform_admin, department):
    assert org_selectors.is_platform_admin(user=platform_admin)
    assert org_selectors.user_has_role(
        user=platform_admin, role=StaffRole.Role.APPROVER, department=department
    )


def test_staff_list_for_department_admin_is_limited_to_own_department(
    department_admin, department, other_department
):
    StaffRoleFactory(department=other_department)
    clerk = StaffRoleFactory(department=department, role=StaffRole.Role.COUNTER_CLERK)

    visible = org_selectors.staff_list(actor=department_admin)

    assert {r.department for r in visible} == {department}
    assert clerk in visible
    with pytest.raises(PermissionDenied):
        org_selectors.staff_list(actor=department_admin, department=other_department)


def test_non_staff_cannot_see_staff_lists(citizen, department):
    StaffRoleFactory(department=department)

    with pytest.raises(PermissionDenied):
        org_selectors.staff_list(actor=citizen)
    with pytest.raises(PermissionDenied):
        org_selectors.staff_list(actor=AnonymousUser())


def test_staff_list_makes_constant_queries(platform_admin, department, django_assert_num_queries):
    for _ in range(5):
        StaffRoleFactory(department=department)

    with django_assert_num_queries(2):  # the admin check + the list with joins
        rows = [
            (r.user.username, r.department.code if r.department else "")
            for r in org_selectors.staff_list(actor=platform_admin)
        ]

    assert len(rows) == 6  # five staff and the platform administrator


def test_region_tree_nests_levels():
    city = RegionFactory(code="110000", level=Region.Level.CITY)
    district = RegionFactory(code="110105", level=Region.Level.DISTRICT, parent=city)
    street = RegionFactory(code="110105001", level=Region.Level.SUBDISTRICT, parent=district)

    tree = org_selectors.region_tree()

    assert [n.obj for n in tree] == [city]
    assert [n.obj for n in tree[0].children] == [district]
    assert [n.obj for n in tree[0].children[0].children] == [street]


def test_department_list_filters_and_excludes_inactive(department):
    sub_unit = DepartmentFactory(code="MSR-01", parent=department, region=department.region)
    DepartmentFactory(code="OLD", is_active=False)

    assert set(org_selectors.department_list(parent_code="MSR")) == {sub_unit}
    assert "OLD" not in {d.code for d in org_selectors.department_list()}
    assert {d.code for d in org_selectors.department_list(q="市场")} == {"MSR"}
    tree = org_selectors.department_tree()
    msr = next(n for n in tree if n.obj == department)
    assert [n.obj for n in msr.children] == [sub_unit]


def test_user_roles_for_anonymous_is_empty():
    assert list(org_selectors.user_roles(user=AnonymousUser())) == []
    assert not org_selectors.is_staff_member(user=UserFactory())
