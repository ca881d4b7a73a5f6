"""``create_platform_admin`` (``ecity createadmin``)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from ecity.identity.management.commands import create_platform_admin as command
from ecity.identity.models import User
from ecity.identity.tests.factories import UserFactory
from ecity.org import selectors as org_selectors

pytestmark = pytest.mark.django_db


def test_creates_admin_from_environment(monkeypatch):
    monkeypatch.setenv("ECITY_ADMIN_PASSWORD", "a-Long-pass-phrase")
    out = io.StringIO()

    call_command(
        "create_platform_admin", "--username", "ops", "--email", "ops@example.cn", stdout=out
    )

    user = User.objects.get(username="ops")
    assert user.is_staff and user.is_superuser
    assert user.email == "ops@example.cn"
    assert user.check_password("a-Long-pass-phrase")
    assert org_selectors.is_platform_admin(user=user)
    assert "created" in out.getvalue()


def test_prompts_twice_on_a_terminal(monkeypatch):
    monkeypatch.delenv("ECITY_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr(command, "_stdin_is_terminal", lambda: True)
    answers = iter(["a-Long-pass-phrase", "a-Long-pass-phrase"])
    monkeypatch.setattr(command.getpass, "getpass", lambda prompt: next(answers))

    call_command("create_platform_admin", "--username", "ops", stdout=io.StringIO())

    assert User.objects.get(username="ops").check_password("a-Long-pass-phrase")


def test_refuses_existing_username(monkeypatch):
    UserFactory(username="ops")
    monkeypatch.setenv("ECITY_ADMIN_PASSWORD", "a-Long-pass-phrase")

    with pytest.raises(CommandError, match="username"):
        call_command("create_platform_admin", "--username", "ops")

    assert User.objects.filter(username="ops", is_superuser=True).count() == 0


def test_refuses_weak_password(monkeypatch):
    monkeypatch.setenv("ECITY_ADMIN_PASSWORD", "12345")

    with pytest.raises(CommandError, match="password"):
        call_command("create_platform_admin", "--username", "ops")

    assert not User.objects.filter(username="ops").exists()


def test_without_terminal_or_environment_fails_clearly(monkeypatch):
    monkeypatch.delenv("ECITY_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr(command, "_stdin_is_terminal", lambda: False)

    with pytest.raises(CommandError, match="ECITY_ADMIN_PASSWORD"):
        call_command("create_platform_admin", "--username", "ops")
