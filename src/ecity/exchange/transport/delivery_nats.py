"""Deliveries to push subscriptions through NATS JetStream (``ECITY_EXCHANGE_TRANSPORT=nats``).

The Delivery rows and the message log stay the record; the broker tells the worker what to push
and when. The flow:

1. ``message_publish`` commits the publication, its ``published`` log record and one pending
   Delivery row per subscription, in one transaction;
2. the relay (``exchange_relay``) carries the committed record to the stream, on the topic's
   subject;
3. one durable consumer per approved push subscription (name ``sub-<public id>``, filter subject
   = the topic's subject, messages stored from the subscription's start position on) is created
   by the worker or ``exchange_nats_setup`` and deleted once the subscription is no longer
   approved (``subscription_consumers_sync``);
4. the worker (``exchange_deliver_nats``, or ``services.delivery.NatsTransport.run``) fetches
   each consumer's messages, finds the Delivery row by subscription and message ID and pushes
   it with ``services.delivery.delivery_push_one``
   (the same claim, POST, backoff and dead-letter rules as the database transport). The
   JetStream message is acknowledged only after the outcome is committed; a retry is negatively
   acknowledged with the delay until the row's ``next_attempt_at``; a message held back by an
   earlier one of its key waits the same way, so ordering per key holds. A message without a
   Delivery row for this subscription (an event type it does not want) is acknowledged.

No double push: the Delivery row claim (``select_for_update(skip_locked=True)``, status
``delivered`` with a lease) is the single source of truth, and both the worker and the database
job claim the row before they POST. The database job stays on as the fallback: behind NATS it
only takes deliveries overdue by ``ECITY_EXCHANGE_NATS_FALLBACK_SECONDS`` (the broker or the
worker is down, a requeued dead letter, a replay), so when NATS is down deliveries still happen.
A worker killed between the POST and its commit leaves the lease to expire and the delivery is
pushed again (at least once; receivers dedupe by message ID in their inbox); one killed between
the commit and the ack gets the message again and acknowledges it without a second push.
Pull subscriptions have no consumer: they read their Delivery rows through the API as before.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from nats.aio.msg import Msg

from ecity.exchange.models import Delivery, Subscription
from ecity.exchange.transport.consumer import durable_name, message_decode
from ecity.exchange.transport.nats import Broker
from ecity.exchange.transport.subjects import topic_subject

logger = logging.getLogger(__name__)

DURABLE_PREFIX = "sub-"
# A message held back by a dead letter of its key waits this long between looks; the database
# fallback delivers it once the dead letter is requeued and acknowledged.
HELD_BY_DEAD_SECONDS = 600.0
MIN_DELAY_SECONDS = 0.2
MAX_DELAY_SECONDS = 3600.0

# Push one Delivery row by its pk and return the outcome: ``services.delivery.delivery_push_one``
# (passed in by the caller: the services build on this package, not the other way round).
PushOne = Callable[[int], str]


def subscription_durable(subscription: Subscription) -> str:
    """The durable consumer name of a subscription (from its public ID)."""
    return durable_name(f"{DURABLE_PREFIX}{subscription.public_id}")


@dataclass
class ConsumerSync:
    """What a sync did: consumers created and deleted; the approved push subscriptions' ones."""

    created: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    consumers: dict[str, int] = field(default_factory=dict)  # durable → subscription pk


def subscription_consumers_sync(*, broker: Broker) -> ConsumerSync:
    """Create a consumer per approved push subscription, delete those of the others.

    Idempotent; an existing consumer is left as it is (its position is the broker's state).
    Only consumers named ``sub-…`` are ever deleted. Raises ``TransportUnavailable``.
    """
    result = ConsumerSync()
    existing = set(broker.consumer_names())
    approved = Subscription.objects.filter(
        status=Subscription.Status.APPROVED, mode=Subscription.Mode.PUSH
    ).select_related("topic")
    for subscription in approved:
        durable = subscription_durable(subscription)
        result.consumers[durable] = subscription.pk
        if durable not in existing:
            broker.consumer_ensure(
                durable=durable,
                filter_subject=topic_subject(subscription.topic.name),
                start_at=subscription.starts_at or subscription.decided_at,
            )
            result.created.append(durable)
    for durable in sorted(existing - set(result.consumers)):
        if durable.startswith(DURABLE_PREFIX):
            broker.consumer_delete(durable=durable)
            result.deleted.append(durable)
    return result


@dataclass
class NatsDeliveryResult:
    """What one worker pass did with the fetched messages."""

    fetched: int = 0
    acked: int = 0  # pushed and acknowledged by the webhook
    retried: int = 0
    dead: int = 0
    waiting: int = 0  # not due yet, in flight elsewhere, or held back by its key
    settled: int = 0  # already done (by the other path) or not for this subscription

    def describe(self) -> str:
        return (
            f"fetched {self.fetched}: {self.acked} acknowledged, {self.retried} to retry, "
            f"{self.dead} dead, {self.waiting} waiting, {self.settled} already settled"
        )


def _seconds_until(moment: dt.datetime | None) -> float:
    if moment is None:
        return MIN_DELAY_SECONDS
    seconds = (moment - timezone.now()).total_seconds()
    return min(max(seconds, MIN_DELAY_SECONDS), MAX_DELAY_SECONDS)


def _wait_delay(delivery_id: int) -> float:
    """How long a message whose delivery is not pushable now should wait before a new look."""
    delivery = Delivery.objects.filter(pk=delivery_id).first()
    if delivery is None:
        return MAX_DELAY_SECONDS
    moment = delivery.next_attempt_at
    if delivery.key:
        blocker = (
            Delivery.objects.filter(
                subscription_id=delivery.subscription_id,
                key=delivery.key,
                publication_id__lt=delivery.publication_id,
            )
            .exclude(status=Delivery.Status.ACKED)
            .order_by("publication_id")
            .first()
        )
        if blocker is not None:
            if blocker.status == Delivery.Status.DEAD:
                return HELD_BY_DEAD_SECONDS
            moment = max(moment, blocker.next_attempt_at)
    return _seconds_until(moment)


def _deliver_message(
    msg: Msg, subscription_id: int, result: NatsDeliveryResult, push_one: PushOne
) -> tuple[str, float]:
    """Push the Delivery row of ``msg``; return ("ack" | "nak" | "term", nak delay)."""
    try:
        envelope, _payload = message_decode(msg)
    except (ValueError, UnicodeDecodeError):
        # Not an ecity message: nothing in the database to deliver; the log is the record.
        logger.error("not an ecity message on %s: dropped from the consumer", msg.subject)
        result.settled += 1
        return "term", 0.0
    delivery_id = (
        Delivery.objects.filter(
            subscription_id=subscription_id, publication__message_id=envelope["message_id"]
        )
        .values_list("pk", flat=True)
        .first()
    )
    if delivery_id is None:  # an event type or time this subscription does not take
        result.settled += 1
        return "ack", 0.0
    outcome = push_one(delivery_id)
    if outcome == "acked":
        result.acked += 1
        return "ack", 0.0
    if outcome == "dead":
        result.dead += 1  # in the dead-letter list; a requeue goes through the fallback job
        return "ack", 0.0
    if outcome in ("done", "skipped"):
        result.settled += 1
        return "ack", 0.0
    if outcome == "retry":
        result.retried += 1
    else:
        result.waiting += 1
    return "nak", _wait_delay(delivery_id)


def deliveries_nats_run_once(
    *,
    broker: Broker,
    push_one: PushOne,
    wait: float = 1.0,
    batch_size: int | None = None,
    consumers: dict[str, int] | None = None,
) -> NatsDeliveryResult:
    """Fetch each push subscription's consumer once and push what came (one worker pass).

    ``push_one(delivery_pk)`` pushes one Delivery row (``services.delivery.delivery_push_one``).
    ``consumers`` (durable → subscription pk) defaults to a fresh
    ``subscription_consumers_sync``. ``wait`` seconds are shared by the fetches. Each message
    is settled after its Delivery row's outcome is committed. Raises ``TransportUnavailable``
    (messages pushed but not yet acknowledged then come again and are acknowledged without a
    second push).
    """
    if consumers is None:
        consumers = subscription_consumers_sync(broker=broker).consumers
    batch = batch_size or int(settings.ECITY_NATS_BATCH_SIZE)
    result = NatsDeliveryResult()
    each_wait = max(0.05, wait / max(1, len(consumers)))
    for durable, subscription_id in consumers.items():
        messages = broker.fetch(durable=durable, batch=batch, wait=each_wait)
        result.fetched += len(messages)
        ack: list[Msg] = []
        nak: list[tuple[Msg, float]] = []
        term: list[Msg] = []
        for msg in messages:
            action, delay = _deliver_message(msg, subscription_id, result, push_one)
            if action == "ack":
                ack.append(msg)
            elif action == "term":
                term.append(msg)
            else:
                nak.append((msg, delay))
        if messages:
            broker.settle(ack=ack, nak=nak, term=term)
    return result
