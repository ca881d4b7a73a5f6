"""Provision this instance's JetStream stream (idempotent) and print its state."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ecity.exchange.transport.delivery_nats import subscription_consumers_sync
from ecity.exchange.transport.nats import Broker, TransportUnavailable
from ecity.exchange.transport.subjects import subject_prefix


class Command(BaseCommand):
    help = (
        "Create or update the JetStream stream of this exchange instance, the consumers of the "
        "approved push subscriptions (deleting those of the others), and print the state."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default="", help="NATS URL (default ECITY_NATS_URL)")
        parser.add_argument(
            "--durable",
            action="append",
            default=[],
            help="also create this durable consumer (repeatable); NAME or NAME=FILTER_SUBJECT",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with Broker.connect(url=options["url"]) as broker:
                info = broker.stream_ensure()
                sync = subscription_consumers_sync(broker=broker)
                self.stdout.write(
                    f"push subscriptions: {len(sync.consumers)} consumers, "
                    f"{len(sync.created)} created, {len(sync.deleted)} deleted"
                )
                for spec in options["durable"]:
                    name, _, subject = spec.partition("=")
                    consumer = broker.consumer_ensure(durable=name, filter_subject=subject)
                    self.stdout.write(
                        f"consumer {consumer.name}: filter {consumer.config.filter_subject}, "
                        f"{consumer.num_pending} pending, {consumer.num_ack_pending} unacked"
                    )
        except TransportUnavailable as exc:
            raise CommandError(str(exc)) from exc
        config, state = info.config, info.state
        self.stdout.write(
            f"stream {config.name}: subjects {subject_prefix()}.>, storage {config.storage}, "
            f"replicas {config.num_replicas}, max age {config.max_age}s, "
            f"duplicate window {config.duplicate_window}s\n"
            f"  {state.messages} messages, {state.bytes} bytes, "
            f"first #{state.first_seq}, last #{state.last_seq}, {state.consumer_count} consumers"
        )
