"""Account change API (issue 8): /me/ PATCH with current_password, confirmations, password."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from ecity.audit.models import AuditEntry
from ecity.identity.tests.conftest import PASSWORD
from ecity.identity.tests.test_account_changes import confirm_token, sms_code

pytestmark = pytest.mark.django_db

BASE = "/api/v1/identity"
NEW_EMAIL = "new.address@example.org"
NEW_PHONE = "13700000123"


def test_a_wrong_password_is_a_field_error_and_is_audited(api_client, citizen):
    api_client.force_authenticate(citizen)

    response = api_client.patch(
        f"{BASE}/me/?lang=en",
        {"email": NEW_EMAIL, "current_password": "guess-Guess-1"},
        format="json",
    )

    body = response.json()
    assert response.status_code == 400
    assert body["fields"] == {"current_password": ["The password is not correct."]}
    assert AuditEntry.objects.filter(action="auth.reauth_failed", subject=citizen).count() == 1


def test_the_address_and_language_change_without_the_password(api_client, citizen):
    api_client.force_authenticate(citizen)

    response = api_client.patch(
        f"{BASE}/me/", {"address": "新地址", "preferred_language": "en"}, format="json"
    )

    citizen.refresh_from_db()
    assert response.status_code == 200
    assert (citizen.address, citizen.preferred_language) == ("新地址", "en")
    assert response.json()["pending_email"] is None


def test_the_email_confirmation_endpoint_takes_the_token_once(api_client, citizen):
    api_client.force_authenticate(citizen)
    api_client.patch(
        f"{BASE}/me/", {"email": NEW_EMAIL, "current_password": PASSWORD}, format="json"
    )
    anonymous = APIClient()
    token = confirm_token(NEW_EMAIL)

    confirmed = anonymous.post(f"{BASE}/me/email-confirmation/", {"token": token}, format="json")
    again = anonymous.post(f"{BASE}/me/email-confirmation/", {"token": token}, format="json")

    citizen.refresh_from_db()
    assert confirmed.status_code == 200
    assert confirmed.json()["email"] == "n***@example.org"
    assert citizen.email == NEW_EMAIL
    assert again.status_code == 400
    assert again.json()["code"] == "confirmation_invalid"


def test_the_phone_confirmation_endpoint_takes_the_code(api_client, citizen):
    api_client.force_authenticate(citizen)
    pending = api_client.patch(
        f"{BASE}/me/", {"phone": NEW_PHONE, "current_password": PASSWORD}, format="json"
    )

    wrong = api_client.post(f"{BASE}/me/phone-confirmation/", {"code": "000000x"}, format="json")
    right = api_client.post(
        f"{BASE}/me/phone-confirmation/", {"code": sms_code(NEW_PHONE)}, format="json"
    )

    citizen.refresh_from_db()
    assert pending.json()["pending_phone"] == "137****0123"
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "confirmation_invalid"
    assert list(wrong.json()["fields"]) == ["code"]
    assert right.status_code == 200
    assert right.json()["phone"] == "137****0123"
    assert right.json()["pending_phone"] is None
    assert citizen.phone == NEW_PHONE


def test_a_phone_code_without_a_pending_change_answers_its_code(api_client, citizen):
    api_client.force_authenticate(citizen)

    response = api_client.post(f"{BASE}/me/phone-confirmation/", {"code": "123456"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "no_pending_change"


def test_the_password_endpoint_needs_the_password_and_ends_other_sessions(citizen):
    holder, attacker = APIClient(), APIClient()
    assert holder.login(username="citizen", password=PASSWORD)
    assert attacker.login(username="citizen", password=PASSWORD)

    wrong = holder.post(
        f"{BASE}/me/password/",
        {"current_password": "guess-Guess-1", "new_password": "another-Long-phrase"},
        format="json",
    )
    changed = holder.post(
        f"{BASE}/me/password/",
        {"current_password": PASSWORD, "new_password": "another-Long-phrase"},
        format="json",
    )

    citizen.refresh_from_db()
    assert wrong.status_code == 400
    assert list(wrong.json()["fields"]) == ["current_password"]
    assert changed.status_code == 204
    assert citizen.check_password("another-Long-phrase")
    assert holder.get(f"{BASE}/me/").status_code == 200
    assert attacker.get(f"{BASE}/me/").status_code == 403


def test_the_schema_documents_the_account_change_endpoints(api_client):
    paths = api_client.get("/api/schema/", {"format": "json"}).json()["paths"]

    assert {
        "/api/v1/identity/me/email-confirmation/",
        "/api/v1/identity/me/phone-confirmation/",
        "/api/v1/identity/me/password/",
    } <= set(paths)
    patch = paths["/api/v1/identity/me/"]["patch"]
    assert "403" in patch["responses"] and "429" in patch["responses"]
