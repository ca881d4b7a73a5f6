"""Push deliveries of push subscriptions from their JetStream consumers (the NATS worker)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ecity.exchange.services.delivery import delivery_push_one
from ecity.exchange.transport.delivery_nats import (
    deliveries_nats_run_once,
    subscription_consumers_sync,
)
from ecity.exchange.transport.nats import Broker, TransportUnavailable
from ecity.exchange.transport.process import broker_loop, transport_require_nats


def push_one(delivery_id: int) -> str:
    return delivery_push_one(delivery_id=delivery_id)


class Command(BaseCommand):
    help = (
        "Fetch the durable consumer of every approved push subscription, push each message's "
        "Delivery row to the webhook (claim, backoff, dead letters as the database job) and "
        "acknowledge the message after the outcome is committed. Several workers are safe: "
        "the Delivery row claim decides who pushes."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--url", default="", help="NATS URL (default ECITY_NATS_URL)")
        parser.add_argument("--batch-size", type=int, default=0, help="messages per fetch")
        parser.add_argument("--wait", type=float, default=1.0, help="seconds a pass waits")

    def handle(self, *args: Any, **options: Any) -> None:
        transport_require_nats()

        def say(text: str) -> None:
            self.stdout.write(text)
            self.stdout.flush()

        def prepare(broker: Broker) -> None:
            broker.stream_ensure()
            sync = subscription_consumers_sync(broker=broker)
            say(f"{len(sync.consumers)} push subscriptions, {len(sync.created)} consumers created")

        def step(broker: Broker) -> int:
            result = deliveries_nats_run_once(
                broker=broker,
                push_one=push_one,
                wait=options["wait"],
                batch_size=options["batch_size"] or None,
            )
            if result.fetched:
                say(result.describe())
            return result.fetched

        if options["once"]:
            try:
                with Broker.connect(url=options["url"]) as broker:
                    broker.stream_ensure()
                    result = deliveries_nats_run_once(
                        broker=broker,
                        push_one=push_one,
                        wait=options["wait"],
                        batch_size=options["batch_size"] or None,
                    )
            except TransportUnavailable as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(result.describe())
            return

        broker_loop(
            url=options["url"],
            prepare=prepare,
            step=step,
            idle_seconds=0.0,  # the fetches themselves wait
            say=say,
        )
