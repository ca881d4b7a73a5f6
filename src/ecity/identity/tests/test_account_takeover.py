"""Issue 8, "Account takeover": the attack as the probe ran it, end to end.

With a stolen session (the attacker has the victim's cookie, not the password) the attacker
changed the account's e-mail address through the account API and then had the password reset
sent to the new address, which took the account over.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from ecity.identity.tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER = "attacker@evil.example"


def _stolen_session(client, user):
    # A session cookie copied from the victim's browser: logged in, no password known.
    client.force_login(user)
    return client


def test_stolen_session_cannot_change_the_email_and_reset_the_password(client, citizen):
    victim_email = citizen.email
    _stolen_session(client, citizen)

    # When the attacker changes the e-mail through the account API without the password
    changed = client.patch(
        "/api/v1/identity/me/", {"email": ATTACKER}, content_type="application/json"
    )
    # and asks for a password reset to that address
    client.post(reverse("identity:password_reset"), {"email": ATTACKER})

    # Then the change is refused, the address stays and no reset reaches the attacker
    citizen.refresh_from_db()
    assert changed.status_code == 403
    assert changed.json()["code"] == "reauthentication_required"
    assert citizen.email == victim_email
    assert [m for m in mail.outbox if ATTACKER in m.to] == []


def test_stolen_session_cannot_change_the_email_on_the_profile_page(client, citizen):
    victim_email = citizen.email
    _stolen_session(client, citizen)

    client.post(
        reverse("identity:profile_edit"),
        {"email": ATTACKER, "phone": citizen.phone, "preferred_language": "zh-hans"},
    )
    client.post(reverse("identity:password_reset"), {"email": ATTACKER})

    citizen.refresh_from_db()
    assert citizen.email == victim_email
    assert [m for m in mail.outbox if ATTACKER in m.to] == []


def test_with_the_password_the_new_address_is_pending_and_reset_goes_to_the_old_one(
    client, citizen
):
    victim_email = citizen.email
    _stolen_session(client, citizen)

    # When the change is made with the current password
    changed = client.patch(
        "/api/v1/identity/me/",
        {"email": ATTACKER, "current_password": PASSWORD},
        content_type="application/json",
    )
    mail.outbox.clear()
    reset_to_new = client.post(reverse("identity:password_reset"), {"email": ATTACKER})
    reset_to_old = client.post(reverse("identity:password_reset"), {"email": victim_email})

    # Then the new address is only pending: the old one stays in force for the reset
    citizen.refresh_from_db()
    assert changed.status_code == 200
    assert changed.json()["pending_email"] == "a***@evil.example"
    assert citizen.email == victim_email
    assert reset_to_new.status_code == reset_to_old.status_code == 302
    assert [m.to for m in mail.outbox] == [[victim_email]]
    assert re.search(r"/accounts/password/reset/\S+/\S+/", mail.outbox[0].body)
