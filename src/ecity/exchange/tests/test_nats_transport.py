"""Publications travel from the message log through NATS JetStream to an idempotent receiver.

Against the real broker on this machine (scripts/test.sh starts it), each test on a stream of
its own that is deleted afterwards.
"""

from __future__ import annotations

import io
import json
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from ecity.exchange.envelope import envelope_seal
from ecity.exchange.message_log import log_append
from ecity.exchange.models import MessageLogRecord, RelayCursor
from ecity.exchange.tests.factories import SubsystemFactory
from ecity.exchange.tests.inbox_probe.handlers import dead_letter_record, effect_record
from ecity.exchange.tests.inbox_probe.models import ProbeDeadLetter, ProbeEffect
from ecity.exchange.transport.consumer import consumer_run_once
from ecity.exchange.transport.nats import Broker, TransportUnavailable
from ecity.exchange.transport.relay import relay_backlog, relay_run_once

pytestmark = [pytest.mark.nats, pytest.mark.django_db]

TOPIC = "registry.person.changed"


def publish(sender, payload, *, topic=TOPIC) -> MessageLogRecord:
    envelope = envelope_seal(
        sender=sender.identifier, payload=payload, topic=topic, event_type=topic
    )
    return log_append(kind=MessageLogRecord.Kind.PUBLISHED, envelope=envelope, payload=payload)


def stream_messages(broker) -> int:
    return broker.stream_info().state.messages


@pytest.fixture
def quick_redelivery(settings):
    settings.ECITY_NATS_BACKOFF_SECONDS = [0.3]
    settings.ECITY_NATS_MAX_DELIVER = 3


def test_relay_carries_each_publication_once_with_its_signed_envelope(broker):
    # given two publications and a delivery record in the sender's chain
    sender = SubsystemFactory()
    first = publish(sender, {"person": "P-1", "changed": ["住址"]})
    log_append(kind=MessageLogRecord.Kind.DELIVERED, envelope=None, partition=sender.identifier)
    second = publish(sender, {"person": "P-2", "changed": ["姓名"]})
    broker.consumer_ensure(durable="reader")

    # when the relay runs twice
    carried = relay_run_once(broker=broker)
    again = relay_run_once(broker=broker)

    # then the two publications are in the stream once, in order, with envelope and payload
    assert carried.published == 2 and again.published == 0
    assert stream_messages(broker) == 2
    assert RelayCursor.objects.get(partition=sender.identifier).last_seq == 3
    assert relay_backlog() == {}
    messages = broker.fetch(durable="reader", batch=10, wait=5)
    bodies = [json.loads(m.data) for m in messages]
    assert [b["envelope"]["message_id"] for b in bodies] == [first.message_id, second.message_id]
    assert bodies[0]["payload"] == {"person": "P-1", "changed": ["住址"]}
    assert bodies[0]["envelope"]["signature"] == first.envelope["signature"]
    assert messages[0].subject.endswith(".topic.registry.person.changed")
    assert messages[0].headers["Nats-Msg-Id"] == first.message_id


def test_relay_restarted_before_its_cursor_moved_leaves_one_copy_in_the_stream(broker):
    # given three publications relayed, then the cursor lost as in a crash before its update
    sender = SubsystemFactory()
    for n in range(3):
        publish(sender, {"n": n})
    relay_run_once(broker=broker)
    RelayCursor.objects.all().delete()

    # when the relay runs again
    carried = relay_run_once(broker=broker)

    # then it republished all three and the broker dropped the copies by message ID
    assert carried.published == 3
    assert stream_messages(broker) == 3


def test_publications_commit_while_the_broker_is_down_and_the_relay_catches_up(broker):
    # given the broker unreachable
    sender = SubsystemFactory()
    with pytest.raises(TransportUnavailable):
        Broker.connect(url="nats://127.0.0.1:9", timeout=0.25)

    # when a department system publishes
    records = [publish(sender, {"n": n}) for n in range(4)]

    # then the publications are committed in the log and wait for the relay
    assert MessageLogRecord.objects.filter(pk__in=[r.pk for r in records]).count() == 4
    assert relay_backlog() == {sender.identifier: 4}
    # and when the broker is back the relay carries all of them
    assert relay_run_once(broker=broker).published == 4
    assert stream_messages(broker) == 4


def test_redelivery_after_a_crash_between_commit_and_ack_has_no_second_effect(
    broker, quick_redelivery
):
    # given three relayed publications and a receiver that committed their effects but died
    # before acknowledging them
    sender = SubsystemFactory()
    for n in range(3):
        publish(sender, {"n": n})
    relay_run_once(broker=broker)
    broker.consumer_ensure(durable="receiver")
    for msg in broker.fetch(durable="receiver", batch=10, wait=5):
        body = json.loads(msg.data)
        with transaction.atomic():
            effect_record(body["envelope"], body["payload"])

    # when the receiver runs again and the broker redelivers the unacknowledged messages
    result = consumer_run_once(broker=broker, durable="receiver", on_message=effect_record, wait=5)

    # then every message has exactly one effect and the redeliveries were acknowledged
    assert (result.fetched, result.acked, result.redelivered) == (3, 3, 3)
    assert sorted(ProbeEffect.objects.values_list("payload__n", "redeliveries")) == [
        (0, 1),
        (1, 1),
        (2, 1),
    ]
    assert (
        consumer_run_once(
            broker=broker, durable="receiver", on_message=effect_record, wait=0.5
        ).fetched
        == 0
    )


def test_failed_handler_rolls_back_and_the_message_comes_again_after_its_backoff(
    broker, quick_redelivery, tmp_path, monkeypatch
):
    # given a receiver that fails while its flag file exists
    flag = tmp_path / "failing"
    flag.touch()
    monkeypatch.setenv("ECITY_PROBE_FAIL_UNTIL", str(flag))
    sender = SubsystemFactory()
    publish(sender, {"n": 1})
    relay_run_once(broker=broker)
    broker.consumer_ensure(durable="receiver")

    # when the first delivery fails and the receiver is repaired
    failed = consumer_run_once(broker=broker, durable="receiver", on_message=effect_record, wait=5)
    flag.unlink()
    retried = consumer_run_once(broker=broker, durable="receiver", on_message=effect_record, wait=5)

    # then the failure left no effect, and the redelivery made exactly one
    assert (failed.fetched, failed.retried, failed.acked) == (1, 1, 0)
    assert (retried.acked, retried.redelivered) == (1, 1)
    assert ProbeEffect.objects.count() == 1


def test_message_failing_every_delivery_goes_to_the_dead_letter_list_once(broker, quick_redelivery):
    # given a publication its receiver can never handle, and a good one
    sender = SubsystemFactory()
    bad = publish(sender, {"fail": True})
    publish(sender, {"n": 1})
    relay_run_once(broker=broker)
    broker.consumer_ensure(durable="receiver")

    # when the receiver runs until nothing is left (max deliver 3)
    # (until the dead letter is recorded and a pass finds nothing more; bounded, so that a
    # redelivery the loaded machine brings later than one fetch wait does not end the loop early)
    passes = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (
        not passes or passes[-1].fetched or not ProbeDeadLetter.objects.exists()
    ):
        passes.append(
            consumer_run_once(
                broker=broker,
                durable="receiver",
                on_message=effect_record,
                on_dead=dead_letter_record,
                wait=2,
            )
        )

    # then the good one had its effect, the bad one was tried three times and dead-lettered
    assert ProbeEffect.objects.count() == 1
    dead = ProbeDeadLetter.objects.get()
    assert (dead.message_id, dead.deliveries) == (bad.message_id, 3)
    assert "told to fail" in dead.reason
    assert sum(p.dead for p in passes) == 1


def test_setup_command_provisions_the_stream_idempotently(nats_prefix):
    out = io.StringIO()

    call_command("exchange_nats_setup", "--durable", "registry-sync", stdout=out)
    call_command("exchange_nats_setup", stdout=out)

    text = out.getvalue()
    assert text.count(f"stream {nats_prefix}-CN-DEMO: subjects {nats_prefix}.CN-DEMO.>") == 2
    assert "consumer registry-sync" in text
    assert "duplicate window 600.0s" in text


def test_broker_processes_refuse_to_run_on_the_database_transport(settings):
    settings.ECITY_EXCHANGE_TRANSPORT = "database"

    with pytest.raises(CommandError, match="ECITY_EXCHANGE_TRANSPORT"):
        call_command("exchange_relay", "--once")


def test_relay_and_consume_commands_once_carry_a_publication_to_its_effect(nats_prefix):
    # given a committed publication
    sender = SubsystemFactory()
    record = publish(sender, {"person": "P-9", "changed": ["电话"]})
    out = io.StringIO()

    # when the relay and a consumer of its topic each run once
    call_command("exchange_relay", "--once", stdout=out)
    call_command(
        "exchange_consume",
        "--durable",
        "registry.person sync",  # escaped into a valid durable name
        "--topic",
        TOPIC,
        "--handler",
        "ecity.exchange.tests.inbox_probe.handlers.effect_record",
        "--once",
        "--wait",
        "5",
        stdout=out,
    )

    # then the message had its one effect
    assert "relayed 1 messages" in out.getvalue()
    assert "fetched 1: acked 1, retried 0, dead 0, redelivered 0" in out.getvalue()
    assert ProbeEffect.objects.get().message_id == record.message_id


def test_fetch_whose_deadline_passed_on_a_busy_loop_finds_nothing_instead_of_failing(
    broker, monkeypatch
):
    # given a consumer with nothing waiting, and nats-py giving up with a plain TimeoutError
    # as it does when its deadline passed before the lingering pull could be sent (CI saw it)
    import nats.js.client

    broker.consumer_ensure(durable="quiet")

    async def deadline_passed(self, *args, **kwargs):
        raise TimeoutError

    monkeypatch.setattr(nats.js.client.JetStreamContext.PullSubscription, "fetch", deadline_passed)

    # when a worker fetches, then the pass ends with no messages rather than "NATS is down"
    assert broker.fetch(durable="quiet", batch=10, wait=0.1) == []
