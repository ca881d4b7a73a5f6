"""Bad JSON and unexpected failures get the error envelope, never a server error page.

Issue 8: API JSON bodies had no size limit (a 300 MiB anonymous body was parsed), 50,000-deep
nested JSON and ``Infinity`` reached the code unguarded, and server errors answered HTML.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from ecity.identity.api import views as identity_views

REGISTER = "/api/v1/identity/registrations/"

pytestmark = pytest.mark.django_db


def post_raw(client: APIClient, body: str):
    return client.generic("POST", REGISTER, body, content_type="application/json")


def test_a_json_body_over_the_limit_is_refused_before_it_is_parsed(api_client, settings):
    settings.ECITY_API_MAX_JSON_BYTES = 1000

    response = post_raw(api_client, '{"username": "' + "a" * 2000 + '"}')

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_deeply_nested_json_is_a_clear_400(api_client):
    response = post_raw(api_client, "[" * 50_000 + "]" * 50_000)

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_nesting_beyond_the_depth_limit_is_refused(api_client):
    response = post_raw(api_client, '{"a": ' * 100 + "1" + "}" * 100)

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize("constant", ["Infinity", "-Infinity", "NaN"])
def test_non_standard_json_numbers_are_refused(api_client, constant):
    response = post_raw(api_client, '{"username": "x", "level": ' + constant + "}")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_an_unexpected_failure_answers_the_json_envelope(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(identity_views.org_selectors, "department_get", broken)
    client = APIClient(raise_request_exception=False)

    response = client.get("/api/v1/identity/departments/SCJ/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "server_error"
    assert "database on fire" not in response.content.decode()


def _send(client: APIClient, method: str, url: str, body: str):
    return client.generic(method, url, body, content_type="application/json")


DEEP = "[" * 50_000 + "]" * 50_000


def test_deeply_nested_json_to_my_account_is_a_400():
    from ecity.identity.tests.factories import UserFactory

    client = APIClient(raise_request_exception=False)
    client.force_authenticate(UserFactory())

    response = _send(client, "PATCH", "/api/v1/identity/me/", '{"email": ' + DEEP + "}")
    top = _send(client, "PATCH", "/api/v1/identity/me/", DEEP)

    assert (response.status_code, response.json()["code"]) == (400, "parse_error")
    assert (top.status_code, top.json()["code"]) == (400, "parse_error")


def test_deeply_nested_json_to_the_form_validation_api_is_a_400():
    from ecity.catalogue.tests.factories import published_item

    item = published_item()
    client = APIClient(raise_request_exception=False)
    url = f"/api/v1/catalogue/items/{item.code}/form/validate/"

    response = _send(client, "POST", url, '{"data": ' + DEEP + "}")

    assert (response.status_code, response.json()["code"]) == (400, "parse_error")


@pytest.mark.parametrize("body", ["[]", '"x"', "1", "null"])
def test_a_top_level_value_that_is_not_an_object_is_refused_by_every_api(api_client, body):
    response = api_client.generic(
        "POST", REGISTER + "?lang=en", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert response.json()["message"] == "The request body must be a JSON object."
