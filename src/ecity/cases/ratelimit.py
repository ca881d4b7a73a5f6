"""Rate limits of the public case lookup (case number + query code, no login).

Two fixed-window counters in Django's cache (``CACHES["default"]``, configured by the lead's
cache setting; it must be shared by all web processes, e.g. the database cache or Redis, or
each process counts alone):

* per client IP (``REMOTE_ADDR``): at most ``ECITY_LOOKUP_RATE_PER_MINUTE`` lookups per
  ``IP_WINDOW`` seconds (default 10 per minute), successful or not;
* per case number: after ``ECITY_LOOKUP_FAILURE_LIMIT`` wrong query codes within
  ``NUMBER_WINDOW`` seconds (default 5 in 15 minutes) the number is locked for the rest of the
  window, even from other IPs, so a distributed guesser gets at most 20 tries an hour per case.

Both limits are settings read from the environment (docs/configuration.md); the defaults are
``IP_LIMIT`` and ``NUMBER_FAILURE_LIMIT`` below. Benchmarks raise them to measure the lookup
itself rather than the 429 answers.

Exceeding either gives HTTP 429. ``REMOTE_ADDR`` is the proxy's address behind a reverse proxy
unless the proxy rewrites it; deployments set it from X-Forwarded-For at the proxy.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

IP_LIMIT = 10
IP_WINDOW = 60
NUMBER_FAILURE_LIMIT = 5
NUMBER_WINDOW = 15 * 60


def ip_limit() -> int:
    """Lookups allowed per client address and ``IP_WINDOW`` (ECITY_LOOKUP_RATE_PER_MINUTE)."""
    return int(getattr(settings, "ECITY_LOOKUP_RATE_PER_MINUTE", IP_LIMIT))


def number_failure_limit() -> int:
    """Wrong query codes per case number and ``NUMBER_WINDOW`` (ECITY_LOOKUP_FAILURE_LIMIT)."""
    return int(getattr(settings, "ECITY_LOOKUP_FAILURE_LIMIT", NUMBER_FAILURE_LIMIT))


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().upper().encode()).hexdigest()[:32]
    return f"ecity:cases:lookup:{kind}:{digest}"


def _hit(key: str, window: int) -> int:
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1


def lookup_ip_allow(ip: str) -> bool:
    """Count one lookup from ``ip``; False once it made more than the limit in the window."""
    return _hit(_key("ip", ip or "unknown"), IP_WINDOW) <= ip_limit()


def lookup_number_locked(number: str) -> bool:
    """Whether ``number`` had too many wrong query codes recently."""
    return int(cache.get(_key("fail", number), 0)) >= number_failure_limit()


def lookup_failure_record(number: str) -> None:
    """Count one wrong query code for ``number``."""
    if number:
        _hit(_key("fail", number), NUMBER_WINDOW)
