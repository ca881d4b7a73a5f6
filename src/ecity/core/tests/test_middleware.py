"""Security headers on every response, and the /healthz readiness probe."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError

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


def test_api_docs_are_exempt_from_the_policy_for_swagger_ui(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"


def test_api_responses_announce_their_language(client):
    response = client.get("/api/v1/no-such-endpoint?lang=en")
    assert response.headers["Content-Language"] == "en"
    default = client.get("/api/v1/no-such-endpoint")
    assert default.headers["Content-Language"] == "zh-hans"
