"""The sharing API: a department system reads the person registry, filtered by its grant.

The system gets its token from the real token endpoint with client credentials; every answer is
checked for what it returns and what it must not.
"""

from __future__ import annotations

import base64
import datetime as dt
from urllib.parse import quote

import pytest
from django.test import Client
from django.utils import timezone, translation

from ecity.audit.models import AuditEntry
from ecity.identity.tests.factories import id_number_for
from ecity.registry.services.sharing import (
    sharing_grant_revoke,
    sharing_request_approve,
    sharing_request_submit,
)

pytestmark = pytest.mark.django_db
READ = "/api/v1/registry/data/persons/1.0/read"
EXISTS = "/api/v1/registry/data/persons/1.0/exists"
LIST = "/api/v1/registry/data/persons/1.0/list"
PURPOSE = "核验社保参保人员身份"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _token(application, secret: str) -> str:
    basic = base64.b64encode(f"{application.client_id}:{secret}".encode()).decode()
    response = Client().post(
        "/o/token/",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


@pytest.fixture
def system(sharing):
    token = _token(sharing["application"], sharing["secret"])

    def get(path: str, *, x_purpose: str | None = PURPOSE, **params):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "en"}
        if x_purpose is not None:
            headers["HTTP_X_PURPOSE"] = quote(x_purpose)
        return Client().get(path, params, **headers)

    return get


def _grant(sharing, items=("DE0005", "DE0006")):
    today = timezone.localdate()
    request = sharing_request_submit(
        actor=sharing["labour_admin"],
        requester=sharing["labour"],
        application=sharing["application"],
        resource=sharing["resource"],
        items=[sharing["items"][i] for i in items],
        purpose="核验参保人员出生日期和住址",
        legal_basis="《社会保险法》第五十八条",
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
    )
    return sharing_request_approve(actor=sharing["police_admin"], sharing_request=request)


def test_without_a_grant_a_read_returns_only_the_unconditional_fields(sharing, system):
    response = system(READ, id_number=sharing["person"].id_number)

    assert response.status_code == 200
    assert response.json() == {
        "registry": "persons",
        "version": "1.0",
        "fields": ["id_number", "name"],
        "record": {"id_number": sharing["person"].id_number, "name": "王小明"},
    }


def test_with_a_grant_the_read_adds_the_granted_fields_and_never_the_phone(sharing, system):
    _grant(sharing)

    response = system(READ, id_number=sharing["person"].id_number)

    assert response.status_code == 200
    assert response.json()["record"] == {
        "id_number": sharing["person"].id_number,
        "name": "王小明",
        "birth_on": "1990-05-17",
        "address": "示范市中山路1号",
    }


def test_the_read_is_audited_and_shown_to_the_citizen_as_who_looked_at_my_data(sharing, system):
    _grant(sharing)

    system(READ, id_number=sharing["person"].id_number, fields="name,address")

    entry = AuditEntry.objects.get(action="registry.person_shared_read")
    assert entry.subject == sharing["citizen"]
    assert entry.reason == PURPOSE
    assert entry.fields == ["name", "address"]
    assert entry.data["department"] == "RSJ"
    page = Client()
    page.force_login(sharing["citizen"])
    response = page.get("/en/audit/my-data/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "示范市人力资源和社会保障局 · 社保业务系统" in html
    assert PURPOSE in html
    assert "Person record read by a department system" in html


def test_a_revoked_grant_is_refused_on_the_next_read_with_the_reason(sharing, system):
    grant = _grant(sharing)
    assert system(READ, id_number=sharing["person"].id_number, fields="address").status_code == 200

    sharing_grant_revoke(actor=sharing["police_admin"], grant=grant, reason="用途已结束")
    response = system(READ, id_number=sharing["person"].id_number, fields="name,address")

    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "permission_denied"
    assert body["fields"] == {"fields": ["Your grant for “address” was revoked: 用途已结束"]}
    assert "王小明" not in response.content.decode()


def test_an_expired_grant_is_refused(sharing, system):
    grant = _grant(sharing)
    grant.expires_on = timezone.localdate() - dt.timedelta(days=1)
    grant.starts_on = grant.expires_on - dt.timedelta(days=30)
    grant.save()

    response = system(READ, id_number=sharing["person"].id_number, fields="birth_on")

    assert response.status_code == 403
    assert response.json()["fields"] == {
        "fields": [f"Your grant for “date of birth” expired on {grant.expires_on.isoformat()}."]
    }


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ("phone", 403, "“mobile phone” is not shared."),
        ("sex", 403, "“sex” is shared on condition: request it first."),
        ("salary", 400, "Unknown field “salary”."),
    ],
)
def test_a_field_not_shared_not_granted_or_unknown_is_refused_and_nothing_returned(
    sharing, system, fields, status, message
):
    response = system(READ, id_number=sharing["person"].id_number, fields=f"name,{fields}")

    assert response.status_code == status
    assert response.json()["fields"] == {"fields": [message]}
    assert "王小明" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="registry.person_shared_read").exists()


def test_a_read_without_purpose_is_refused(sharing, system):
    response = system(READ, x_purpose=None, id_number=sharing["person"].id_number)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["purpose"]
    assert "王小明" not in response.content.decode()


def test_the_purpose_may_be_a_query_parameter_instead_of_the_header(sharing, system):
    response = system(
        READ, x_purpose=None, id_number=sharing["person"].id_number, **{"purpose": "核验身份"}
    )

    assert response.status_code == 200
    assert AuditEntry.objects.get(action="registry.person_shared_read").reason == "核验身份"


def test_a_malformed_id_number_and_an_unknown_registry_are_field_errors(sharing, system):
    number = sharing["person"].id_number
    bad = system(READ, id_number=number[:-1] + ("1" if number[-1] == "0" else "0"))
    unknown = system("/api/v1/registry/data/vehicles/1.0/read", id_number="x")
    old = system("/api/v1/registry/data/persons/0.9/read", id_number="x")

    assert bad.status_code == 400
    assert list(bad.json()["fields"]) == ["id_number"]
    assert unknown.status_code == 404
    assert list(unknown.json()["fields"]) == ["registry"]
    assert old.status_code == 404
    assert list(old.json()["fields"]) == ["version"]


def test_an_unknown_person_is_not_found_and_the_lookup_is_audited(sharing, system):
    response = system(READ, id_number=id_number_for(777))

    assert response.status_code == 404
    assert list(response.json()["fields"]) == ["id_number"]
    entry = AuditEntry.objects.get(action="registry.person_shared_read")
    assert entry.data["found"] is False


def test_exists_answers_yes_or_no_without_data(sharing, system):
    yes = system(EXISTS, id_number=sharing["person"].id_number)
    no = system(EXISTS, id_number=id_number_for(778))

    assert yes.json() == {"exists": True}
    assert no.json() == {"exists": False}
    assert (
        AuditEntry.objects.filter(
            action="registry.person_shared_read", data__operation="exists"
        ).count()
        == 2
    )


def test_list_filters_on_a_granted_field_and_refuses_a_filter_it_may_not_read(sharing, system):
    refused = system(LIST, sex="1")
    assert refused.status_code == 403
    assert refused.json()["fields"] == {"sex": ["“sex” is shared on condition: request it first."]}

    _grant(sharing, items=("DE0003",))
    response = system(LIST, sex="1", fields="name,sex")

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "page": 1,
        "page_size": 20,
        "fields": ["name", "sex"],
        "results": [{"name": "王小明", "sex": "1"}],
    }
    assert system(LIST).json()["fields"] == {
        "filters": ["Give at least one filter: sex, ethnic_group, region_code, birth_on."]
    }


def test_a_call_without_a_system_token_is_denied(sharing):
    anonymous = Client().get(READ, {"id_number": sharing["person"].id_number})
    forged = Client().get(
        READ, {"id_number": sharing["person"].id_number}, HTTP_AUTHORIZATION="Bearer nope"
    )
    signed_in = Client()
    signed_in.force_login(sharing["police_admin"])
    staff = signed_in.get(READ, {"id_number": sharing["person"].id_number})

    assert anonymous.status_code == 401
    assert forged.status_code == 401
    # A signed-in person is not a department system: the API knows only system tokens.
    assert staff.status_code == 401
    assert staff.json()["code"] == "not_authenticated"
    assert not AuditEntry.objects.filter(action="registry.person_shared_read").exists()


def test_the_sharing_api_is_in_the_openapi_schema_with_examples():
    schema = Client().get("/api/schema/", {"format": "json"}).json()

    read = schema["paths"]["/api/v1/registry/data/{registry}/{version}/read"]["get"]
    assert read["operationId"] == "registry_data_read"
    assert {p["name"] for p in read["parameters"]} >= {"id_number", "fields", "X-Purpose"}
    assert "examples" in read["responses"]["200"]["content"]["application/json"]
    assert "/api/v1/registry/data/{registry}/{version}/exists" in schema["paths"]
    assert "/api/v1/registry/data/{registry}/{version}/list" in schema["paths"]
