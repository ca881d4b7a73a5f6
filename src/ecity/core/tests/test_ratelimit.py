"""The shared rate limiter: fixed windows in the configured cache, 429 pages and envelopes."""

from __future__ import annotations

import types
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from ecity.core.ratelimit import check_rate, client_ip, peek_rate, ratelimit, reset_rate

pytestmark = pytest.mark.django_db


def unique_key() -> str:
    return f"test:{uuid.uuid4()}"


def test_default_cache_is_shared_between_processes():
    # LocMem would give every gunicorn worker its own counters.
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend in {
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.redis.RedisCache",
        "ecity.core.cache.RedisCache",
    }


def test_allows_up_to_the_limit_then_refuses_until_the_window_ends():
    key = unique_key()
    now = 60 * 16_666_667 + 20.0  # 20 s into a 60-second window
    decisions = [check_rate(key, limit=3, window_seconds=60, now=now) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.count for d in decisions] == [1, 2, 3, 4]
    assert decisions[-1].retry_after == 40
    # The next window starts afresh.
    later = check_rate(key, limit=3, window_seconds=60, now=now + 40)
    assert later.allowed
    assert later.count == 1


def test_peek_reads_the_count_of_the_window_without_counting():
    key = unique_key()
    now = 900 * 2_222_222 + 10.0
    check_rate(key, limit=5, window_seconds=900, now=now)
    check_rate(key, limit=5, window_seconds=900, now=now + 1)

    assert peek_rate(key, window_seconds=900, now=now + 2) == 2
    assert peek_rate(key, window_seconds=900, now=now + 3) == 2
    assert peek_rate(key, window_seconds=900, now=now + 900) == 0


def test_keys_are_counted_separately():
    first, second = unique_key(), unique_key()
    check_rate(first, limit=1, window_seconds=60)
    assert not check_rate(first, limit=1, window_seconds=60).allowed
    assert check_rate(second, limit=1, window_seconds=60).allowed


def test_counter_lives_in_the_cache_and_can_be_reset():
    key = unique_key()
    now = 2_000_000_000.0
    check_rate(key, limit=1, window_seconds=60, now=now)
    reset_rate(key, window_seconds=60, now=now)
    assert check_rate(key, limit=1, window_seconds=60, now=now).allowed


def test_odd_keys_are_safe_for_the_cache():
    key = "login:" + "长" * 500 + " with spaces\n"
    assert check_rate(key, limit=5, window_seconds=60).allowed
    cache.get("ecity:rl:probe")  # the backend accepted the hashed key without warnings


def test_invalid_arguments_are_refused():
    with pytest.raises(ValueError, match="positive"):
        check_rate("x", limit=0, window_seconds=60)


def _view(request):
    return HttpResponse("ok")


def test_decorator_answers_429_page_with_retry_after():
    scope = unique_key()
    view = ratelimit(key="ip", limit=1, window=60, scope=scope)(_view)
    factory = RequestFactory()
    assert view(factory.post("/x", REMOTE_ADDR="192.0.2.1")).status_code == 200
    with translation.override("zh-hans"):
        refused = view(factory.post("/x", REMOTE_ADDR="192.0.2.1"))
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "请求过于频繁" in refused.content.decode()
    # Another address and GET requests are not affected.
    assert view(factory.post("/x", REMOTE_ADDR="192.0.2.2")).status_code == 200
    assert view(factory.get("/x", REMOTE_ADDR="192.0.2.1")).status_code == 200


def test_decorator_answers_the_json_envelope_for_api_paths():
    scope = unique_key()
    view = ratelimit(key="ip", limit=1, window=60, scope=scope)(_view)
    factory = RequestFactory()
    view(factory.post("/api/v1/x", REMOTE_ADDR="192.0.2.3"))
    with translation.override("en"):
        refused = view(factory.post("/api/v1/x", REMOTE_ADDR="192.0.2.3"))
    assert refused.status_code == 429
    import json

    body = json.loads(refused.content)
    assert body["code"] == "throttled"
    assert body["message"] == "Too many requests. Please wait 1 minute and try again."
    assert body["fields"] == {}


def test_decorator_can_key_on_a_callable_and_be_switched_off(settings):
    scope = unique_key()
    view = ratelimit(key=lambda r: "everyone", limit=1, window=60, scope=scope)(_view)
    factory = RequestFactory()
    view(factory.post("/x", REMOTE_ADDR="192.0.2.4"))
    assert view(factory.post("/x", REMOTE_ADDR="192.0.2.5")).status_code == 429
    settings.ECITY_RATELIMIT_ENABLED = False
    assert view(factory.post("/x", REMOTE_ADDR="192.0.2.5")).status_code == 200


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "192.0.2.9", "6.6.6.6", "192.0.2.9"),  # header ignored without trusted proxies
        (1, "10.0.0.1", "6.6.6.6, 198.51.100.4", "198.51.100.4"),
        (2, "10.0.0.1", "6.6.6.6, 198.51.100.4, 10.0.0.7", "198.51.100.4"),
        (1, "10.0.0.1", "", "10.0.0.1"),
        (0, "not-an-ip", "", "0.0.0.0"),  # noqa: S104
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(
    settings, proxies, remote, forwarded, expected
):
    settings.ECITY_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_anonymous_api_use_is_throttled_with_the_envelope(client, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import AnonRateThrottle

    assert (
        "ecity.core.throttling.ClientAnonRateThrottle"
        in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
    )
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == {
        "anon": "120/min",
        "user": "600/min",
    }
    original = AnonRateThrottle.THROTTLE_RATES
    AnonRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "2/min"}
    try:
        cache.clear()
        for _ in range(2):
            assert client.get("/api/v1/identity/regions/").status_code == 200
        response = client.get("/api/v1/identity/regions/?lang=en")
    finally:
        AnonRateThrottle.THROTTLE_RATES = original
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) >= 1


def _anon_rate(rate: str):
    """Context: the anonymous API rate set to ``rate`` for the duration of a test."""
    from contextlib import contextmanager

    from rest_framework.settings import api_settings
    from rest_framework.throttling import AnonRateThrottle

    @contextmanager
    def _ctx():
        original = AnonRateThrottle.THROTTLE_RATES
        AnonRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "anon": rate}
        try:
            yield
        finally:
            AnonRateThrottle.THROTTLE_RATES = original

    return _ctx()


def test_anonymous_api_throttle_ignores_a_client_sent_forwarded_for(client, settings):
    # Given no trusted proxy and an anonymous rate of 2 per minute
    settings.ECITY_PROXY_COUNT = 0
    with _anon_rate("2/min"):
        cache.clear()
        for _ in range(2):
            assert client.get("/api/v1/identity/regions/").status_code == 200
        # When the same client sends a fresh X-Forwarded-For with each further request
        answers = [
            client.get(
                "/api/v1/identity/regions/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
            ).status_code
            for n in range(1, 4)
        ]
    # Then it is still throttled: the header chose no new bucket
    assert answers == [429, 429, 429]


def test_anonymous_api_throttle_uses_the_trusted_proxy_header(client, settings):
    # Given one trusted proxy (REMOTE_ADDR is the proxy) and an anonymous rate of 2 per minute
    settings.ECITY_PROXY_COUNT = 1
    with _anon_rate("2/min"):
        cache.clear()
        first = [
            client.get("/api/v1/identity/regions/", HTTP_X_FORWARDED_FOR="198.51.100.4").status_code
            for _ in range(3)
        ]
        # When another client comes through the same proxy
        other = client.get(
            "/api/v1/identity/regions/", HTTP_X_FORWARDED_FOR="198.51.100.5"
        ).status_code
        # and the throttled client prepends a forged address of its own
        forged = client.get(
            "/api/v1/identity/regions/", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4"
        ).status_code
    # Then the proxy's entry decides: the first client is throttled, the other one is not
    assert first == [200, 200, 429]
    assert other == 200
    assert forged == 429


def test_api_throttles_count_in_fixed_windows_with_one_counter(monkeypatch):
    from rest_framework.test import APIRequestFactory

    from ecity.core import ratelimit
    from ecity.core.throttling import WindowRateThrottle

    # Given a throttle of 3 calls a minute, 20 s into a minute
    class ThreeAMinute(WindowRateThrottle):
        rate = "3/min"

        def get_cache_key(self, request, view):
            return "throttle_test_system"

    clock = types.SimpleNamespace(time=lambda: 60 * 16_666_668 + 20.0)
    monkeypatch.setattr(ratelimit, "time", clock)  # the limiter's clock only, not the cache's
    cache.clear()
    request = APIRequestFactory().post("/api/v1/x/")

    # When it is asked four times
    throttles = [ThreeAMinute() for _ in range(4)]
    answers = [t.allow_request(request, None) for t in throttles]

    # Then the fourth is refused until the window ends, and what is kept is one count
    assert answers == [True, True, True, False]
    assert throttles[-1].wait() == 40.0
    assert ratelimit.peek_rate("throttle_test_system", window_seconds=60) == 4


def test_redis_cache_client_reuses_one_client_per_pool():
    from ecity.core.cache import RedisCache

    backend = RedisCache("redis://127.0.0.1:6379/0", {})
    first = backend._cache.get_client("a")
    assert backend._cache.get_client("b", write=True) is first
    assert first.connection_pool is backend._cache._get_connection_pool(False)
