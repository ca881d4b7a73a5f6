"""A department administrator registers a service and grants and revokes rights through the API."""

from __future__ import annotations

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from ecity.exchange.models import AccessRight, Service
from ecity.exchange.tests.conftest import PERSONS_OPENAPI


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _register(client, **changes):
    body = {
        "provider": "CN-WH/GOV/GAJ/population",
        "code": "persons",
        "kind": "rest",
        "base_url": "http://127.0.0.1:9/api",
        "title_zh": "人口信息查询",
        "owner_contact": "公安局数据科",
        "openapi": PERSONS_OPENAPI,
        **changes,
    }
    return client.post("/api/v1/exchange/services/", body, format="json")


def test_registering_granting_and_revoking_through_the_api(exchange):
    police = _api(exchange["police_admin"])

    registered = _register(police)
    granted = police.post(
        "/api/v1/exchange/access-rights/",
        {
            "client": "CN-WH/GOV/RSJ/social",
            "service": "CN-WH/GOV/GAJ/population/persons",
            "endpoint": {"method": "GET", "path": "/persons/{id}"},
        },
        format="json",
    )
    revoked = police.post(f"/api/v1/exchange/access-rights/{granted.json()['id']}/revoke/")

    assert registered.status_code == 201, registered.content
    assert registered.json()["identifier"] == "CN-WH/GOV/GAJ/population/persons"
    assert len(registered.json()["endpoints"]) == 4
    assert granted.status_code == 201, granted.content
    assert granted.json()["endpoint"] == "GET /persons/{id}"
    assert revoked.status_code == 200
    assert AccessRight.objects.get().revoked_at is not None


def test_a_bad_registration_answers_field_messages(exchange):
    response = _register(
        _api(exchange["police_admin"]),
        provider="CN-WH/GOV/GAJ/nothing",
        base_url="not a url",
    )
    bad_document = _register(_api(exchange["police_admin"]), openapi='{"openapi": "2.0"}')
    unknown_resource = _register(_api(exchange["police_admin"]), resources=["NO-SUCH-RES"])

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"base_url"}
    assert bad_document.status_code == 400
    assert bad_document.json()["code"] == "exchange_bad_service_description"
    assert "openapi" in bad_document.json()["fields"]
    assert unknown_resource.json()["fields"] == {"resources": ["未知的信息资源：NO-SUCH-RES"]}
    assert not Service.objects.exists()


def test_another_departments_administrator_may_not_register_its_service(exchange):
    labour = _api(exchange["labour_admin"])

    response = _register(labour)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Service.objects.exists()
