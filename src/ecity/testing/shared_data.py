"""Data loaded once and shared by the tests of a module (or package), every test still isolated.

Loading the demo city through its services takes seconds; dozens of tests only need it to be
there. ``SharedData`` loads it once inside an outer transaction that is never committed; each
test then runs in pytest-django's usual transaction, which nests in the outer one as a savepoint,
so whatever a test writes is rolled back and the next test sees the data exactly as loaded.

Tests that do not ask for the shared data get an empty database as before: the outer transaction
is rolled back before such a test (and at the end of the module, or of the package with
``scope="package"``), and opened again for the next test that asks. Files the loader saved are
kept in a copy of the default storage, and every test gets its own copy of it (the root conftest
gives each test a fresh storage).
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.files.storage import default_storage, storages
from django.db import transaction
from django.utils.functional import empty


class SharedData:
    """One loader's result, held in an open outer transaction while tests use it."""

    def __init__(self, load: Callable[[], Any]) -> None:
        self._load = load
        self._atomic: Any = None
        self._storage: Any = None
        self.result: Any = None

    @property
    def active(self) -> bool:
        return self._atomic is not None

    def open(self, blocker: Any) -> None:
        """Load the data in a new outer transaction (once until ``close``)."""
        if self.active:
            return
        with blocker.unblock():
            atomic = transaction.atomic()
            # Services may open durable blocks: like a TestCase's own, this block allows them.
            atomic._from_testcase = True  # type: ignore[attr-defined]
            atomic.__enter__()
            self._atomic = atomic
            try:
                self.result = self._load()
            except BaseException:
                self.close(blocker)
                raise
        self._storage = _storage_snapshot(storages["default"])

    def close(self, blocker: Any) -> None:
        """Roll the loaded data back: the database is empty again."""
        if not self.active:
            return
        atomic, self._atomic = self._atomic, None
        self.result = self._storage = None
        with blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

    def give_files_to_test(self) -> None:
        """The current test's default storage becomes a copy of the files saved by the load."""
        if self._storage is None:
            return
        storages._storages["default"] = _storage_snapshot(self._storage)  # type: ignore[attr-defined]
        default_storage._wrapped = empty  # type: ignore[attr-defined]


def _storage_snapshot(storage: Any) -> Any:
    """A copy of an in-memory storage whose files change independently of the original."""
    if not hasattr(storage, "_root"):
        return storage  # files on disk: nothing to copy, tests use their own MEDIA_ROOT
    snapshot = copy.copy(storage)
    snapshot._root = copy.deepcopy(storage._root)
    return snapshot


def shared_data_fixtures(
    load: Callable[[], Any], name: str, *, scope: str = "module"
) -> tuple[Any, Any, Any, Any]:
    """Fixtures for a conftest: ``name`` gives the shared result to the tests that ask for it.

    With ``scope="package"`` the data stays loaded from one test module to the next of the
    conftest's package, as long as the tests in between ask for it too (a package of tests that
    all use the demo city loads it once per worker instead of once per module).

    Returns (module finaliser, per-test switch, pytest-django's database helper wrapped so that
    the switch runs before the test's transaction is opened, the ``name`` fixture); assign all
    four in the conftest, the third one as ``_django_db_helper``, so pytest finds them.
    """
    shared = SharedData(load)

    @pytest.fixture(scope=scope, autouse=True)  # type: ignore[call-overload]
    def module_end(django_db_blocker: Any) -> Iterator[None]:
        yield
        shared.close(django_db_blocker)

    def switch(
        request: pytest.FixtureRequest,
        django_db_setup: None,
        django_db_blocker: Any,
        _media_in_tmp: None,
    ) -> None:
        if name in request.fixturenames and not _is_transactional(request):
            shared.open(django_db_blocker)
            shared.give_files_to_test()
        else:
            shared.close(django_db_blocker)

    switch_name = f"_{name}_switch"

    def db_helper(request: pytest.FixtureRequest, **fixtures: Any) -> Any:
        # The switch (first argument) runs before pytest-django's own helper (the overridden
        # fixture of the same name), which opens the test's transaction.
        return fixtures["_django_db_helper"]

    db_helper.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter(switch_name, inspect.Parameter.KEYWORD_ONLY),
            inspect.Parameter("_django_db_helper", inspect.Parameter.KEYWORD_ONLY),
        ]
    )

    @pytest.fixture(name=name)
    def result(db: None) -> Any:
        assert shared.active, f"{name}: the shared data was not loaded before the test"
        return shared.result

    return (
        module_end,
        pytest.fixture(name=switch_name)(switch),
        pytest.fixture(name="_django_db_helper")(db_helper),
        result,
    )


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
