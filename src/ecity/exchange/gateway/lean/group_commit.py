"""Group commit of the lean gateway's calls: one transaction for the calls that wait together.

A call is answered only after its two log records and its call record are committed
(``record`` returns then, or raises). While one transaction is being written, the calls that
finish meanwhile queue up and go into the next one, so under load many calls share a commit
and idle there is no added wait. A failed transaction fails each of its calls (each is
answered with a 500 fault and nothing of it is logged), exactly as a failed write of the
Django view; the chains stay whole because the transaction is all or nothing.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections, connections

from ecity.exchange.services.monitoring import GatewayCall, gateway_calls_record

logger = logging.getLogger("ecity.exchange.gateway")

# Calls per transaction at most (bounds the transaction's size and its lock time).
MAX_BATCH = 200


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

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        assert self._wakeup is not None
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._pending:
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                try:
                    await loop.run_in_executor(self._executor, _write, [c for c, _ in batch])
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

    def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self._executor.submit(connections.close_all)  # the writer's connection, in its thread
        self._executor.shutdown(wait=True)
