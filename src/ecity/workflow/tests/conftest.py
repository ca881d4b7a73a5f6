"""Fixtures of the workflow tests."""

from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def in_english():
    """Messages are asserted in English (the msgids)."""
    with translation.override("en"):
        yield
