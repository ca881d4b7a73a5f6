"""Account change pages (issue 8): e-mail, phone and password with re-authentication."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ecity.audit.models import AuditEntry
from ecity.identity import services
from ecity.identity.models import ContactChange
from ecity.identity.security import reauth
from ecity.identity.tests.conftest import PASSWORD
from ecity.identity.tests.test_account_changes import confirm_token, sms_code
from ecity.identity.tests.test_mfa import enrol
from ecity.notify.models import Notification

pytestmark = pytest.mark.django_db

NEW_EMAIL = "new.address@example.org"
NEW_PHONE = "13700000123"


def en(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def logged_in(client, user):
    """A logged-in session as the login page makes it, minus the moment of the password."""
    client.force_login(user)
    return client


def test_email_page_asks_for_the_password_and_refuses_without_it(client, citizen):
    logged_in(client, citizen)

    page = client.get(en("identity:email_change"))
    refused = client.post(en("identity:email_change"), {"email": NEW_EMAIL})

    citizen.refresh_from_db()
    assert page.status_code == 200
    assert list(page.context["form"].fields) == ["email", "current_password"]
    assert refused.status_code == 400
    assert refused.context["form"].errors["current_password"] == [
        "Enter your current password to confirm it is you."
    ]
    assert citizen.email == "citizen@example.cn"
    assert not ContactChange.objects.exists()


def test_email_page_with_the_password_leaves_the_change_pending_on_the_profile(client, citizen):
    logged_in(client, citizen)

    response = client.post(
        en("identity:email_change"), {"email": NEW_EMAIL, "current_password": PASSWORD}
    )
    profile = client.get(en("identity:profile"))
    again = client.get(en("identity:email_change"))

    citizen.refresh_from_db()
    page = profile.content.decode()
    assert response.status_code == 302
    assert citizen.email == "citizen@example.cn"
    assert "We sent a link to n***@example.org." in page
    assert "New address n***@example.org is waiting" in page
    assert NEW_EMAIL not in page
    # The password was just entered: the next change within the window does not ask again
    assert list(again.context["form"].fields) == ["email"]


def test_an_account_with_an_authenticator_is_offered_the_code_instead(client, citizen):
    enrol(citizen)
    logged_in(client, citizen)

    page = client.get(en("identity:phone_change"))

    assert list(page.context["form"].fields) == ["phone", "current_password", "code"]


def test_the_confirmation_link_page_confirms_only_with_its_button(client, citizen):
    logged_in(client, citizen)
    client.post(en("identity:email_change"), {"email": NEW_EMAIL, "current_password": PASSWORD})
    url = en("identity:email_change_confirm", confirm_token(NEW_EMAIL))
    other_device = Client()

    # Opening the link (as a mail scanner would) changes nothing
    opened = other_device.get(url)
    citizen.refresh_from_db()
    assert opened.status_code == 200
    assert citizen.email == "citizen@example.cn"
    # The button confirms, without a login (the link itself is the proof)
    confirmed = other_device.post(url)
    used_again = other_device.post(url)

    citizen.refresh_from_db()
    assert confirmed.status_code == 302
    assert confirmed["Location"] == en("identity:login")
    assert citizen.email == NEW_EMAIL
    assert used_again.status_code == 400
    assert "not valid" in used_again.content.decode()


def test_a_broken_link_says_so(client):
    response = client.get(en("identity:email_change_confirm", "forged-token"))
    posted = client.post(en("identity:email_change_confirm", "forged-token"))

    assert response.status_code == 200
    assert posted.status_code == 400
    assert posted.content.decode().count("<h1") == 1


def test_phone_pages_send_a_code_and_the_code_changes_the_number(client, citizen):
    logged_in(client, citizen)

    asked = client.post(
        en("identity:phone_change"), {"phone": NEW_PHONE, "current_password": PASSWORD}
    )
    code_page = client.get(asked["Location"])
    wrong = client.post(en("identity:phone_change_confirm"), {"code": "000000x"})
    right = client.post(en("identity:phone_change_confirm"), {"code": sms_code(NEW_PHONE)})

    citizen.refresh_from_db()
    assert asked["Location"] == reverse("identity:phone_change_confirm")
    assert "137****0123" in code_page.content.decode()
    assert wrong.status_code == 400
    assert "code" in wrong.context["form"].errors
    assert right.status_code == 302
    assert citizen.phone == NEW_PHONE


def test_a_pending_change_can_be_cancelled_from_the_profile(client, citizen):
    logged_in(client, citizen)
    client.post(en("identity:email_change"), {"email": NEW_EMAIL, "current_password": PASSWORD})

    response = client.post(en("identity:contact_change_cancel", "email"))
    unknown = client.post(en("identity:contact_change_cancel", "fax"))

    assert response.status_code == 302
    assert unknown.status_code == 404
    assert ContactChange.objects.get().status == ContactChange.Status.CANCELLED
    assert "New address" not in client.get(en("identity:profile")).content.decode()


def test_a_password_change_logs_out_every_other_session_and_keeps_this_one(citizen):
    # Given the holder's browser and an attacker's copy of an older session
    holder, attacker = Client(), Client()
    assert holder.login(username="citizen", password=PASSWORD)
    assert attacker.login(username="citizen", password=PASSWORD)

    wrong = holder.post(
        en("identity:password_change"),
        {
            "current_password": "guess-Guess-1",
            "new_password1": "another-Long-phrase",
            "new_password2": "another-Long-phrase",
        },
    )
    changed = holder.post(
        en("identity:password_change"),
        {
            "current_password": PASSWORD,
            "new_password1": "another-Long-phrase",
            "new_password2": "another-Long-phrase",
        },
    )

    assert wrong.status_code == 400
    assert "current_password" in wrong.context["form"].errors
    assert changed.status_code == 302
    assert holder.get(en("identity:profile")).status_code == 200
    assert attacker.get(en("identity:profile")).status_code == 302
    assert AuditEntry.objects.filter(action="account.password_changed", subject=citizen).exists()


def test_a_password_reset_through_the_link_cancels_pending_changes_and_tells(client, citizen):
    session: dict = {}
    reauth.reauth_mark(session)
    services.email_change_request(user=citizen, session=session, email=NEW_EMAIL)
    client.post(reverse("identity:password_reset"), {"email": citizen.email})
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)

    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-New-pass-phrase", "new_password2": "brand-New-pass-phrase"},
    )

    citizen.refresh_from_db()
    assert done["Location"] == reverse("identity:password_reset_complete")
    assert citizen.check_password("brand-New-pass-phrase")
    assert ContactChange.objects.get().status == ContactChange.Status.CANCELLED
    assert Notification.objects.filter(event="password_changed").exists()
    assert AuditEntry.objects.filter(action="account.password_reset", subject=citizen).exists()


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("name", ["identity:email_change", "identity:phone_change"])
def test_change_pages_render_with_one_heading(client, citizen, name, prefix):
    logged_in(client, citizen)

    response = client.get(prefix + reverse(name))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert " style=" not in page and "<script" not in page
