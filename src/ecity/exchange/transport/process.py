"""The long-running relay and consumer processes: connect, loop, reconnect, stop on a signal."""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Callable

from django.conf import settings
from django.core.management.base import CommandError
from django.db import close_old_connections

from ecity.exchange.transport.nats import Broker, TransportUnavailable

logger = logging.getLogger(__name__)


def transport_require_nats() -> None:
    """Refuse to run a broker process when this node's transport is the database."""
    if settings.ECITY_EXCHANGE_TRANSPORT != "nats":
        raise CommandError(
            "ECITY_EXCHANGE_TRANSPORT is "
            f"{settings.ECITY_EXCHANGE_TRANSPORT!r}: set it to nats to run broker processes."
        )


def broker_loop(
    *,
    url: str,
    prepare: Callable[[Broker], None],
    step: Callable[[Broker], int],
    idle_seconds: float,
    say: Callable[[str], None],
) -> None:
    """Run ``step`` until SIGTERM/SIGINT or the parent process exits; sleep when it did nothing.

    ``prepare`` runs after each (re)connection. An unreachable broker or a failed step is
    logged and retried with a growing pause (at most 5 s); the database is never left with a
    half-done step because every step commits per message or per cursor move.
    """
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    parent = os.getppid()
    pause = 0.5
    broker: Broker | None = None
    try:
        while not stopping and os.getppid() == parent:
            try:
                if broker is None:
                    broker = Broker.connect(url=url)
                    prepare(broker)
                    say(f"connected to {broker.url}")
                close_old_connections()
                done = step(broker)
                close_old_connections()
                pause = 0.5
                if not done:
                    time.sleep(idle_seconds)
            except TransportUnavailable as exc:
                logger.warning("broker unavailable, retrying in %.1fs: %s", pause, exc)
                say(f"broker unavailable, retrying in {pause:.1f}s: {exc}")
                if broker is not None:
                    broker.close()
                    broker = None
                time.sleep(pause)
                pause = min(5.0, pause * 2)
    finally:
        if broker is not None:
            broker.close()
