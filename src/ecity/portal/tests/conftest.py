"""Fixtures for the portal tests: the demo city, loaded through its real loader."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from ecity.demo.services import DemoLoadResult, demo_city_load


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (an /en/ request leaves English active)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def demo_city(db) -> DemoLoadResult:
    """The demo city 示范市, loaded once for the test."""
    return demo_city_load()
