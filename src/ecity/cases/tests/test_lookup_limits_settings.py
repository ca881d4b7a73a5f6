"""The public lookup's rate limits follow the ECITY_LOOKUP_* settings (defaults 10/min and 5)."""

from __future__ import annotations

import importlib

import pytest

from ecity.cases.selectors import public as lookup
from ecity.conf import env

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_default_limits_are_ten_per_minute_and_five_failures(monkeypatch):
    # Given neither environment variable is set, when the environment is read, then 10 and 5
    monkeypatch.delenv("ECITY_LOOKUP_RATE_PER_MINUTE", raising=False)
    monkeypatch.delenv("ECITY_LOOKUP_FAILURE_LIMIT", raising=False)
    fresh = importlib.reload(env)

    assert (fresh.LOOKUP_RATE_PER_MINUTE, fresh.LOOKUP_FAILURE_LIMIT) == (10, 5)
    # and the test settings, read from the same environment, give the lookup those limits
    assert lookup.lookup_ip_limit() == 10
    assert lookup.lookup_failure_limit() == 5


def test_ip_limit_follows_the_setting(settings):
    settings.ECITY_LOOKUP_RATE_PER_MINUTE = 3

    allowed = [lookup.lookup_ip_allow("198.51.100.7") for _ in range(4)]

    assert allowed == [True, True, True, False]


def test_failure_limit_follows_the_setting(settings):
    settings.ECITY_LOOKUP_FAILURE_LIMIT = 2
    number = "2026-SCJ-000001"

    lookup.lookup_failure_record(number)
    locked_after_one = lookup.lookup_number_locked(number)
    lookup.lookup_failure_record(number)

    assert not locked_after_one
    assert lookup.lookup_number_locked(number)


def test_a_high_limit_lets_a_benchmark_through(settings):
    settings.ECITY_LOOKUP_RATE_PER_MINUTE = 1000

    allowed = [lookup.lookup_ip_allow("198.51.100.8") for _ in range(50)]

    assert all(allowed)
