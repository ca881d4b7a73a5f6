"""Department systems with client credentials: registration and the tokens the API accepts."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken

from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory, UserFactory
from ecity.sso.selectors import system_client_for_token
from ecity.sso.services import system_client_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered():
    department = DepartmentFactory(code="RSJ")
    admin = StaffRoleFactory(role="platform_admin", department=None).user
    application, secret = system_client_register(
        actor=admin, name="社保业务系统", department=department
    )
    return application, secret, department


def _token(application, secret):
    basic = base64.b64encode(f"{application.client_id}:{secret}".encode()).decode()
    return Client().post(
        "/o/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )


def test_a_registered_system_gets_a_token_that_names_its_department(registered):
    application, secret, department = registered

    response = _token(application, secret)

    assert response.status_code == 200
    client = system_client_for_token(token=response.json()["access_token"])
    assert client is not None
    assert client.department == department
    assert client.name == "社保业务系统"


def test_a_wrong_secret_gets_no_token(registered):
    application, _secret, _department = registered

    assert _token(application, "wrong").status_code == 401


def test_an_expired_token_a_users_token_or_a_deactivated_system_is_not_a_system(registered):
    application, secret, _department = registered
    token = _token(application, secret).json()["access_token"]
    row = AccessToken.objects.get(application=application)

    row.expires = timezone.now() - dt.timedelta(seconds=1)
    row.save()
    assert system_client_for_token(token=token) is None

    row.expires = timezone.now() + dt.timedelta(minutes=5)
    row.user = UserFactory()
    row.save()
    assert system_client_for_token(token=token) is None

    row.user = None
    row.save()
    application.ecity_policy.is_active = False
    application.ecity_policy.save()
    assert system_client_for_token(token=token) is None


def test_only_a_platform_administrator_registers_a_system_with_a_name_and_department():
    department_admin = StaffRoleFactory(role="department_admin").user
    admin = StaffRoleFactory(role="platform_admin", department=None).user

    with pytest.raises(PermissionDenied):
        system_client_register(actor=department_admin, name="x", department=DepartmentFactory())
    with pytest.raises(ValidationFailed) as error:
        system_client_register(actor=admin, name=" ", department=None)

    assert set(error.value.fields) == {"name", "department"}


@pytest.fixture
def token_cache(settings, monkeypatch):
    """The production bound: a token's system is remembered for 5 s; a clock the test moves."""
    from ecity.sso import selectors

    settings.ECITY_API_TOKEN_CACHE_SECONDS = 5
    now = [1000.0]
    monkeypatch.setattr(selectors._TokenCache, "clock", lambda: now[0])
    monkeypatch.setattr(selectors._TokenCache, "entries", {})
    return now


def _api_status(token):
    return (
        Client()
        .get("/api/v1/hotline/callers/13800138000/tickets/", HTTP_AUTHORIZATION=f"Bearer {token}")
        .status_code
    )


def test_a_revoked_token_is_refused_within_the_cache_bound(registered, token_cache):
    application, secret, _department = registered
    token = _token(application, secret).json()["access_token"]
    assert system_client_for_token(token=token) is not None
    # when the token is revoked (its row deleted, as the revocation endpoint does)
    AccessToken.objects.filter(application=application).delete()
    # then it may still be accepted until the bound, and is refused from then on
    token_cache[0] += 4.9
    assert system_client_for_token(token=token) is not None
    token_cache[0] += 0.2
    assert system_client_for_token(token=token) is None
    assert _api_status(token) == 401


def test_a_deactivated_system_is_refused_by_the_api_within_the_cache_bound(registered, token_cache):
    application, secret, _department = registered
    token = _token(application, secret).json()["access_token"]
    assert _api_status(token) == 403  # a known system, but not the hotline centre's
    application.ecity_policy.is_active = False
    application.ecity_policy.save()
    token_cache[0] += 5.1
    assert _api_status(token) == 401


def test_a_remembered_token_is_refused_as_soon_as_it_expires(registered, token_cache, monkeypatch):
    application, secret, _department = registered
    token = _token(application, secret).json()["access_token"]
    expires = timezone.now() + dt.timedelta(seconds=2)
    AccessToken.objects.filter(application=application).update(expires=expires)
    assert system_client_for_token(token=token) is not None
    # when the token's lifetime ends, well within the bound of the remembered system
    later = expires + dt.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    token_cache[0] += 1
    # then it is refused
    assert system_client_for_token(token=token) is None
