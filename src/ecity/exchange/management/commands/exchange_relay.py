"""Carry committed publications of the message log to NATS JetStream (the relay process)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ecity.exchange.transport.nats import Broker, TransportUnavailable
from ecity.exchange.transport.process import broker_loop, transport_require_nats
from ecity.exchange.transport.relay import relay_run_once


class Command(BaseCommand):
    help = (
        "Relay committed publications from the message log to the JetStream stream, at least "
        "once (one relay per node; a second one is safe but only duplicates work)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="relay what is there, then exit")
        parser.add_argument("--url", default="", help="NATS URL (default ECITY_NATS_URL)")
        parser.add_argument("--batch-size", type=int, default=0, help="records per partition")
        parser.add_argument("--idle", type=float, default=0.2, help="seconds to wait when idle")

    def handle(self, *args: Any, **options: Any) -> None:
        transport_require_nats()
        batch = options["batch_size"] or None
        if options["once"]:
            total = 0
            try:
                with Broker.connect(url=options["url"]) as broker:
                    broker.stream_ensure()
                    while done := relay_run_once(broker=broker, batch_size=batch).published:
                        total += done
            except TransportUnavailable as exc:
                raise CommandError(f"relayed {total} messages, then: {exc}") from exc
            self.stdout.write(f"relayed {total} messages")
            return

        def prepare(broker: Broker) -> None:
            broker.stream_ensure()

        def step(broker: Broker) -> int:
            return relay_run_once(broker=broker, batch_size=batch).published

        def say(text: str) -> None:
            self.stdout.write(text)
            self.stdout.flush()

        broker_loop(
            url=options["url"],
            prepare=prepare,
            step=step,
            idle_seconds=options["idle"],
            say=say,
        )
