"""Deliveries to push subscriptions through NATS JetStream, end to end, against the real broker.

Publication → relay → the subscription's durable consumer → the worker pushes the Delivery row
to a real local webhook → acknowledgement after commit. The database job stays the fallback.
"""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from ecity.exchange.jobs import deliver_due_messages
from ecity.exchange.models import Delivery
from ecity.exchange.selectors.pubsub import dead_letter_list
from ecity.exchange.services import delivery as delivery_services
from ecity.exchange.services.delivery import delivery_push_one
from ecity.exchange.services.inbox import inbox_receive
from ecity.exchange.services.publish import message_publish
from ecity.exchange.services.subscriptions import (
    subscription_approve,
    subscription_request,
    subscription_suspend,
)
from ecity.exchange.tests.conftest import payload
from ecity.exchange.transport.delivery_nats import (
    deliveries_nats_run_once,
    subscription_consumers_sync,
    subscription_durable,
)
from ecity.exchange.transport.nats import Broker, TransportUnavailable
from ecity.exchange.transport.relay import relay_run_once

pytestmark = [pytest.mark.nats, pytest.mark.django_db]

BOUND_SECONDS = 60  # every loop below gives up after this (a loaded CI machine is slow)


def push_one(delivery_id: int) -> str:
    return delivery_push_one(delivery_id=delivery_id)


@pytest.fixture
def quick(settings):
    """Short retry and redelivery delays so that a test sees several attempts quickly."""
    settings.ECITY_EXCHANGE_RETRY_SECONDS = 1
    settings.ECITY_EXCHANGE_MAX_ATTEMPTS = 3
    settings.ECITY_NATS_BACKOFF_SECONDS = [0.5]


@pytest.fixture
def push(parties, webhook, quick):
    subscription = subscription_request(
        actor=parties["subscriber"],
        subscriber=parties["subscriber"],
        topic=parties["topic"],
        mode="push",
        push_url=webhook.url,
    )
    subscription_approve(actor=parties["police_admin"], subscription=subscription)
    subscription.refresh_from_db()
    return subscription


def publish(parties, n=1, key="P-1"):
    return message_publish(
        publisher=parties["publisher"],
        topic=parties["topic"],
        event_type="person.changed",
        payload=payload(n, person=key),
        key=key,
    )


def work_until(broker, done, *, wait=0.5):
    """Run worker passes until ``done()`` holds (bounded); return the pass results."""
    results = []
    deadline = time.monotonic() + BOUND_SECONDS
    while not done():
        assert time.monotonic() < deadline, f"not done after {BOUND_SECONDS}s: {results}"
        results.append(deliveries_nats_run_once(broker=broker, push_one=push_one, wait=wait))
    return results


def statuses():
    return list(Delivery.objects.order_by("publication_id").values_list("status", flat=True))


def test_a_publication_reaches_the_webhook_through_nats_exactly_once(
    parties, push, webhook, broker, settings
):
    # given an approved push subscription and a publication carried to the stream
    envelope = publish(parties)
    relay_run_once(broker=broker)

    # when the worker runs until the delivery is acknowledged, then again, and the database
    # fallback job runs with no delay at all
    work_until(broker, lambda: statuses() == ["acked"])
    again = deliveries_nats_run_once(broker=broker, push_one=push_one, wait=0.5)
    settings.ECITY_EXCHANGE_NATS_FALLBACK_SECONDS = 0
    fallback = deliver_due_messages()

    # then the webhook got the signed envelope and payload once, through the subscription's
    # own durable consumer, and nothing was pushed twice
    assert [body["envelope"]["message_id"] for body in webhook.received] == [envelope.message_id]
    assert webhook.received[0]["payload"] == payload(1, person="P-1")
    assert subscription_durable(push) in broker.consumer_names()
    assert again.fetched == 0
    assert fallback.startswith("0 acknowledged")
    delivery = Delivery.objects.get()
    assert delivery.attempts == 1 and delivery.acked_at is not None


def test_failing_webhook_is_retried_then_dead_lettered_and_listed(
    parties, push, webhook, broker, settings
):
    # given a webhook that answers 500 every time, and two attempts at most
    settings.ECITY_EXCHANGE_MAX_ATTEMPTS = 2
    webhook.plan = [500, 500, 500]
    envelope = publish(parties)
    relay_run_once(broker=broker)

    # when the worker runs until the delivery gives up
    results = work_until(broker, lambda: statuses() == ["dead"])

    # then it was retried once after the failure, then dead-lettered, and both sides see the
    # dead letter in their list; the broker holds nothing more for the subscription
    assert len(webhook.received) == 2
    assert sum(r.retried for r in results) == 1 and sum(r.dead for r in results) == 1
    [dead] = dead_letter_list(subsystem=parties["subscriber"])
    assert dead.publication.message_id == envelope.message_id
    assert "HTTP 500" in dead.last_error
    assert list(dead_letter_list(subsystem=parties["publisher"])) == [dead]
    assert deliveries_nats_run_once(broker=broker, push_one=push_one, wait=1.0).fetched == 0


def test_ordering_per_key_holds_when_the_first_message_must_be_retried(
    parties, push, webhook, broker
):
    # given three versions of one person's record; the webhook refuses the first push once
    webhook.plan = [503]
    for version in (1, 2, 3):
        publish(parties, n=version, key="P-7")
    relay_run_once(broker=broker)

    # when the worker runs until every delivery is acknowledged
    work_until(broker, lambda: statuses() == ["acked", "acked", "acked"])

    # then versions 2 and 3 waited for version 1: the receiver saw them in order
    assert [body["payload"]["version"] for body in webhook.received] == [1, 1, 2, 3]


class _DiesBeforeAck:
    """A broker connection that is lost right after the worker committed, before the ack."""

    def __init__(self, broker: Broker) -> None:
        self._broker = broker

    def __getattr__(self, name):
        return getattr(self._broker, name)

    def settle(self, **kwargs):
        raise TransportUnavailable("worker killed between commit and ack")


def test_worker_killed_between_push_and_ack_has_no_second_effect(parties, push, webhook, broker):
    # given a worker that pushes and commits, then dies before acknowledging the message
    envelope = publish(parties)
    relay_run_once(broker=broker)
    with pytest.raises(TransportUnavailable):
        work_until(_DiesBeforeAck(broker), lambda: statuses() == ["acked"])

    # when a new worker runs until the broker redelivered the unacknowledged message
    results = []
    deadline = time.monotonic() + BOUND_SECONDS
    while not any(r.settled for r in results):
        assert time.monotonic() < deadline
        results.append(deliveries_nats_run_once(broker=broker, push_one=push_one, wait=0.5))

    # then the message was acknowledged without a second push
    assert [body["envelope"]["message_id"] for body in webhook.received] == [envelope.message_id]
    assert sum(r.settled for r in results) == 1 and sum(r.acked for r in results) == 0


def test_worker_killed_between_post_and_commit_pushes_again_and_the_inbox_dedupes(
    parties, push, webhook, broker, monkeypatch
):
    # given a worker killed after the webhook answered, before the outcome was committed
    envelope = publish(parties)
    relay_run_once(broker=broker)

    def killed(*args, **kwargs):
        raise SystemExit("killed")

    monkeypatch.setattr(delivery_services, "_record_push", killed)
    with pytest.raises(SystemExit):
        work_until(broker, lambda: False)
    monkeypatch.undo()

    # when its lease has run out and a new worker gets the redelivered message
    Delivery.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    work_until(broker, lambda: statuses() == ["acked"])

    # then the webhook got the message twice (at least once), and the receiver's inbox runs
    # its effect once
    assert [b["envelope"]["message_id"] for b in webhook.received] == [envelope.message_id] * 2
    effects = []
    for body in webhook.received:
        inbox_receive(
            subscription=push,
            envelope=body["envelope"],
            payload=body["payload"],
            handler=lambda opened, data: effects.append(data["version"]),
        )
    assert effects == [1]


def test_with_nats_down_the_database_job_delivers_what_is_overdue(
    parties, push, webhook, settings, closed_port_url
):
    # given the NATS transport with an unreachable broker and a fresh publication
    settings.ECITY_EXCHANGE_TRANSPORT = "nats"
    settings.ECITY_NATS_URL = closed_port_url.replace("http://", "nats://")
    settings.ECITY_EXCHANGE_NATS_FALLBACK_SECONDS = 60
    envelope = publish(parties)
    with pytest.raises(TransportUnavailable):
        Broker.connect(timeout=1.0)

    # when the database job runs at once, and again once the delivery is overdue by more than
    # the fallback delay
    early = deliver_due_messages()
    Delivery.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=61))
    late = deliver_due_messages()

    # then the job left the fresh delivery to the broker worker, then delivered it itself
    assert early.startswith("0 acknowledged")
    assert late.startswith("1 acknowledged")
    assert [b["envelope"]["message_id"] for b in webhook.received] == [envelope.message_id]
    assert statuses() == ["acked"]


def test_consumers_follow_the_subscription_state(parties, push, broker):
    # given the consumer of an approved push subscription
    first = subscription_consumers_sync(broker=broker)

    # when the subscription is suspended and the consumers are synced again
    subscription_suspend(actor=parties["police_admin"], subscription=push, reason="维护")
    second = subscription_consumers_sync(broker=broker)

    # then the consumer was created for the approval and deleted after the suspension
    durable = subscription_durable(push)
    assert first.created == [durable]
    assert second.deleted == [durable]
    assert durable not in broker.consumer_names()


def test_the_worker_and_setup_commands_deliver_and_provision(parties, push, webhook, broker):
    # given a publication relayed to the stream
    envelope = publish(parties)
    relay_run_once(broker=broker)

    # when the operator provisions, then runs the worker once
    setup = io.StringIO()
    call_command("exchange_nats_setup", stdout=setup)
    worker = io.StringIO()
    call_command("exchange_deliver_nats", "--once", "--wait", "2", stdout=worker)

    # then the consumer was created by the setup and the worker pushed the message
    assert "1 consumers, 1 created, 0 deleted" in setup.getvalue()
    assert "1 acknowledged" in worker.getvalue()
    assert [b["envelope"]["message_id"] for b in webhook.received] == [envelope.message_id]
