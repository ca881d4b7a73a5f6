"""Run event delivery synchronously in tests.

Tests run inside a transaction that never commits, so the after-commit delivery of
``ecity.core.events`` does not fire there. A test that expects the effects of a handler (the
certificate issued when a case is decided) calls ``events_deliver_all()`` after the act, the way
the job would a few seconds later.
"""

from __future__ import annotations

import pytest

from ecity.core.events import events_deliver


def events_deliver_all() -> str:
    """Deliver every due event to its handlers now, including events published by handlers."""
    return events_deliver(limit=100_000)


@pytest.fixture
def deliver_events():
    """The ``events_deliver_all`` helper as a fixture."""
    return events_deliver_all
