"""Fixtures for the portal tests: the demo city, loaded through its real loader."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from ecity.demo.services import demo_city_load
from ecity.testing.shared_data import shared_data_fixtures


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (an /en/ request leaves English active)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# ``demo_city``: the demo city 示范市 (a ``DemoLoadResult``), loaded once per module and shared by
# the tests that ask for it; each test's writes are rolled back, the others get an empty database.
_demo_city_module, _demo_city_switch, _django_db_helper, demo_city = shared_data_fixtures(
    demo_city_load, "demo_city"
)
