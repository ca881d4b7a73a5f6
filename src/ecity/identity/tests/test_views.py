"""HTML journeys: register, log in, profile, switch identity, enterprises, password reset."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from ecity.identity import selectors, services
from ecity.identity.models import AgentAuthorisation, User
from ecity.identity.tests.conftest import PASSWORD
from ecity.identity.tests.factories import UserFactory, id_number_for, uscc_for

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "username": "lisi",
    "real_name": "李四",
    "id_number": id_number_for(601),
    "phone": "13900000601",
    "email": "lisi@example.cn",
    "password1": "a-Long-pass-phrase",
    "password2": "a-Long-pass-phrase",
}


def test_register_login_profile_switch_logout_journey(client, enterprise_b, clerk):
    # Register.
    response = client.post(reverse("identity:register"), REGISTRATION)
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:login")
    user = User.objects.get(username="lisi")

    # Log in with the phone number.
    response = client.post(
        reverse("identity:login"), {"username": "13900000601", "password": "a-Long-pass-phrase"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:profile")

    # Profile shows masked identifiers, never the full ones.
    response = client.get(reverse("identity:profile"))
    page = response.content.decode()
    assert response.status_code == 200
    assert id_number_for(601)[:4] + "*" * 10 + id_number_for(601)[-4:] in page
    assert "139****0601" in page
    assert id_number_for(601) not in page

    # A registered-only account cannot register an enterprise yet.
    shop = {
        "uscc": uscc_for(61),
        "name": "李四商店",
        "legal_representative_name": "李四",
        "legal_representative_id_number": id_number_for(601),
    }
    response = client.post(reverse("identity:enterprise_register"), shop)
    assert response.status_code == 200
    assert not AgentAuthorisation.objects.filter(user=user).exists()

    # Get verified online with the (demo) identity provider: its page, then back.
    response = client.post(reverse("identity:verify"), {"provider": "demo"})
    assert response.status_code == 302
    provider_page = client.get(response["Location"])
    assert provider_page.status_code == 200
    response = client.post(
        reverse("identity:demo_provider"),
        {
            "state": provider_page.context["state"],
            "return_to": provider_page.context["return_to"],
            "real_name": "李四",
            "id_number": id_number_for(601),
            "decision": "confirm",
        },
    )
    assert client.get(response["Location"]).status_code == 302  # the callback
    user.refresh_from_db()
    assert (user.identity_level, user.identity_method) == (2, "idp:demo")

    # Register an enterprise: it is not verified, so nobody acts for it yet.
    response = client.post(reverse("identity:enterprise_register"), shop)
    authorisation = AgentAuthorisation.objects.get(user=user)
    assert authorisation.role == AgentAuthorisation.Role.LEGAL_REPRESENTATIVE
    assert response.status_code == 302
    entity = authorisation.legal_entity
    client.post(reverse("identity:switch_identity"), {"acting_as": str(entity.public_id)})
    assert not client.session.get(selectors.ACTING_SESSION_KEY)

    # Once a clerk has verified it against its licence, act for it.
    services.legal_entity_verify_at_counter(
        actor=clerk,
        legal_entity=entity,
        name_on_licence="李四商店",
        representative_on_licence="李四",
    )
    response = client.post(
        reverse("identity:switch_identity"), {"acting_as": str(entity.public_id)}
    )
    assert response.status_code == 302
    assert client.session[selectors.ACTING_SESSION_KEY] == str(entity.public_id)
    assert "李四商店" in client.get(reverse("identity:profile")).content.decode()

    # Acting for someone else's enterprise is refused and changes nothing.
    client.post(reverse("identity:switch_identity"), {"acting_as": str(enterprise_b.public_id)})
    assert client.session[selectors.ACTING_SESSION_KEY] == str(entity.public_id)

    # Logout is POST only.
    assert client.get(reverse("identity:logout")).status_code == 405
    response = client.post(reverse("identity:logout"))
    assert response.status_code == 302
    assert client.get(reverse("identity:profile")).status_code == 302


def test_register_shows_field_errors_in_summary(client):
    data = {**REGISTRATION, "password2": "different"}

    response = client.post("/en" + reverse("identity:register"), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"password2"}
    assert 'class="error-summary"' in page
    assert 'href="#id_password2"' in page
    assert "The two passwords are not the same." in page
    assert not User.objects.filter(username="lisi").exists()


def test_register_reports_service_errors_per_field(client):
    UserFactory(phone="13900000601")
    bad_id = id_number_for(602)[:-1] + ("1" if id_number_for(602)[-1] != "1" else "2")

    response = client.post(reverse("identity:register"), {**REGISTRATION, "id_number": bad_id})

    assert set(response.context["form"].errors) == {"phone", "id_number"}


def test_login_error_does_not_reveal_which_part_was_wrong(client, citizen):
    wrong_password = client.post(
        "/en/accounts/login/", {"username": "citizen", "password": "nope-nope-nope"}
    )
    unknown_user = client.post(
        "/en/accounts/login/", {"username": "nobody", "password": "nope-nope-nope"}
    )

    message = "The login name or password is incorrect. Check both and try again."
    assert wrong_password.context["form"].non_field_errors() == [message]
    assert unknown_user.context["form"].non_field_errors() == [message]


@pytest.mark.parametrize("login", ["citizen", "CITIZEN", "citizen@example.cn", "PHONE"])
def test_login_by_username_phone_or_email(client, citizen, login):
    if login == "PHONE":
        login = f"+86 {citizen.phone}"
    response = client.post(reverse("identity:login"), {"username": login, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_login_redirects_to_safe_next_only(client, citizen):
    safe = client.post(
        reverse("identity:login") + "?next=/services/",
        {"username": "citizen", "password": PASSWORD, "next": "/services/"},
    )
    client.logout()
    unsafe = client.post(
        reverse("identity:login"),
        {"username": "citizen", "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert safe["Location"] == "/services/"
    assert unsafe["Location"] == reverse("identity:profile")


@pytest.mark.parametrize(
    "target",
    ["/\\evil.example/", "/\t/evil.example/", "/\x00/evil.example/"],
    ids=["backslash", "tab", "nul"],
)
def test_login_and_switch_identity_refuse_next_with_control_characters(
    client, citizen, enterprise_a, target
):
    login = client.post(
        reverse("identity:login"), {"username": "citizen", "password": PASSWORD, "next": target}
    )
    switch = client.post(
        reverse("identity:switch_identity"),
        {"acting_as": str(enterprise_a.public_id), "next": target},
    )

    assert login["Location"] == reverse("identity:profile")
    assert switch["Location"] == reverse("identity:profile")


def test_switch_identity_ignores_external_next(client, citizen, enterprise_a):
    client.force_login(citizen)

    response = client.post(
        reverse("identity:switch_identity"),
        {"acting_as": str(enterprise_a.public_id), "next": "//evil.example/"},
    )

    assert response["Location"] == reverse("identity:profile")


def test_profile_requires_login(client):
    response = client.get(reverse("identity:profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login"))


def test_profile_lists_staff_roles(client, department_admin):
    client.force_login(department_admin)

    page = client.get("/en/accounts/profile/").content.decode()

    assert "Department administrator" in page
    assert department_admin.staff_roles.get().department.name_en in page


def test_profile_edit_saves_and_validates(client, citizen):
    client.force_login(citizen)
    url = reverse("identity:profile_edit")
    stored = (citizen.phone, citizen.email)

    wrong = client.post(url, {"address": "新地址", "preferred_language": "klingon"})
    saved = client.post(
        url,
        # Phone and e-mail are no longer fields of this page: posted anyway, they are ignored.
        {
            "address": "新地址",
            "preferred_language": "en",
            "phone": "13900000999",
            "email": "x@y.cn",
        },
    )

    citizen.refresh_from_db()
    assert "preferred_language" in wrong.context["form"].errors
    assert saved.status_code == 302
    assert citizen.address == "新地址"
    assert (citizen.phone, citizen.email) == stored


def test_password_reset_mail_link_sets_new_password(client, citizen):
    response = client.post(reverse("identity:password_reset"), {"email": "CITIZEN@example.cn"})
    assert response["Location"] == reverse("identity:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["citizen@example.cn"]
    link = re.search(r"https?://[^/]+(/\S+)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {"new_password1": "brand-New-pass-phrase", "new_password2": "brand-New-pass-phrase"},
    )

    citizen.refresh_from_db()
    assert done["Location"] == reverse("identity:password_reset_complete")
    assert citizen.check_password("brand-New-pass-phrase")


def test_password_reset_mail_is_translated(client, citizen):
    client.post(reverse("identity:password_reset"), {"email": citizen.email})

    assert "密码" in mail.outbox[0].subject
    assert "账号“citizen”" in mail.outbox[0].body


def test_password_reset_for_unknown_address_sends_nothing_but_looks_the_same(client):
    response = client.post(reverse("identity:password_reset"), {"email": "nobody@example.cn"})

    assert response.status_code == 302
    assert response["Location"] == reverse("identity:password_reset_done")
    assert mail.outbox == []


def test_password_change(client, citizen):
    client.force_login(citizen)

    response = client.post(
        reverse("identity:password_change"),
        {
            "current_password": PASSWORD,
            "new_password1": "another-Long-phrase",
            "new_password2": "another-Long-phrase",
        },
    )

    citizen.refresh_from_db()
    assert response["Location"] == reverse("identity:profile")
    assert citizen.check_password("another-Long-phrase")


def test_enterprise_pages_are_limited_to_own_enterprises(
    client, citizen, enterprise_a, enterprise_b
):
    client.force_login(citizen)

    own = client.get(reverse("identity:enterprise_detail", args=[enterprise_a.public_id]))
    foreign = client.get(reverse("identity:enterprise_detail", args=[enterprise_b.public_id]))
    listing_response = client.get(reverse("identity:enterprise_list"))

    assert own.status_code == listing_response.status_code == 200
    assert foreign.status_code == 404
    listing = listing_response.content.decode()
    assert "甲公司" in listing and "乙公司" not in listing


def test_grant_and_revoke_agent_through_forms(client, citizen, enterprise_a):
    colleague = UserFactory(real_name="孙八", is_real_name_verified=True)
    client.force_login(citizen)
    grant_url = reverse("identity:agent_grant", args=[enterprise_a.public_id])

    response = client.post(
        grant_url,
        {"grant-real_name": "孙八", "grant-id_number": colleague.id_number, "grant-role": "agent"},
    )
    authorisation = AgentAuthorisation.objects.get(user=colleague)
    revoke = client.post(
        reverse("identity:agent_revoke", args=[enterprise_a.public_id, authorisation.public_id])
    )

    authorisation.refresh_from_db()
    assert response.status_code == 302
    assert revoke.status_code == 302
    assert authorisation.is_active is False


def test_grant_form_shows_errors(client, citizen, enterprise_a):
    client.force_login(citizen)

    response = client.post(
        reverse("identity:agent_grant", args=[enterprise_a.public_id]),
        {"grant-real_name": "无此人", "grant-id_number": id_number_for(999), "grant-role": "agent"},
    )

    assert response.status_code == 400
    assert "id_number" in response.context["grant_form"].errors


def test_plain_agent_cannot_grant_through_form(client, enterprise_a):
    agent = UserFactory()
    AgentAuthorisation.objects.create(legal_entity=enterprise_a, user=agent)
    client.force_login(agent)
    target = UserFactory(real_name="周九")

    response = client.post(
        reverse("identity:agent_grant", args=[enterprise_a.public_id]),
        {"grant-real_name": "周九", "grant-id_number": target.id_number, "grant-role": "agent"},
    )

    assert response.status_code == 400
    assert not AgentAuthorisation.objects.filter(user=target).exists()


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize(
    "name",
    [
        "identity:profile",
        "identity:profile_edit",
        "identity:password_change",
        "identity:enterprise_list",
        "identity:enterprise_register",
    ],
)
def test_account_pages_render_with_one_heading(client, citizen, enterprise_a, name, prefix):
    client.force_login(citizen)

    response = client.get(prefix + reverse(name))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert " style=" not in page and "<script" not in page


@pytest.mark.parametrize(
    "name",
    [
        "identity:login",
        "identity:register",
        "identity:password_reset",
        "identity:password_reset_done",
    ],
)
def test_public_pages_render(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1
