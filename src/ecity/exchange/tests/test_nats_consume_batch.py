"""The consumer handles a fetched batch at once: verified, one transaction, acked after commit.

Against the real broker on this machine, each test on a stream of its own. The receiver is the
test-only inbox probe's set-based batch handler (one effect row per message ID).
"""

from __future__ import annotations

import json
import time

import pytest
from django.db import OperationalError, transaction

from ecity.exchange.envelope import envelope_seal
from ecity.exchange.errors import ExchangeErrorCode
from ecity.exchange.message_log import REFUSALS_PARTITION, log_append
from ecity.exchange.models import MessageLogRecord
from ecity.exchange.tests.factories import SubsystemFactory
from ecity.exchange.tests.inbox_probe.handlers import dead_letter_record, effect_record_batch
from ecity.exchange.tests.inbox_probe.models import ProbeDeadLetter, ProbeEffect
from ecity.exchange.transport.consumer import KeyHolds, consumer_run_once
from ecity.exchange.transport.nats import Outgoing, message_body
from ecity.exchange.transport.relay import relay_run_once
from ecity.exchange.transport.subjects import topic_subject

pytestmark = [pytest.mark.nats, pytest.mark.django_db]

TOPIC = "registry.person.changed"


def publish(sender, payload, *, key: str = "") -> MessageLogRecord:
    envelope = envelope_seal(
        sender=sender.identifier, payload=payload, topic=TOPIC, event_type=TOPIC, key=key
    )
    return log_append(kind=MessageLogRecord.Kind.PUBLISHED, envelope=envelope, payload=payload)


def consume(broker, *, batch_size: int = 100, wait: float = 5.0, holds: KeyHolds | None = None):
    return consumer_run_once(
        broker=broker,
        durable="receiver",
        on_batch=effect_record_batch,
        on_dead=dead_letter_record,
        batch_size=batch_size,
        wait=wait,
        holds=holds,
    )


def effects_in_order() -> list[int]:
    """The probe payloads' ``n`` in the order their effects were written."""
    return list(ProbeEffect.objects.order_by("pk").values_list("payload__n", flat=True))


@pytest.fixture
def quick_redelivery(settings):
    settings.ECITY_NATS_BACKOFF_SECONDS = [0.3]
    settings.ECITY_NATS_MAX_DELIVER = 3


def test_batch_with_one_forged_signature_takes_effect_for_the_others_and_refuses_that_one(broker):
    # given two good publications relayed, and between them a message whose envelope claims the
    # same sender but carries another message's signature (a forgery) put straight on the stream
    sender = SubsystemFactory()
    broker.consumer_ensure(durable="receiver")
    first = publish(sender, {"n": 1})
    relay_run_once(broker=broker)
    other = envelope_seal(sender=sender.identifier, payload={"n": 99}, topic=TOPIC).to_dict()
    forged = {
        **envelope_seal(sender=sender.identifier, payload={"n": 2}, topic=TOPIC).to_dict(),
        "signature": other["signature"],
    }
    broker.publish_batch(
        [
            Outgoing(
                subject=topic_subject(TOPIC),
                msg_id=forged["message_id"],
                body=message_body(envelope=forged, payload={"n": 2}, log={}),
                headers={},
            )
        ]
    )
    third = publish(sender, {"n": 3})
    relay_run_once(broker=broker)

    # when the receiver consumes the batch of three
    result = consume(broker)

    # then the two good ones took effect, the forged one was refused, logged and dead-lettered
    assert (result.fetched, result.acked, result.refused, result.dead) == (3, 2, 1, 1)
    assert set(ProbeEffect.objects.values_list("message_id", flat=True)) == {
        first.message_id,
        third.message_id,
    }
    refusal = MessageLogRecord.objects.get(partition=REFUSALS_PARTITION)
    assert refusal.message_id == forged["message_id"]
    assert refusal.detail["code"] == ExchangeErrorCode.BAD_SIGNATURE
    assert refusal.detail["claimed_sender"] == sender.identifier
    dead = ProbeDeadLetter.objects.get()
    assert dead.message_id == forged["message_id"]
    assert ExchangeErrorCode.BAD_SIGNATURE in dead.reason
    # and nothing comes again: the good ones were acked, the forged one terminated
    assert consume(broker, wait=1.5).fetched == 0


def test_payload_changed_after_signing_is_refused_and_never_takes_effect(broker):
    # given a signed envelope travelling with a payload other than the one it was signed for
    sender = SubsystemFactory()
    broker.consumer_ensure(durable="receiver")
    envelope = envelope_seal(sender=sender.identifier, payload={"n": 1}, topic=TOPIC).to_dict()
    broker.publish_batch(
        [
            Outgoing(
                subject=topic_subject(TOPIC),
                msg_id=envelope["message_id"],
                body=message_body(envelope=envelope, payload={"n": 1000}, log={}),
                headers={},
            )
        ]
    )

    # when the receiver consumes it
    result = consume(broker)

    # then it had no effect and its refusal names the payload hash
    assert (result.fetched, result.acked, result.refused) == (1, 0, 1)
    assert not ProbeEffect.objects.exists()
    refusal = MessageLogRecord.objects.get(partition=REFUSALS_PARTITION)
    assert refusal.detail["code"] == ExchangeErrorCode.PAYLOAD_HASH_MISMATCH


def test_redelivered_batch_has_no_second_effect(broker, quick_redelivery):
    # given a batch whose effects were committed by a receiver that died before acknowledging
    sender = SubsystemFactory()
    for n in range(5):
        publish(sender, {"n": n})
    relay_run_once(broker=broker)
    broker.consumer_ensure(durable="receiver")
    bodies = [json.loads(m.data) for m in broker.fetch(durable="receiver", batch=10, wait=5)]
    with transaction.atomic():
        effect_record_batch([(body["envelope"], body["payload"]) for body in bodies])

    # when the broker redelivers the unacknowledged batch to the restarted receiver
    result = consume(broker)

    # then every message has exactly one effect, the redelivery counted on it, and all acked
    assert (result.fetched, result.acked, result.redelivered) == (5, 5, 5)
    assert sorted(ProbeEffect.objects.values_list("payload__n", "redeliveries")) == [
        (n, 1) for n in range(5)
    ]
    assert consume(broker, wait=1.5).fetched == 0


def test_order_per_key_is_kept_within_and_across_batches(broker):
    # given eleven publications of three keys from two senders, interleaved (a key's order is
    # its sender's: two systems publishing the same key have no order between them)
    first, second = SubsystemFactory(), SubsystemFactory()
    for n in range(11):
        publish(first if n % 2 else second, {"n": n}, key=f"P-{n % 3}")
    relay_run_once(broker=broker)
    broker.consumer_ensure(durable="receiver")

    # when the receiver consumes them four at a time
    passes = [consume(broker, batch_size=4) for _ in range(3)]

    # then three batches took effect, each sender's messages of a key in publication order
    assert [p.acked for p in passes] == [4, 4, 3]
    order = effects_in_order()
    for sender in range(2):
        for key in range(3):
            of_key = [n for n in order if n % 2 == sender and n % 3 == key]
            assert of_key == sorted(of_key)
    assert sorted(order) == list(range(11))


def test_failing_message_holds_back_only_the_later_messages_of_its_key(broker, quick_redelivery):
    # given a message its receiver cannot handle, a later one of the same key, and one of
    # another key
    sender = SubsystemFactory()
    bad = publish(sender, {"n": 0, "fail": True}, key="P-1")
    publish(sender, {"n": 1}, key="P-1")
    publish(sender, {"n": 2}, key="P-2")
    relay_run_once(broker=broker)
    broker.consumer_ensure(durable="receiver")

    # when the receiver consumes the batch once
    holds = KeyHolds()  # what a consumer process keeps across its passes
    first = consume(broker, holds=holds)

    # then the other key's message took effect and the later one of the failing key waits
    assert (first.fetched, first.acked, first.retried) == (3, 1, 2)
    assert effects_in_order() == [2]

    # and when the failing message has used up its deliveries (3) and is dead-lettered, the
    # held one follows it, however the redeliveries fall into batches
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and ProbeEffect.objects.count() < 2:
        consume(broker, batch_size=1, wait=1, holds=holds)
    assert ProbeDeadLetter.objects.get().message_id == bad.message_id
    assert effects_in_order() == [2, 1]


def test_batch_that_cannot_be_verified_comes_again_instead_of_stopping_the_consumer(
    broker, quick_redelivery, monkeypatch
):
    # given two relayed publications and a database that fails while the batch is verified
    sender = SubsystemFactory()
    for n in range(2):
        publish(sender, {"n": n})
    relay_run_once(broker=broker)
    broker.consumer_ensure(durable="receiver")
    from ecity.exchange.transport import consumer

    def unreachable(messages):
        raise OperationalError("the database is unreachable")

    monkeypatch.setattr(consumer, "envelopes_open_delivered", unreachable)

    # when the consumer runs a pass, then again once the database is back
    failed = consume(broker)
    monkeypatch.undo()
    again = consume(broker)

    # then the first pass sent both back without effect, and the second handled both once
    assert (failed.fetched, failed.retried, failed.acked) == (2, 2, 0)
    assert (again.fetched, again.acked, again.redelivered) == (2, 2, 2)
    assert sorted(effects_in_order()) == [0, 1]
