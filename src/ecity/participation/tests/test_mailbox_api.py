"""Mailbox API: anyone lists mailboxes; only signed-in citizens send letters."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecity.identity.tests.factories import UserFactory
from ecity.participation.models import Letter
from ecity.participation.tests.factories import MailboxFactory

pytestmark = pytest.mark.django_db


def test_anyone_lists_open_mailboxes(api_client):
    MailboxFactory(code="mayor")
    MailboxFactory(code="shut", is_active=False)
    response = api_client.get(reverse("participation-api:mailboxes"))
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == ["mayor"]


def test_signed_in_citizen_sends_a_letter(api_client):
    mailbox = MailboxFactory()
    api_client.force_authenticate(UserFactory())
    response = api_client.post(
        reverse("participation-api:mailbox-letters", args=[mailbox.public_id]),
        {"subject": "路灯不亮", "body": "幸福路路灯坏了。", "consent_to_publish": True},
        format="json",
    )
    assert response.status_code == 201
    assert Letter.objects.get().number == response.json()["number"]


def test_anonymous_cannot_send_and_empty_body_is_a_field_error(api_client):
    mailbox = MailboxFactory()
    url = reverse("participation-api:mailbox-letters", args=[mailbox.public_id])
    assert api_client.post(url, {"subject": "a", "body": "b"}, format="json").status_code in (
        401,
        403,
    )
    api_client.force_authenticate(UserFactory())
    response = api_client.post(url, {"subject": "路灯", "body": ""}, format="json")
    assert response.status_code == 400
    assert "body" in response.json()["fields"]
    assert Letter.objects.count() == 0


def test_a_letter_that_is_not_a_json_object_is_a_clear_error(api_client):
    # Given a signed-in citizen whose client sends a JSON array instead of an object
    mailbox = MailboxFactory()
    api_client.force_authenticate(UserFactory())
    url = reverse("participation-api:mailbox-letters", args=[mailbox.public_id])
    response = api_client.post(url, "[null, null]", content_type="application/json")
    # Then the answer is a 400 that says so (schemathesis found a 500 here), and nothing is stored
    assert response.status_code == 400
    assert Letter.objects.count() == 0
