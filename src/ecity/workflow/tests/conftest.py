"""Fixtures of the workflow tests: messages in English, and a test-only subject type."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import translation

from ecity.workflow.tests.subject import Errand, ErrandItem


@pytest.fixture(autouse=True)
def in_english():
    """Messages are asserted in English (the msgids)."""
    with translation.override("en"):
        yield


@pytest.fixture
def errand_tables(transactional_db):
    """The tables of the test-only subject type, for the length of one test."""
    with connection.schema_editor() as editor:
        editor.create_model(Errand)
        editor.create_model(ErrandItem)
    yield
    with connection.schema_editor() as editor:
        editor.delete_model(ErrandItem)
        editor.delete_model(Errand)
