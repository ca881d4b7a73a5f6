"""The read-only metadata API: data elements, code lists and their values, subject terms."""

from __future__ import annotations

import pytest

from ecity.registry.services.metadata import data_element_save_draft
from ecity.registry.services.thesaurus import subject_term_save

pytestmark = pytest.mark.django_db


def test_data_elements_are_listed_with_authority_and_code_list(api_client, metadata):
    response = api_client.get("/api/v1/registry/data-elements/", {"q": "DE0003"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    sex = body["results"][0]
    assert (sex["name"], sex["data_type"], sex["code_list"]) == ("性别代码", "code", "sex")
    assert sex["authority"] == {
        "code": "GAJ",
        "name_zh": "示范市公安局",
        "name_en": "Public Security",
    }
    assert sex["status"] == "in_force"


def test_anonymous_users_do_not_see_drafts(api_client, metadata):
    data_element_save_draft(actor=None, identifier="DE0900", name="草稿数据元")

    listed = api_client.get("/api/v1/registry/data-elements/", {"q": "草稿"})
    detail = api_client.get("/api/v1/registry/data-elements/DE0900/")

    assert (listed.status_code, listed.json()["count"]) == (200, 0)
    assert detail.status_code == 404
    assert detail.json()["code"] == "not_found"


def test_list_is_paginated_and_filters_by_status(api_client, metadata):
    page = api_client.get("/api/v1/registry/data-elements/", {"page_size": 5, "page": 2})
    bad = api_client.get("/api/v1/registry/data-elements/", {"status": "gone"})

    assert page.status_code == 200
    assert [e["identifier"] for e in page.json()["results"]] == [
        "DE0006",
        "DE0007",
        "DE0008",
        "DE0009",
        "DE0010",
    ]
    assert bad.status_code == 400
    assert "status" in bad.json()["fields"]


def test_code_lists_and_their_values(api_client, metadata):
    lists = api_client.get("/api/v1/registry/code-lists/", {"page_size": 100}).json()["results"]
    values = api_client.get(
        "/api/v1/registry/code-lists/industry/values/", {"page_size": 3, "page": 2}
    )
    missing = api_client.get("/api/v1/registry/code-lists/nothing/values/")

    assert {c["identifier"]: c["value_count"] for c in lists}["ethnic_group"] == 58
    assert values.status_code == 200
    assert values.json()["count"] == 117
    assert values.json()["results"][0] == {
        "code": "03",
        "name": "畜牧业",
        "name_en": "Animal husbandry",
        "parent": "A",
        "valid_from": None,
        "valid_to": None,
    }
    assert missing.status_code == 404


def test_bad_valid_on_date_is_a_field_error(api_client, metadata):
    response = api_client.get("/api/v1/registry/code-lists/sex/values/", {"valid_on": "2024-13-01"})

    assert response.status_code == 400
    assert "valid_on" in response.json()["fields"]


def test_subject_terms_are_searched_by_label(api_client, db):
    social = subject_term_save(actor=None, term="社会保险", synonyms=["社保"])
    subject_term_save(actor=None, term="医疗保险", synonyms=["医保"], broader=[social])

    response = api_client.get("/api/v1/registry/subject-terms/", {"q": "社保"})

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "term": "社会保险",
            "term_en": "",
            "scope_note": "",
            "synonyms": ["社保"],
            "broader": [],
            "narrower": ["医疗保险"],
            "related": [],
        }
    ]


def test_registry_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    for path in (
        "/api/v1/registry/data-elements/",
        "/api/v1/registry/code-lists/",
        "/api/v1/registry/code-lists/{identifier}/values/",
        "/api/v1/registry/subject-terms/",
    ):
        ok = schema["paths"][path]["get"]["responses"]["200"]
        assert (
            ok["content"]["application/json"]["schema"]["$ref"]
            .split("/")[-1]
            .startswith("Paginated")
        ), path


def test_the_schema_says_a_data_element_may_have_no_code_list():
    # found by schemathesis: most data elements have no code list, the API answers null
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    code_list = schema["components"]["schemas"]["DataElement"]["properties"]["code_list"]
    assert code_list.get("nullable") is True
