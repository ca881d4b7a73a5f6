"""The OpenAPI schema describes each staff action with its own input (one operation each)."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from ecity.cases.actions import ACTIONS


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _request_schema(schema: dict, path: str) -> dict:
    operation = schema["paths"][path]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


@pytest.mark.parametrize(
    ("action", "required", "properties"),
    [
        ("accept", None, {"note", "expected_version"}),
        ("refuse", None, {"reason", "expected_version"}),
        ("correction", None, {"task", "items", "note", "expected_version"}),
        ("decide", {"task", "outcome"}, {"task", "outcome", "decision_text", "expected_version"}),
        ("extension", {"working_days"}, {"working_days", "reason"}),
        ("copy", {"departments"}, {"departments"}),
        ("urge", None, {"note"}),
    ],
)
def test_each_case_action_documents_its_own_input(schema, action, required, properties):
    body = _request_schema(schema, f"/api/v1/cases/workbench/cases/{{number}}/{action}/")

    assert set(body["properties"]) == properties
    assert set(body.get("required", [])) == (required or set())


def test_task_actions_document_their_inputs(schema):
    complete = _request_schema(schema, "/api/v1/cases/workbench/tasks/{public_id}/complete/")
    claim = _request_schema(schema, "/api/v1/cases/workbench/tasks/{public_id}/claim/")

    assert set(complete["required"]) == {"outcome"}
    assert set(claim["properties"]) == {"expected_version"}


def test_every_action_is_one_operation_with_its_own_id(schema):
    operation_ids = {
        op["operationId"]
        for path, item in schema["paths"].items()
        if "/workbench/" in path
        for method, op in item.items()
        if method == "post"
    }

    assert {f"workbench_{a.target}_{name}" for name, a in ACTIONS.items()} <= operation_ids
