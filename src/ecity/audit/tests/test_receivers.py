"""Log in, failed log in and log out are recorded with the address, never the password."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecity.audit.models import AuditEntry
from ecity.audit.tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_successful_login_is_recorded_with_ip(client, citizen):
    # when the citizen logs in through the login page
    response = client.post(
        reverse("identity:login"),
        {"username": "citizen", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="TestBrowser/1.0",
    )
    # then an auth.login entry names the citizen and the address
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="auth.login")
    assert entry.actor == citizen and entry.actor_username == "citizen"
    assert entry.ip_address == "203.0.113.9"
    assert entry.user_agent == "TestBrowser/1.0"


def test_failed_login_is_recorded_with_login_name_and_ip_but_no_password(client, citizen):
    # when someone tries a wrong password
    response = client.post(
        reverse("identity:login"),
        {"username": "citizen", "password": "wrong-password-123"},
        REMOTE_ADDR="198.51.100.77",
    )
    # then auth.login_failed records the login name typed and the address
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.actor is None
    assert entry.object_repr == "citizen" and entry.data == {"login_name": "citizen"}
    assert entry.ip_address == "198.51.100.77"
    # and the password appears nowhere in the entry
    row = AuditEntry.objects.filter(pk=entry.pk).values().get()
    assert "wrong-password-123" not in repr(row)
    assert not AuditEntry.objects.filter(action="auth.login").exists()


def test_logout_is_recorded(client, citizen):
    client.force_login(citizen)
    client.post(reverse("identity:logout"), REMOTE_ADDR="203.0.113.10")
    entry = AuditEntry.objects.get(action="auth.logout")
    assert entry.actor == citizen and entry.ip_address == "203.0.113.10"
