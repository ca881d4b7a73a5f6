"""Consume a durable JetStream consumer into a receiver's idempotent handler."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from ecity.exchange.transport.consumer import (
    ConsumeResult,
    KeyHolds,
    consumer_run_once,
    durable_name,
)
from ecity.exchange.transport.nats import Broker, TransportUnavailable
from ecity.exchange.transport.process import broker_loop, transport_require_nats
from ecity.exchange.transport.subjects import topic_subject


def describe(result: ConsumeResult) -> str:
    return (
        f"fetched {result.fetched}: acked {result.acked}, retried {result.retried}, "
        f"dead {result.dead}, redelivered {result.redelivered}"
        + (f", refused {result.refused}" if result.refused else "")
    )


class Command(BaseCommand):
    help = (
        "Fetch batches of one durable consumer (one per receiving subscription), verify each "
        "envelope, hand the batch to the handler in one transaction, acknowledge after commit; "
        "redeliver with backoff; refused messages and dead letters go to the dead-letter handler."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--durable", required=True, help="subscription (durable) name")
        handler = parser.add_mutually_exclusive_group(required=True)
        handler.add_argument("--handler", help="dotted path of on_message(envelope, payload)")
        handler.add_argument(
            "--batch-handler",
            help="dotted path of on_batch([(envelope, payload), ...]): one call per batch",
        )
        parser.add_argument(
            "--dead-letter",
            default="",
            help="dotted path of on_dead(envelope, payload, *, reason, deliveries)",
        )
        parser.add_argument("--topic", default="", help="only this topic (dotted topic name)")
        parser.add_argument("--filter", default="", help="or: only this subject filter")
        parser.add_argument("--once", action="store_true", help="one batch, then exit")
        parser.add_argument("--url", default="", help="NATS URL (default ECITY_NATS_URL)")
        parser.add_argument("--batch-size", type=int, default=0, help="messages per fetch")
        parser.add_argument("--wait", type=float, default=1.0, help="seconds a fetch waits")

    def handle(self, *args: Any, **options: Any) -> None:
        transport_require_nats()
        try:
            on_message = import_string(options["handler"]) if options["handler"] else None
            on_batch = import_string(options["batch_handler"]) if options["batch_handler"] else None
            on_dead = import_string(options["dead_letter"]) if options["dead_letter"] else None
        except ImportError as exc:
            raise CommandError(str(exc)) from exc
        durable = durable_name(options["durable"])
        subject = topic_subject(options["topic"]) if options["topic"] else options["filter"]

        def prepare(broker: Broker) -> None:
            broker.stream_ensure()
            broker.consumer_ensure(durable=durable, filter_subject=subject)

        def say(text: str) -> None:
            self.stdout.write(text)
            self.stdout.flush()

        holds = KeyHolds()  # this process's held keys, across its passes

        def step(broker: Broker) -> int:
            result = consumer_run_once(
                broker=broker,
                durable=durable,
                on_message=on_message,
                on_batch=on_batch,
                on_dead=on_dead,
                batch_size=options["batch_size"] or None,
                wait=options["wait"],
                holds=holds,
            )
            if result.redelivered or result.retried or result.dead:
                say(describe(result))
            return result.fetched

        if options["once"]:
            try:
                with Broker.connect(url=options["url"]) as broker:
                    prepare(broker)
                    result = consumer_run_once(
                        broker=broker,
                        durable=durable,
                        on_message=on_message,
                        on_batch=on_batch,
                        on_dead=on_dead,
                        batch_size=options["batch_size"] or None,
                        wait=options["wait"],
                    )
            except TransportUnavailable as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(describe(result))
            return

        broker_loop(
            url=options["url"],
            prepare=prepare,
            step=step,
            idle_seconds=0.0,  # the fetch itself waits
            say=say,
        )
