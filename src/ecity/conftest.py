"""Fixtures shared by every app's tests."""

from __future__ import annotations

import os

import pytest
from django.utils import translation

# Browser fixtures (browser, new_page, page, artifacts) for every app's tests/e2e/ journeys.
from ecity.testing.e2e import (  # noqa: F401
    _no_browser_loop_outside_browser_tests,
    artifacts,
    browser,
    new_page,
    page,
)


def _starts_early(item: pytest.Item) -> bool:
    """The migration tests take minutes each (they unapply and reapply most of the schema)."""
    return "migration" in item.path.name


def _uses_shared_data(item: pytest.Item) -> bool:
    """Whether the test asks for data shared by its module's tests (``testing.shared_data``)."""
    return "demo_city" in getattr(item, "fixturenames", ())


# Fixtures through which a test reaches the database (pytest-django's, and the live server's).
_DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}
)


def _uses_database(item: pytest.Item) -> bool:
    """Whether the test can touch the database (pytest-django refuses it to all others)."""
    if item.get_closest_marker("django_db") is not None:
        return True
    return bool(_DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the slowest tests (migrations) first, in their usual order, then all the others.

    With ``pytest -n 2`` a worker that picks up a migration test near the end of the run keeps
    going for minutes after the other worker ran out of tests; started first, they overlap with
    the short tests the other worker takes meanwhile. Within a module, the tests that use the
    shared demo city come first, together: a test without it in between would unload the demo
    city and the next one would load it again (seconds each time). The sort is stable and the
    same in every worker, as xdist requires.
    """
    if os.environ.get("ECITY_TEST_DATABASE_ONLY") == "true":
        # A second run on another database (scripts/test.sh: PostgreSQL after SQLite) repeats only
        # what can differ: the tests that use the database. The others ran in the first run.
        kept = [item for item in items if _uses_database(item)]
        config.hook.pytest_deselected(items=[item for item in items if not _uses_database(item)])
        items[:] = kept
    module_order: dict[object, int] = {}
    for index, item in enumerate(items):
        module_order.setdefault(item.path, index)
    items.sort(
        key=lambda item: (
            not _starts_early(item),
            module_order[item.path],
            not _uses_shared_data(item),
        )
    )


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to a per-test directory, never into the developer's data folder.

    Setting STORAGES again gives each test a fresh default storage (the in-memory one of the
    test settings would otherwise keep every earlier test's files).
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES}


@pytest.fixture(autouse=True)
def _language_reset():
    """Each test starts in the default language.

    LocaleMiddleware activates a request's language in the thread and nothing deactivates it,
    so without this an English request in one test turned the next test's Chinese labels into
    English (seen as an order-dependent failure of cases' public lookup test).
    """
    yield
    translation.deactivate()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()
