"""What the lean gateway looks up in the database, cached for a short time.

The event loop never touches the database: a lookup that misses the cache runs the same
selectors as the Django view (``decisions.client_authenticate``, ``call_access_resolve``,
the vault's current key) in one worker thread. Entries live
``ECITY_EXCHANGE_GATEWAY_ACCESS_CACHE_SECONDS``: a revoked token, a disabled client, a revoked
right or grant stops calls within that time (the rights' own validity dates and the sharing
grants' dates are checked on every call against the cached rights, so they end on time).
Faults are not cached: a refused caller is looked up again on its next call.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.conf import settings
from django.db import close_old_connections, connections

from ecity.core.models import SigningKey
from ecity.exchange.gateway.decisions import client_authenticate
from ecity.exchange.gateway.sealing import signing_key
from ecity.exchange.models import Subsystem
from ecity.exchange.selectors.access import CallAccess, call_access_resolve

T = TypeVar("T")

# Entries kept at most; the cache is emptied when full (tokens are many, clients and services few).
MAX_ENTRIES = 10_000


def _in_thread(function: Callable[[], T]) -> T:
    close_old_connections()  # drop a connection the database closed (restart, idle timeout)
    return function()


class Lookups:
    """The lean gateway's cached reads (one instance per process and event loop)."""

    def __init__(self, *, seconds: float | None = None) -> None:
        self.seconds = (
            settings.ECITY_EXCHANGE_GATEWAY_ACCESS_CACHE_SECONDS if seconds is None else seconds
        )
        self.key_seconds = float(settings.ECITY_VAULT_KEY_CHECK_SECONDS)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gateway-lookup")
        self._clients: dict[tuple[str, str], tuple[float, Subsystem]] = {}
        self._access: dict[tuple[int, str], tuple[float, CallAccess]] = {}
        self._keys: dict[str, tuple[float, SigningKey]] = {}
        self.misses = 0

    async def _run(self, function: Callable[[], T]) -> T:
        self.misses += 1
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, _in_thread, function
        )

    async def run(self, function: Callable[[], T]) -> T:
        """Run a database read (or a rate-limit count) in the lookup thread."""
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, _in_thread, function
        )

    async def client(self, *, token: str, claimed: str) -> Subsystem:
        """The calling subsystem (``decisions.client_authenticate``), cached per token."""
        key = (token, claimed)
        now = time.monotonic()
        hit = self._clients.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        client = await self._run(lambda: client_authenticate(token=token, claimed=claimed))
        self._store(self._clients, key, (now + self.seconds, client))
        return client

    async def access(self, *, client: Subsystem, service_identifier: str) -> CallAccess:
        """The service and ``client``'s unrevoked rights to it (``call_access_resolve``)."""
        key = (client.pk, service_identifier)
        now = time.monotonic()
        hit = self._access.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        access = await self._run(
            lambda: call_access_resolve(client=client, service_identifier=service_identifier)
        )
        self._store(self._access, key, (now + self.seconds, access))
        return access

    async def key(self, owner: str) -> SigningKey:
        """``owner``'s current signing key, re-read every ``ECITY_VAULT_KEY_CHECK_SECONDS``."""
        now = time.monotonic()
        hit = self._keys.get(owner)
        if hit is not None and hit[0] > now:
            return hit[1]
        key = await self._run(lambda: signing_key(owner))
        self._keys[owner] = (now + self.key_seconds, key)
        return key

    def _store(self, cache: dict, key: object, value: object) -> None:
        if len(cache) >= MAX_ENTRIES:
            cache.clear()
        cache[key] = value

    def close(self) -> None:
        # The lookup thread's database connection is closed in that thread (a connection left
        # open outlives the application; on SQLite it can keep tables locked).
        self._executor.submit(connections.close_all)
        self._executor.shutdown(wait=True)
