"""Push delivery to a real local webhook: acks, retries with backoff, dead letters, key order."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ecity.audit.models import AuditEntry
from ecity.core.errors import PermissionDenied
from ecity.exchange.envelope import envelope_open
from ecity.exchange.models import Delivery, MessageLogRecord
from ecity.exchange.selectors.pubsub import dead_letter_list
from ecity.exchange.services.delivery import dead_letters_requeue, deliveries_push
from ecity.exchange.services.publish import message_publish
from ecity.exchange.services.subscriptions import subscription_approve, subscription_request
from ecity.exchange.tests.conftest import payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def push(parties, webhook, settings):
    settings.ECITY_EXCHANGE_RETRY_SECONDS = 30
    settings.ECITY_EXCHANGE_MAX_ATTEMPTS = 3
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


def _publish(parties, n=1, key="P-1"):
    return message_publish(
        publisher=parties["publisher"],
        topic=parties["topic"],
        event_type="person.changed",
        payload=payload(n, person=key),
        key=key,
    )


def _make_due():
    """Move every waiting delivery's next attempt to the past (time passes)."""
    Delivery.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))


def test_a_2xx_answer_acknowledges_and_the_receiver_can_verify_the_push(parties, push, webhook):
    envelope = _publish(parties)

    summary = deliveries_push()

    assert summary.startswith("1 acknowledged")
    [body] = webhook.received
    assert body["payload"] == payload(1)
    opened, sender = envelope_open(body["envelope"], body["payload"], record_seen=False)
    assert (opened.message_id, sender) == (envelope.message_id, parties["publisher"])
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("acked", 1)
    kinds = list(
        MessageLogRecord.objects.filter(partition=parties["subscriber"].identifier)
        .order_by("seq")
        .values_list("kind", flat=True)
    )
    assert kinds == ["delivered", "acknowledged"]


def test_a_failed_push_is_retried_with_doubling_backoff_then_dead(parties, push, webhook):
    webhook.plan = [503, 500, 502]
    _publish(parties)

    before = timezone.now()
    deliveries_push()
    after = timezone.now()
    first = Delivery.objects.get()
    deliveries_push()  # not due yet: nothing is sent
    assert len(webhook.received) == 1
    _make_due()
    before_second = timezone.now()
    deliveries_push()
    after_second = timezone.now()
    second = Delivery.objects.get()
    _make_due()
    deliveries_push()

    assert first.status == "pending" and "HTTP 503" in first.last_error
    delay = dt.timedelta(seconds=30)
    assert before + delay <= first.next_attempt_at <= after + delay
    assert before_second + 2 * delay <= second.next_attempt_at <= after_second + 2 * delay
    dead = Delivery.objects.get()
    assert (dead.status, dead.attempts, len(webhook.received)) == ("dead", 3, 3)
    assert MessageLogRecord.objects.filter(kind="dead").count() == 1
    assert list(dead_letter_list(subsystem=parties["subscriber"])) == [dead]
    assert list(dead_letter_list(subsystem=parties["publisher"])) == [dead]


def test_an_unreachable_webhook_is_retried(parties, push, webhook):
    push.push_url = "http://127.0.0.1:9/closed"
    push.save()
    _publish(parties)

    deliveries_push()

    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_error.startswith("URLError")


def test_a_key_waits_for_its_earlier_message_while_other_keys_flow(parties, push, webhook):
    webhook.plan = [503]  # the first message of P-1 fails once
    _publish(parties, 1, key="P-1")
    _publish(parties, 2, key="P-1")
    _publish(parties, 1, key="P-2")

    deliveries_push()
    received_first = [(b["envelope"]["key"], b["payload"]["version"]) for b in webhook.received]
    _make_due()
    deliveries_push()
    received = [(b["envelope"]["key"], b["payload"]["version"]) for b in webhook.received]

    assert received_first == [("P-1", 1), ("P-2", 1)]
    assert received == [("P-1", 1), ("P-2", 1), ("P-1", 1), ("P-1", 2)]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"acked"}


def test_a_dead_letter_blocks_its_key_until_requeued(parties, push, webhook, settings):
    settings.ECITY_EXCHANGE_MAX_ATTEMPTS = 1
    webhook.plan = [500]
    first = _publish(parties, 1)
    _publish(parties, 2)

    deliveries_push()
    deliveries_push()
    assert len(webhook.received) == 1  # version 2 waits behind the dead version 1

    count = dead_letters_requeue(
        actor=parties["subscriber"], subscription=push, message_ids=[first.message_id]
    )
    deliveries_push()

    assert count == 1
    versions = [b["payload"]["version"] for b in webhook.received]
    assert versions == [1, 1, 2]
    assert AuditEntry.objects.filter(action="exchange.dead_letters_requeued").count() == 1


def test_a_stranger_cannot_requeue(parties, push):
    from ecity.exchange.tests.factories import SubsystemFactory

    with pytest.raises(PermissionDenied):
        dead_letters_requeue(actor=SubsystemFactory(), subscription=push, message_ids=["x" * 8])


def test_a_push_claimed_by_a_dead_process_is_pushed_again_after_its_lease(parties, push, webhook):
    _publish(parties)
    # A worker claimed it and died before the webhook answered: delivered, lease running.
    Delivery.objects.update(
        status="delivered", attempts=1, next_attempt_at=timezone.now() + dt.timedelta(minutes=1)
    )
    deliveries_push()
    assert webhook.received == []

    _make_due()
    deliveries_push()

    assert len(webhook.received) == 1
    assert Delivery.objects.get().status == "acked"


def test_the_periodic_job_pushes_through_the_database_transport(parties, push, webhook):
    from ecity.core.jobs import run_job

    _publish(parties)

    summary = run_job("exchange.deliver")

    assert summary.startswith("1 acknowledged")
    assert len(webhook.received) == 1
