"""Fixtures for the demo tests: the demo city, loaded through its real loader."""

from __future__ import annotations

import pytest

from ecity.demo.services import DemoLoadResult, demo_city_load


@pytest.fixture
def demo_city(db) -> DemoLoadResult:
    """The demo city 示范市, loaded once for the test."""
    return demo_city_load()
