"""Fixed-window rate limits on the configured cache, shared by every web process.

This is the platform's one rate limiter: views, DRF throttles and domain rules (the public case
lookup) all count through ``check_rate``.

    decision = check_rate(f"login:{client_ip(request)}", limit=30, window_seconds=60)
    if not decision.allowed: ...  # decision.retry_after seconds

    check_rate(f"fail:{number}", limit=5, window_seconds=900)   # count a failure …
    peek_rate(f"fail:{number}", window_seconds=900) >= 5         # … and check before a try

    @ratelimit(key="ip", limit=10, window=3600, scope="register")
    def register(request): ...

The counter for a window lives under ``ecity:rl:<scope/key>:<window number>`` and expires with
the window. ``cache.add`` creates it (only the first request of the window succeeds), then
``cache.incr`` counts. With Redis (``ECITY_CACHE_URL=redis://…``) both are atomic across
processes and hosts; with the embedded database cache ``incr`` is a read followed by a write, so
a burst of truly simultaneous requests may be under-counted by a few — acceptable for throttling,
and the account lock-out does not rely on the cache at all (it uses database rows). The default
in-process cache (LocMem) is never used: it would give every gunicorn worker its own counters.

The client address comes from ``REMOTE_ADDR``, or — behind ``ECITY_PROXY_COUNT`` trusted reverse
proxies — from the matching entry of ``X-Forwarded-For`` counted from the right, so a client
cannot choose its own address by sending the header. DRF's throttles use the same address
(``ecity.core.throttling``, named in ``REST_FRAMEWORK``).
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from ecity.core.api import error_body


@dataclass(frozen=True)
class RateDecision:
    """The answer for one request: allowed or not, and in how many seconds to retry."""

    allowed: bool
    retry_after: int
    count: int = 0


def client_ip(request: Any) -> str:
    """The client's IP address, trusting only ``ECITY_PROXY_COUNT`` proxies in front of us."""
    meta = request.META
    proxies = int(settings.ECITY_PROXY_COUNT or 0)
    candidate = meta.get("REMOTE_ADDR", "") or ""
    if proxies > 0:
        forwarded = [p.strip() for p in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if p]
        # Each trusted proxy appends the address it received the request from.
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return "0.0.0.0"  # noqa: S104 - a placeholder bucket, never bound to


def _cache_key(key: str, window_number: int) -> str:
    # Hash the caller's key: it may contain spaces, non-ASCII login names or be very long, which
    # memcached-style key rules (and our database cache's 255-character column) do not accept.
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"ecity:rl:{digest}:{window_number}"


def check_rate(
    key: str, *, limit: int, window_seconds: int, now: float | None = None
) -> RateDecision:
    """Count one hit for ``key`` in the current window and say whether it is within ``limit``.

    Hits beyond the limit are counted too (a client hammering the endpoint stays refused until
    the window ends). ``now`` (a Unix time) is for tests.
    """
    if limit < 1 or window_seconds < 1:
        raise ValueError("limit and window_seconds must be positive")
    moment = time.time() if now is None else now
    window_number = int(moment // window_seconds)
    cache_key = _cache_key(key, window_number)
    retry_after = max(1, math.ceil((window_number + 1) * window_seconds - moment))
    cache.add(cache_key, 0, timeout=window_seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # The counter expired between add() and incr(): this hit opens a new window.
        cache.set(cache_key, 1, timeout=window_seconds + 1)
        count = 1
    return RateDecision(allowed=count <= limit, retry_after=retry_after, count=count)


def peek_rate(key: str, *, window_seconds: int, now: float | None = None) -> int:
    """Return how many hits ``key`` has in the current window, without counting one.

    For limits that count failures only (wrong query codes) and are checked before each try.
    """
    moment = time.time() if now is None else now
    return int(cache.get(_cache_key(key, int(moment // window_seconds)), 0))


def reset_rate(key: str, *, window_seconds: int, now: float | None = None) -> None:
    """Forget the hits for ``key`` in the current window (after a successful check, in tests)."""
    moment = time.time() if now is None else now
    cache.delete(_cache_key(key, int(moment // window_seconds)))


def _wants_json(request: Any) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.META.get(
        "HTTP_ACCEPT", ""
    )


def throttled_response(request: Any, retry_after: int) -> HttpResponse:
    """The 429 answer: the ecity JSON envelope for APIs, a translated page for people."""
    minutes = max(1, math.ceil(retry_after / 60))
    message = ngettext(
        "Too many requests. Please wait %(minutes)d minute and try again.",
        "Too many requests. Please wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}
    response: HttpResponse
    if _wants_json(request):
        response = JsonResponse(error_body("throttled", message), status=429)
    else:
        response = render(
            request,
            "core/429.html",
            {"message": message, "retry_after": retry_after},
            status=429,
        )
    response["Retry-After"] = str(retry_after)
    return response


KeyFunc = Callable[[Any], str]


def _key_for(key: str | KeyFunc, request: Any) -> str:
    if callable(key):
        return key(request)
    if key == "ip":
        return client_ip(request)
    if key == "user":
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        return client_ip(request)
    raise ValueError(f"unknown rate limit key {key!r}: use 'ip', 'user' or a callable")


def ratelimit(
    *,
    key: str | KeyFunc = "ip",
    limit: int | Callable[[], int],
    window: int | Callable[[], int],
    scope: str = "",
    methods: tuple[str, ...] = ("POST",),
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Refuse a view's requests beyond ``limit`` per ``window`` seconds with 429 + Retry-After.

    ``key`` is "ip", "user" (the account when logged in, else the address) or a callable taking
    the request. Only ``methods`` are counted (POST by default: reading a form page is free).
    ``limit`` and ``window`` may be callables so that settings are read at request time.
    ``scope`` separates the counters of different endpoints (defaults to the view's name).
    Works on plain views, class-based views (with ``method_decorator``) and DRF views.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        name = scope or f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods and settings.ECITY_RATELIMIT_ENABLED:
                the_limit = limit() if callable(limit) else limit
                the_window = window() if callable(window) else window
                decision = check_rate(
                    f"{name}:{_key_for(key, request)}", limit=the_limit, window_seconds=the_window
                )
                if not decision.allowed:
                    return throttled_response(request, decision.retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def setting_rate(name: str) -> tuple[Callable[[], int], Callable[[], int]]:
    """``(limit, window)`` callables reading ``ECITY_RATE_LIMITS[name]`` at request time."""

    def _limit() -> int:
        return int(settings.ECITY_RATE_LIMITS[name][0])

    def _window() -> int:
        return int(settings.ECITY_RATE_LIMITS[name][1])

    return _limit, _window


__all__ = [
    "RateDecision",
    "check_rate",
    "client_ip",
    "peek_rate",
    "ratelimit",
    "reset_rate",
    "setting_rate",
    "throttled_response",
]
