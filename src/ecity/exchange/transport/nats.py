"""NATS JetStream for Django's synchronous code: one connection, stream and consumer set-up.

nats-py is asyncio-only and Django's ORM is synchronous. ``Broker`` runs an asyncio loop in one
daemon thread and owns the connection there; the calling thread keeps every database call and
hands the broker work over with ``Broker.run`` (``run_coroutine_threadsafe``). So no ORM call
ever runs inside the event loop, and no coroutine ever waits for the database.

One stream per instance (``subjects.stream_name()``) holds the subjects ``<prefix>.<instance>.>``
on file storage, with a duplicate window of at least two minutes (the relay republishes after a
crash; the broker drops the copy by its ``Nats-Msg-Id``) and the retention limits of the
``ECITY_NATS_*`` settings. The broker is never the only copy: the message log is the record.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import json
import threading
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import nats
import nats.errors
import nats.js.errors
from django.conf import settings
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js import api as js_api

from ecity.exchange.transport.subjects import stream_name, subject_prefix

T = TypeVar("T")

MIN_DUPLICATE_WINDOW_SECONDS = 120
# The broker's own delivery limit, far above ECITY_NATS_MAX_DELIVER: the consumer loop
# dead-letters a message after that many failed handler runs, while deliveries lost to crashed
# consumers (ack timeouts) must never make the broker give up on a message silently.
BROKER_MAX_DELIVER = 1000


class TransportUnavailable(Exception):
    """The broker could not be reached or did not confirm in time; retry later."""


@dataclass(frozen=True)
class Outgoing:
    """One message for the stream: subject, broker dedupe ID and JSON body."""

    subject: str
    msg_id: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class PendingPublish:
    """A batch being published (``Broker.publish_start``); ``Broker.publish_wait`` settles it."""

    future: concurrent.futures.Future[list[Any]]


def stream_config() -> js_api.StreamConfig:
    """The stream of this instance as the settings describe it."""
    return js_api.StreamConfig(
        name=stream_name(),
        description="ecity exchange publications (the message log is the record)",
        subjects=[f"{subject_prefix()}.>"],
        retention=js_api.RetentionPolicy.LIMITS,
        storage=js_api.StorageType.FILE,
        discard=js_api.DiscardPolicy.OLD,
        max_age=float(settings.ECITY_NATS_MAX_AGE_DAYS) * 86400,
        max_bytes=int(settings.ECITY_NATS_MAX_BYTES),
        duplicate_window=float(
            max(MIN_DUPLICATE_WINDOW_SECONDS, settings.ECITY_NATS_DUPLICATE_WINDOW_SECONDS)
        ),
        num_replicas=int(settings.ECITY_NATS_REPLICAS),
    )


def consumer_config(
    *, durable: str, filter_subject: str = "", start_at: dt.datetime | None = None
) -> js_api.ConsumerConfig:
    """A durable pull consumer: explicit acks, redelivery on the ``BackOff`` schedule.

    The consumer loop itself counts deliveries and hands a message whose handler failed
    ``ECITY_NATS_MAX_DELIVER`` times to the dead-letter callback; the broker's limit
    (``BROKER_MAX_DELIVER``) is far above, so a consumer that crashes repeatedly never makes the
    broker drop a message. ``start_at``: only messages stored from then on (a subscription's
    start position), else the whole stream.
    """
    backoff = [float(s) for s in settings.ECITY_NATS_BACKOFF_SECONDS]
    return js_api.ConsumerConfig(
        durable_name=durable,
        description="ecity exchange subscription",
        deliver_policy=(
            js_api.DeliverPolicy.BY_START_TIME if start_at else js_api.DeliverPolicy.ALL
        ),
        opt_start_time=start_at,
        ack_policy=js_api.AckPolicy.EXPLICIT,
        ack_wait=float(backoff[0] if backoff else settings.ECITY_NATS_ACK_WAIT_SECONDS),
        backoff=backoff or None,
        max_deliver=max(BROKER_MAX_DELIVER, len(backoff) + 1),
        filter_subject=filter_subject or f"{subject_prefix()}.>",
        max_ack_pending=max(1000, 4 * int(settings.ECITY_NATS_BATCH_SIZE)),
    )


def backoff_delay(deliveries: int) -> float:
    """Seconds before the next attempt after the ``deliveries``-th failed one."""
    backoff = [float(s) for s in settings.ECITY_NATS_BACKOFF_SECONDS] or [
        float(settings.ECITY_NATS_ACK_WAIT_SECONDS)
    ]
    return backoff[min(max(deliveries, 1), len(backoff)) - 1]


class Broker:
    """A JetStream connection on its own event-loop thread, used from synchronous code.

    Use as a context manager (``with Broker.connect() as broker:``). Every method blocks the
    calling thread until the broker answered, or raises ``TransportUnavailable``.
    """

    def __init__(self, *, url: str, timeout: float) -> None:
        self.url = url
        self.timeout = timeout
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="ecity-nats", daemon=True
        )
        self._thread.start()
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        self._subscriptions: dict[str, JetStreamContext.PullSubscription] = {}

    @classmethod
    def connect(cls, *, url: str = "", timeout: float = 5.0) -> Broker:
        """Connect to ``url`` (default ``ECITY_NATS_URL``)."""
        broker = cls(url=url or str(settings.ECITY_NATS_URL), timeout=timeout)
        try:
            broker.run(broker._connect())
        except BaseException:
            broker.close()
            raise
        return broker

    def __enter__(self) -> Broker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, coro: Coroutine[Any, Any, T], *, timeout: float | None = None) -> T:
        """Run ``coro`` on the broker's loop and return its result (blocking)."""
        return self._result(asyncio.run_coroutine_threadsafe(coro, self._loop), timeout=timeout)

    def _result(self, future: concurrent.futures.Future[T], *, timeout: float | None) -> T:
        """The result of a coroutine running on the broker's loop (blocking)."""
        try:
            return future.result(timeout=timeout if timeout is not None else self.timeout * 4)
        except TimeoutError as exc:
            if future.done() and not future.cancelled():
                # the coroutine itself timed out (a nats-py deadline), not our wait for it
                raise TransportUnavailable(f"NATS at {self.url}: {exc!r}") from exc
            future.cancel()
            raise TransportUnavailable(f"NATS at {self.url} did not answer in time") from exc
        except (nats.errors.Error, OSError) as exc:
            raise TransportUnavailable(f"NATS at {self.url}: {exc!r}") from exc

    @property
    def js(self) -> JetStreamContext:
        assert self._js is not None, "not connected"
        return self._js

    async def _connect(self) -> None:
        async def quiet(exc: Exception) -> None:
            return None  # reconnects are reported by the calls that fail

        self._nc = await nats.connect(
            servers=[self.url],
            connect_timeout=self.timeout,
            allow_reconnect=True,
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.5,
            error_cb=quiet,
            name="ecity-exchange",
        )
        self._js = self._nc.jetstream(timeout=self.timeout)

    async def _close(self) -> None:
        # Not drain(): acknowledgements are flushed by settle(); draining pull subscriptions
        # only cancels their pending fetches noisily.
        if self._nc is not None and not self._nc.is_closed:
            await self._nc.close()

    def close(self) -> None:
        """Drain and close the connection, then stop the loop thread."""
        if self._loop.is_running():
            with contextlib.suppress(Exception):  # best effort on the way out
                asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(
                    timeout=self.timeout * 2
                )
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=self.timeout)
        if not self._loop.is_running() and not self._loop.is_closed():
            self._loop.close()

    # -- stream ------------------------------------------------------------------------------

    def stream_ensure(self) -> js_api.StreamInfo:
        """Create this instance's stream, or bring its limits up to the settings (idempotent)."""
        config = stream_config()

        async def ensure() -> js_api.StreamInfo:
            try:
                await self.js.stream_info(config.name or "")
            except nats.js.errors.NotFoundError:
                return await self.js.add_stream(config)
            return await self.js.update_stream(config)

        return self.run(ensure())

    def stream_info(self) -> js_api.StreamInfo | None:
        """The stream's state, or None when it does not exist."""

        async def info() -> js_api.StreamInfo | None:
            try:
                return await self.js.stream_info(stream_name())
            except nats.js.errors.NotFoundError:
                return None

        return self.run(info())

    def stream_delete(self) -> bool:
        """Delete this instance's stream (tests and benchmarks); False when it did not exist."""

        async def delete() -> bool:
            try:
                return await self.js.delete_stream(stream_name())
            except nats.js.errors.NotFoundError:
                return False

        return self.run(delete())

    # -- publishing ----------------------------------------------------------------------------

    def publish_batch(self, messages: Sequence[Outgoing]) -> tuple[int, Exception | None]:
        """Publish in order and wait for every PubAck.

        Returns how many messages from the start of ``messages`` the broker confirmed without a
        gap, and the first error (None when all were confirmed). Only that prefix may be
        counted as relayed; the rest is published again later (the broker dedupes).
        """
        return self.publish_wait(self.publish_start(messages))

    def publish_start(self, messages: Sequence[Outgoing]) -> PendingPublish:
        """Start publishing ``messages`` in order on the broker's loop; do not wait.

        The caller goes on (reads the next batch) while the broker stores these; several
        batches may be in flight at once, each awaited with ``publish_wait``.
        """

        async def publish() -> list[Any]:
            futures = []
            for message in messages:
                futures.append(
                    await self.js.publish_async(
                        message.subject,
                        message.body,
                        wait_stall=self.timeout,
                        headers={"Nats-Msg-Id": message.msg_id, **message.headers},
                    )
                )
            if not futures:
                return []
            # asyncio.wait, not wait_for(gather): a timeout must not cancel the PubAcks that
            # did arrive, only mark the missing ones.
            _, pending = await asyncio.wait(futures, timeout=self.timeout)
            return [
                TimeoutError("no PubAck in time")
                if future in pending
                else (future.exception() or future.result())
                for future in futures
            ]

        return PendingPublish(asyncio.run_coroutine_threadsafe(publish(), self._loop))

    def publish_wait(self, pending: PendingPublish) -> tuple[int, Exception | None]:
        """Wait for the PubAcks of ``publish_start``: (confirmed prefix, first error or None)."""
        try:
            results = self._result(pending.future, timeout=self.timeout * 3)
        except TransportUnavailable as exc:
            return 0, exc
        for index, result in enumerate(results):
            if isinstance(result, BaseException):
                error = result if isinstance(result, Exception) else Exception(repr(result))
                return index, error
        return len(results), None

    # -- consuming -----------------------------------------------------------------------------

    def consumer_ensure(
        self, *, durable: str, filter_subject: str = "", start_at: dt.datetime | None = None
    ) -> js_api.ConsumerInfo:
        """Create the durable consumer or update its settings (idempotent)."""
        config = consumer_config(durable=durable, filter_subject=filter_subject, start_at=start_at)
        return self.run(self.js.add_consumer(stream_name(), config))

    def consumer_names(self) -> list[str]:
        """The names of the durable consumers on this instance's stream."""

        async def names() -> list[str]:
            found: list[str] = []
            while True:  # the server lists at most 256 per page
                page = await self.js.consumers_info(stream_name(), offset=len(found) or None)
                found.extend(info.name for info in page)
                if not page or len(page) < 256:
                    return found

        return self.run(names())

    def consumer_delete(self, *, durable: str) -> bool:
        """Delete a durable consumer; False when it did not exist."""

        async def delete() -> bool:
            subscription = self._subscriptions.pop(durable, None)
            if subscription is not None:
                with contextlib.suppress(Exception):  # best effort: the consumer goes anyway
                    await subscription.unsubscribe()
            try:
                return await self.js.delete_consumer(stream_name(), durable)
            except nats.js.errors.NotFoundError:
                return False

        return self.run(delete())

    def fetch(self, *, durable: str, batch: int, wait: float) -> list[Msg]:
        """Up to ``batch`` messages for the durable consumer; [] when none came within ``wait``."""

        async def fetch() -> list[Msg]:
            subscription = self._subscriptions.get(durable)
            if subscription is None:
                subscription = await self.js.pull_subscribe_bind(
                    durable=durable, stream=stream_name()
                )
                self._subscriptions[durable] = subscription
            try:
                return await subscription.fetch(batch=batch, timeout=wait)
            except TimeoutError:
                # nats-py raises its own TimeoutError when nothing came, and a plain one when
                # its deadline passed before it could send the lingering request (a busy loop)
                return []

        # generous: on a loaded machine the event-loop thread can be starved for seconds
        return self.run(fetch(), timeout=wait + self.timeout * 4)

    def settle(
        self, *, ack: Sequence[Msg], nak: Sequence[tuple[Msg, float]], term: Sequence[Msg]
    ) -> None:
        """Acknowledge, negatively acknowledge (with a delay) and terminate, then flush.

        The flush returns once the server has read them all, so an acknowledgement is not
        left in a buffer when the process goes on to the next batch.
        """

        async def settle() -> None:
            for msg in ack:
                await msg.ack()
            for msg, delay in nak:
                await msg.nak(delay=delay)
            for msg in term:
                await msg.term()
            assert self._nc is not None
            await self._nc.flush(timeout=int(max(1, self.timeout)))

        self.run(settle())


def message_body(*, envelope: dict[str, Any], payload: Any, log: dict[str, Any]) -> bytes:
    """The JSON body of one broker message: the signed envelope, its payload, its log place."""
    return json.dumps(
        {"envelope": envelope, "payload": payload, "log": log},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
