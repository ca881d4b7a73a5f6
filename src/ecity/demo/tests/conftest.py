"""Fixtures for the demo tests: the demo city, loaded through its real loader."""

from __future__ import annotations

from ecity.demo.services import demo_city_load
from ecity.testing.shared_data import shared_data_fixtures

# ``demo_city``: the demo city 示范市 (a ``DemoLoadResult``), loaded once for the demo tests of a
# worker (package scope: it stays loaded from one module to the next) and shared by the tests that
# ask for it; each test's writes are rolled back, the others get an empty database.
_demo_city_module, _demo_city_switch, _django_db_helper, demo_city = shared_data_fixtures(
    demo_city_load, "demo_city", scope="package"
)
