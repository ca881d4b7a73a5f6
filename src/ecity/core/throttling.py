"""DRF's throttles keyed on the platform's client address (``core.ratelimit.client_ip``).

DRF's own ``get_ident`` trusts a client-sent X-Forwarded-For whenever ``NUM_PROXIES`` is unset,
so a client could pick a fresh bucket with every request. These subclasses ask ``client_ip``,
which honours ``ECITY_PROXY_COUNT`` (0: the header is ignored).

``rest_framework.views`` imports the throttle classes named in the settings while its APIView
class is defined, which can happen in the middle of importing ``core.ratelimit`` (through
``core.api``); the module is therefore bound here and its function looked up per request.
"""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from ecity.core import ratelimit


class ClientAnonRateThrottle(AnonRateThrottle):
    """The anonymous API rate, per client address as ``client_ip`` decides it."""

    def get_ident(self, request: Any) -> str:
        return ratelimit.client_ip(request)


class ClientUserRateThrottle(UserRateThrottle):
    """The per-user API rate; anonymous requests fall back to ``client_ip`` as above."""

    def get_ident(self, request: Any) -> str:
        return ratelimit.client_ip(request)
