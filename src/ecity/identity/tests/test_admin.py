"""Back office: department administrators see and grant only their own department's roles."""

from __future__ import annotations

import pytest

from ecity.identity.tests.factories import StaffRoleFactory, StaffUserFactory, UserFactory
from ecity.org.models import StaffRole

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/org/staffrole/"


def test_department_admin_sees_only_own_department_roles(
    client, department_admin, department, other_department
):
    own = StaffRoleFactory(department=department, user=UserFactory(username="own-clerk"))
    StaffRoleFactory(department=other_department, user=UserFactory(username="foreign-clerk"))
    client.force_login(department_admin)

    response = client.get(CHANGELIST)

    page = response.content.decode()
    assert response.status_code == 200
    assert str(own.user) in page
    assert "foreign-clerk" not in {r.user.username for r in response.context["cl"].queryset}
    assert set(response.context["cl"].queryset.values_list("department", flat=True)) == {
        department.pk
    }


def test_department_admin_cannot_add_role_in_other_department(
    client, department_admin, other_department
):
    target = StaffUserFactory()
    client.force_login(department_admin)

    response = client.post(
        f"{CHANGELIST}add/",
        {"user": target.pk, "role": StaffRole.Role.REVIEWER, "department": other_department.pk},
    )

    assert response.status_code == 200  # the form is shown again with an error
    assert not StaffRole.objects.filter(user=target).exists()


def test_department_admin_adds_role_in_own_department(client, department_admin, department):
    target = StaffUserFactory()
    client.force_login(department_admin)

    response = client.post(
        f"{CHANGELIST}add/",
        {"user": target.pk, "role": StaffRole.Role.REVIEWER, "department": department.pk},
    )

    assert response.status_code == 302
    assert StaffRole.objects.filter(user=target, department=department, is_active=True).exists()


def test_citizen_cannot_open_admin(client, citizen):
    client.force_login(citizen)

    assert client.get(CHANGELIST).status_code == 302


def test_superuser_sees_user_admin_with_masked_ids(client, citizen):
    admin = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client.force_login(admin)

    page = client.get("/admin/identity/user/").content.decode()

    assert citizen.id_number_masked in page


def test_department_admin_can_search_accounts_only_via_autocomplete(client, department_admin):
    UserFactory(username="findme", real_name="吴十")
    client.force_login(department_admin)

    found = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "org",
            "model_name": "staffrole",
            "field_name": "user",
            "term": "findme",
        },
    )
    listing = client.get("/admin/identity/user/")

    assert found.status_code == 200
    assert [r["text"] for r in found.json()["results"]] == ["吴十"]
    assert listing.status_code == 403
