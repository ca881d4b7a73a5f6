"""Back office: department administrators see and grant only their own department's roles."""

from __future__ import annotations

import pytest

from ecity.audit.models import AuditEntry
from ecity.identity.models import AgentAuthorisation, User
from ecity.identity.tests.factories import (
    AgentAuthorisationFactory,
    LegalEntityFactory,
    StaffRoleFactory,
    StaffUserFactory,
    UserFactory,
)
from ecity.org.models import StaffRole

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/org/staffrole/"


@pytest.fixture
def superuser(db):
    """A platform administrator as ``platform_admin_create`` makes one (a superuser)."""
    user = StaffUserFactory(username="boss", is_staff=True, is_superuser=True)
    StaffRoleFactory(user=user, department=None, role=StaffRole.Role.PLATFORM_ADMIN)
    return user


def test_department_admin_sees_only_own_department_roles(
    client, department_admin, department, other_department
):
    StaffRoleFactory(
        department=department, user=StaffUserFactory(username="own-clerk", real_name="张三")
    )
    StaffRoleFactory(department=other_department, user=UserFactory(username="foreign-clerk"))
    client.force_login(department_admin)

    response = client.get(CHANGELIST)

    page = response.content.decode()
    assert response.status_code == 200
    assert "own-clerk · 张*" in page
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


def _autocomplete(client, term):
    return client.get(
        "/admin/autocomplete/",
        {"app_label": "org", "model_name": "staffrole", "field_name": "user", "term": term},
    )


def test_department_admin_can_search_accounts_only_via_autocomplete(
    client, department_admin, department
):
    StaffRoleFactory(
        department=department, user=StaffUserFactory(username="findme", real_name="吴十")
    )
    client.force_login(department_admin)

    found = _autocomplete(client, "findme")
    listing = client.get("/admin/identity/user/")

    assert found.status_code == 200
    assert [r["text"] for r in found.json()["results"]] == ["findme · 吴*"]
    assert listing.status_code == 403


def test_autocomplete_never_lists_citizens_or_other_departments_staff_to_a_department_admin(
    client, department_admin, department, other_department
):
    # Given a citizen, a colleague at home and a member of staff of another department, all 王
    UserFactory(username="citizen_wang", real_name="王小明", is_staff_account=False)
    StaffRoleFactory(
        department=department, user=StaffUserFactory(username="home_wang", real_name="王芳")
    )
    StaffRoleFactory(
        department=other_department,
        user=StaffUserFactory(username="foreign_wang", real_name="王强"),
    )
    client.force_login(department_admin)

    # When the department administrator searches for 王
    found = _autocomplete(client, "王")

    # Then only the colleague is listed, and the name is masked
    assert found.status_code == 200
    assert [r["text"] for r in found.json()["results"]] == ["home_wang · 王*"]
    assert "王芳" not in found.content.decode()


def test_a_new_staff_account_without_roles_can_be_found_masked(client, department_admin):
    StaffUserFactory(username="newcomer", real_name="赵敏")
    client.force_login(department_admin)

    found = _autocomplete(client, "newcomer")

    assert found.status_code == 200
    assert [r["text"] for r in found.json()["results"]] == ["newcomer · 赵*"]


def test_platform_admin_autocomplete_shows_real_names(client, superuser):
    UserFactory(username="citizen_li", real_name="李雷")
    client.force_login(superuser)

    found = _autocomplete(client, "citizen_li")

    assert [r["text"] for r in found.json()["results"]] == ["李雷"]


def test_staff_role_list_masks_names_for_a_department_admin(client, department_admin, department):
    role = StaffRoleFactory(
        department=department, user=StaffUserFactory(username="clerk_wu", real_name="吴十一")
    )
    client.force_login(department_admin)

    listing = client.get(CHANGELIST)
    detail = client.get(f"{CHANGELIST}{role.pk}/change/")

    assert (listing.status_code, detail.status_code) == (200, 200)
    for page in (listing.content.decode(), detail.content.decode()):
        assert "clerk_wu · 吴**" in page
        assert "吴十一" not in page


def test_department_admin_cannot_grant_himself_a_role_in_the_admin(
    client, department_admin, department
):
    client.force_login(department_admin)

    response = client.post(
        f"{CHANGELIST}add/",
        {"user": department_admin.pk, "role": StaffRole.Role.APPROVER, "department": department.pk},
    )

    assert response.status_code == 200  # the form is shown again with an error
    assert not StaffRole.objects.filter(user=department_admin, role=StaffRole.Role.APPROVER)


def test_department_admin_cannot_give_a_citizen_a_role_in_the_admin(
    client, department_admin, department
):
    citizen = UserFactory(username="somecitizen")
    client.force_login(department_admin)

    response = client.post(
        f"{CHANGELIST}add/",
        {"user": citizen.pk, "role": StaffRole.Role.REVIEWER, "department": department.pk},
    )

    assert response.status_code == 200
    assert not StaffRole.objects.filter(user=citizen).exists()


def test_department_admin_is_offered_only_case_handling_roles(client, department_admin):
    client.force_login(department_admin)

    response = client.get(f"{CHANGELIST}add/")

    choices = [value for value, _label in response.context["adminform"].form.fields["role"].choices]
    assert response.status_code == 200
    assert sorted(c for c in choices if c) == ["approver", "counter_clerk", "reviewer"]


def _management(prefix: str) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_account_change_form_cannot_make_anyone_a_superuser(client, superuser, citizen):
    # Given the platform administrator editing a citizen's account in the admin
    client.force_login(superuser)

    # When the form is posted with the superuser and admin-site boxes ticked
    response = client.post(
        f"/admin/identity/user/{citizen.pk}/change/",
        {
            "username": citizen.username,
            "real_name": citizen.real_name,
            "email": citizen.email,
            "preferred_language": "zh-hans",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "is_staff_account": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
            **_management("staff_roles"),
            **_management("authorisations"),
        },
    )

    # Then the account is saved without becoming a superuser (roles are granted, audited)
    citizen.refresh_from_db()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert (citizen.is_superuser, citizen.is_staff, citizen.is_staff_account) == (
        False,
        False,
        False,
    )


def test_an_account_added_in_the_admin_is_a_staff_account_made_by_the_service(client, superuser):
    client.force_login(superuser)

    response = client.post(
        "/admin/identity/user/add/",
        {
            "username": "clerk_new",
            "real_name": "孙七",
            "email": "clerk_new@example.cn",
            "phone": "",
            "password1": "a-Long-pass-phrase",
            "password2": "a-Long-pass-phrase",
            "usable_password": "true",
        },
    )

    user = User.objects.get(username="clerk_new")
    assert response.status_code == 302
    assert user.is_staff_account is True
    assert AuditEntry.objects.filter(action="account.created", subject=user).exists()


def test_legal_entity_admin_page_read_is_audited(client, superuser, citizen):
    # Given an enterprise whose legal representative has an account
    entity = LegalEntityFactory(legal_representative_id_number=citizen.id_number)
    AgentAuthorisationFactory(
        legal_entity=entity, user=citizen, role=AgentAuthorisation.Role.LEGAL_REPRESENTATIVE
    )
    client.force_login(superuser)

    # When the platform administrator opens it in the admin (ID number shown in full)
    response = client.get(f"/admin/identity/legalentity/{entity.pk}/change/")

    # Then the read is in the trail, with the legal representative as the data subject
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="personal_data.read")
    assert (entry.actor, entry.subject) == (superuser, citizen)
    assert entry.object_id == str(entity.public_id)
    assert "legal_representative_id_number" in entry.fields


def test_account_page_shown_again_after_a_failed_save_is_audited(client, superuser, citizen):
    client.force_login(superuser)

    # When a change is posted that fails validation (the page shows the data again)
    response = client.post(
        f"/admin/identity/user/{citizen.pk}/change/",
        {"username": "", **_management("staff_roles"), **_management("authorisations")},
    )

    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="personal_data.read", subject=citizen).exists()


def test_department_admin_finds_only_his_departments_in_the_role_form(
    client, department_admin, department, other_department
):
    client.force_login(department_admin)

    found = client.get(
        "/admin/autocomplete/",
        {"app_label": "org", "model_name": "staffrole", "field_name": "department", "term": ""},
    )

    assert found.status_code == 200
    assert [r["id"] for r in found.json()["results"]] == [str(department.pk)]


def test_the_admin_cannot_change_a_login_e_mail_or_phone_behind_the_owners_back(
    client, superuser, citizen
):
    # Given the platform administrator editing a citizen's account in the admin
    client.force_login(superuser)
    email, phone = citizen.email, citizen.phone

    # When the form is posted with another e-mail address and phone number
    response = client.post(
        f"/admin/identity/user/{citizen.pk}/change/",
        {
            "username": citizen.username,
            "real_name": citizen.real_name,
            "email": "taken.over@evil.example",
            "phone": "13900000000",
            "preferred_language": "zh-hans",
            "is_active": "on",
            **_management("staff_roles"),
            **_management("authorisations"),
        },
    )

    # Then the account keeps its address and phone: they change only through the owner's
    # confirmed account change, which tells the old address and phone (a password reset would
    # otherwise go to whoever the new address belongs to)
    citizen.refresh_from_db()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert (citizen.email, citizen.phone) == (email, phone)
