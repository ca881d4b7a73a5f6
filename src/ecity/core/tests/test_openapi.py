"""The API schema lists every answer an operation can give; unknown API paths answer JSON."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_operation_documents_throttling(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "429" in operation["responses"], f"{method.upper()} {path}"


def test_operations_with_an_id_document_not_found_and_writes_document_bad_input(schema):
    detail = schema["paths"]["/api/v1/catalogue/items/{code}/"]["get"]["responses"]
    assert "404" in detail
    submit = schema["paths"]["/api/v1/cases/applications/"]["post"]["responses"]
    for code in ("400", "403", "413", "415", "429"):
        assert code in submit, code
    assert submit["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorEnvelope"
    }


def test_the_published_results_list_is_documented_as_a_page(schema):
    ok = schema["paths"]["/api/v1/cases/results/"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("PaginatedResultList")


def test_an_unknown_api_path_answers_the_json_envelope(client):
    response = client.get("/api/v1/cases/workbench/tasks/null,null/claim/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_an_unknown_page_still_answers_html(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_every_hand_paginated_list_is_documented_as_a_page(schema):
    # Lists answer {count, next, previous, results}; a schema that says "array" lies to clients.
    for path in ("/api/v1/cases/my/", "/api/v1/cases/joint-applications/mine/"):
        ok = schema["paths"][path]["get"]["responses"]["200"]
        assert (
            ok["content"]["application/json"]["schema"]["$ref"]
            .split("/")[-1]
            .startswith("Paginated")
        ), path
