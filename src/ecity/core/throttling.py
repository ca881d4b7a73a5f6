"""DRF's throttles counted by the platform's one rate limiter, keyed on the client address.

DRF's ``SimpleRateThrottle`` keeps, per client, the list of the times of its requests in the
last period, read and written whole in the cache on every request: a system allowed thousands
of calls a minute (a channel system of the hotline centre) makes every request unpickle and
pickle a list of thousands of floats, and concurrent processes overwrite each other's list, so
requests are under-counted. ``WindowRateThrottle`` keeps DRF's rates (``THROTTLE_RATES``, scopes,
``wait``) but counts with ``core.ratelimit.check_rate``: one counter per fixed window, created
with ``cache.add`` and counted with ``cache.incr`` (atomic on Redis), whatever the rate.

DRF's own ``get_ident`` trusts a client-sent X-Forwarded-For whenever ``NUM_PROXIES`` is unset,
so a client could pick a fresh bucket with every request. These subclasses ask ``client_ip``,
which honours ``ECITY_PROXY_COUNT`` (0: the header is ignored).

``rest_framework.views`` imports the throttle classes named in the settings while its APIView
class is defined, which can happen in the middle of importing ``core.ratelimit`` (through
``core.api``); the module is therefore bound here and its function looked up per request.
"""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from ecity.core import ratelimit


class WindowRateThrottle(SimpleRateThrottle):
    """A DRF rate (``<n>/<period>``) counted in fixed windows of the period (``check_rate``).

    At most ``n`` requests per window of the period (a burst across the boundary of two windows
    may see up to ``2 n`` within one period); refused requests count too, so a client that keeps
    calling stays refused until the window ends. ``wait`` is the time to the window's end.
    Subclasses say whose requests are counted (``get_cache_key``).
    """

    retry_after: int | None = None
    num_requests: int  # set by SimpleRateThrottle from the rate (not in its stubs)
    duration: int

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        decision = ratelimit.check_rate(key, limit=self.num_requests, window_seconds=self.duration)
        self.retry_after = decision.retry_after
        return decision.allowed

    def wait(self) -> float | None:
        return None if self.retry_after is None else float(self.retry_after)


class ClientAnonRateThrottle(WindowRateThrottle, AnonRateThrottle):
    """The anonymous API rate, per client address as ``client_ip`` decides it."""

    def get_ident(self, request: Any) -> str:
        return ratelimit.client_ip(request)


class ClientUserRateThrottle(WindowRateThrottle, UserRateThrottle):
    """The per-user API rate; anonymous requests fall back to ``client_ip`` as above."""

    def get_ident(self, request: Any) -> str:
        return ratelimit.client_ip(request)
