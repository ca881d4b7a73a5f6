"""Security headers on every response, and the /healthz readiness probe."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_the_database_is_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_503_when_the_database_is_down(client):
    # Given the database refuses connections
    with mock.patch(
        "ecity.core.views.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/healthz")
    # Then load balancers take this process out of rotation
    assert response.status_code == 503
    assert response.json() == {"status": "database unavailable"}


def test_every_page_carries_a_strict_content_security_policy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"  # no inline styles
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy


def test_security_headers_are_set(client):
    response = client.get("/healthz")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"


def test_not_found_page_also_carries_the_policy(client):
    response = client.get("/no-such-page-anywhere/")
    assert response.status_code == 404
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def _directives(policy: str) -> dict[str, list[str]]:
    parts = [p.split() for p in policy.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_api_docs_run_under_a_strict_policy_without_inline_script(client, path):
    response = client.get(path)

    body = response.content.decode()
    policy = _directives(response.headers["Content-Security-Policy"])
    assert response.status_code == 200
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
    assert "<script>" not in body  # every script has a src on this site
    assert "googleapis" not in body and "https://" not in body
    assert response.headers["X-Frame-Options"] == "DENY"


def test_swagger_ui_loads_its_start_script_from_this_site(client):
    page = client.get("/api/docs/").content.decode()
    script = client.get("/api/docs/?script=")

    assert 'src="/api/docs/?script="' in page
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_signed_in_pages_and_api_answers_are_not_cached(client):
    from ecity.identity.tests.factories import UserFactory

    client.force_login(UserFactory())

    page = client.get(reverse("identity:profile"))
    api = client.get("/api/v1/identity/me/")

    assert page.status_code == 200 and api.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    assert api["Cache-Control"] == "private, no-store"


def test_api_requests_with_credentials_are_not_cached_even_when_refused(client):
    response = client.get("/api/v1/identity/me/", HTTP_AUTHORIZATION="Bearer not-a-token")

    assert response.status_code in (401, 403)
    assert response["Cache-Control"] == "private, no-store"


def test_public_pages_for_anonymous_visitors_stay_cacheable(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_api_responses_announce_their_language(client):
    response = client.get("/api/v1/no-such-endpoint?lang=en")
    assert response.headers["Content-Language"] == "en"
    default = client.get("/api/v1/no-such-endpoint")
    assert default.headers["Content-Language"] == "zh-hans"
