"""Group commit of the lean gateway's calls: one transaction for the calls that wait together.

A call is answered only after its two log records and its call record are committed
(``record`` returns then, or raises). While one transaction is being written, the calls that
finish meanwhile queue up and go into the next one, so under load many calls share a commit
and idle there is no added wait. A failed transaction fails each of its calls (each is
answered with a 500 fault and nothing of it is logged), exactly as a failed write of the
Django view; the chains stay whole because the transaction is all or nothing.

Two writers: ``GroupCommit`` writes each batch with ``gateway_calls_record`` in a thread of its
own (any database); ``PostgresGroupCommit`` writes it from the event loop on an asynchronous
psycopg connection as one statement from the heads it wrote last (``calls_record_async``), so
a batch costs one round trip and no hand-over between threads.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
from django.db import close_old_connections, connection, connections

from ecity.exchange.services.monitoring import (
    GatewayCall,
    gateway_calls_record,
    gateway_calls_rows,
)
from ecity.exchange.services.monitoring_sql import Heads, calls_record_async

logger = logging.getLogger("ecity.exchange.gateway")

# Calls per transaction at most (bounds the transaction's size and its lock time).
MAX_BATCH = 200
# How long a chain found written by another process is written with its head locked first.
SHARED_SECONDS = 10.0


def _write(calls: list[GatewayCall]) -> None:
    close_old_connections()
    gateway_calls_record(calls=calls)


class GroupCommit:
    """Collects answered calls and commits them in batches from one writer thread."""

    def __init__(self) -> None:
        self._pending: list[tuple[GatewayCall, asyncio.Future[None]]] = []
        self._wakeup: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gateway-log")
        self.batches = 0

    async def record(self, call: GatewayCall) -> None:
        """Queue ``call`` and return once it is committed (raise if its transaction failed)."""
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done():
            self._wakeup = asyncio.Event()
            self._task = loop.create_task(self._run())
        assert self._wakeup is not None
        done: asyncio.Future[None] = loop.create_future()
        self._pending.append((call, done))
        self._wakeup.set()
        await done

    async def _write(self, calls: list[GatewayCall]) -> None:
        await asyncio.get_running_loop().run_in_executor(self._executor, _write, calls)

    async def _run(self) -> None:
        assert self._wakeup is not None
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._pending:
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                try:
                    await self._write([c for c, _ in batch])
                except Exception as error:
                    logger.exception("%d gateway calls could not be recorded", len(batch))
                    for _call, done in batch:
                        if not done.done():
                            done.set_exception(error)
                else:
                    for _call, done in batch:
                        if not done.done():
                            done.set_result(None)
                self.batches += 1

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self._executor.submit(connections.close_all)  # the writer's connection, in its thread
        self._executor.shutdown(wait=True)


def _connection_params() -> dict[str, Any]:
    """psycopg's connection arguments for Django's default database (its test database in tests)."""
    params = connections["default"].get_connection_params()
    params.pop("cursor_factory", None)  # Django's synchronous cursor class
    params.pop("context", None)  # Django's adapters; the writer passes JSON text and numbers
    return params


class PostgresGroupCommit(GroupCommit):
    """Group commit on PostgreSQL from the event loop: one statement per batch."""

    def __init__(self) -> None:
        super().__init__()
        self._connection: psycopg.AsyncConnection[Any] | None = None
        self._heads: Heads = {}  # what this writer wrote last, per chain
        self._shared_until: dict[str, float] = {}  # chains another process writes to as well

    async def _write(self, calls: list[GatewayCall]) -> None:
        if self._connection is None or self._connection.closed:
            self._connection = await psycopg.AsyncConnection.connect(
                **_connection_params(), autocommit=True
            )
            self._heads.clear()
        by_partition, rows = gateway_calls_rows(calls)
        now = time.monotonic()
        known = {
            name: head
            for name, head in self._heads.items()
            if self._shared_until.get(name, 0.0) < now
        }
        try:
            heads, moved = await calls_record_async(self._connection, by_partition, rows, known)
        except BaseException:
            for name in by_partition:
                self._heads.pop(name, None)
            if self._connection.broken:
                self._connection = None
            raise
        self._heads.update(heads)
        if moved:
            # Another process writes to these chains too (a second gateway worker): lock their
            # heads first for a while, instead of failing a statement on most batches.
            for name in heads:
                self._shared_until[name] = now + SHARED_SECONDS

    async def aclose(self) -> None:
        await super().aclose()
        if self._connection is not None:
            await self._connection.close()
            self._connection = None


def group_commit_make() -> GroupCommit:
    """The writer for the configured database."""
    return PostgresGroupCommit() if connection.vendor == "postgresql" else GroupCommit()
