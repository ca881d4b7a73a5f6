"""Every error code a client can meet is declared once and listed in the OpenAPI schema."""

from __future__ import annotations

import pytest
from django.db import models
from django.urls import get_resolver
from drf_spectacular.generators import SchemaGenerator

from ecity.core.errors import ApplicationError, error_codes, error_codes_register


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_domain_error_class_has_a_declared_code():
    get_resolver().url_patterns  # noqa: B018 - import every app's views, services and errors
    declared = error_codes()

    undeclared = {
        f"{cls.__module__}.{cls.__qualname__}": cls.default_code
        for cls in _subclasses(ApplicationError)
        if str(cls.default_code) not in declared
    }

    assert undeclared == {}
    assert {"no_match", "version_immutable", "case_not_approved", "conflict"} <= set(declared)


def test_the_schema_lists_the_codes_on_the_error_envelope():
    schema = SchemaGenerator().get_schema(request=None, public=True)

    code = schema["components"]["schemas"]["ErrorEnvelope"]["properties"]["code"]

    assert set(code["enum"]) == set(error_codes())
    assert "* `already_rated`: The case has already been rated." in code["description"]


def test_a_code_means_one_thing():
    with pytest.raises(ValueError, match="already declared"):

        @error_codes_register
        class Clash(models.TextChoices):
            NOT_FOUND = "not_found", "Something else"


def test_an_api_error_answers_with_its_declared_code(api_client, db):
    response = api_client.get(
        "/api/v1/cases/lookup/", {"number": "2026-XXX-000001", "query_code": "ABCDEFGH"}
    )

    assert response.status_code == 404
    assert response.json()["code"] == "no_match"
    assert "no_match" in error_codes()
