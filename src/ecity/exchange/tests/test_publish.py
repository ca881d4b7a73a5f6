"""Publishing: one transaction writes the log record, the publication and the deliveries."""

from __future__ import annotations

import pytest
from django.db import transaction

from ecity.exchange.envelope import envelope_open
from ecity.exchange.message_log import log_verify
from ecity.exchange.models import Delivery, MessageLogRecord, Publication
from ecity.exchange.services.publish import message_publish
from ecity.exchange.services.subscriptions import subscription_approve, subscription_request
from ecity.exchange.tests.conftest import payload
from ecity.exchange.tests.factories import MemberFactory, SubsystemFactory

pytestmark = pytest.mark.django_db


def _subscribe(parties, subscriber=None, **kwargs):
    subscriber = subscriber or parties["subscriber"]
    subscription = subscription_request(
        actor=subscriber,
        subscriber=subscriber,
        topic=parties["topic"],
        mode=kwargs.pop("mode", "pull"),
        **kwargs,
    )
    subscription_approve(actor=parties["police_admin"], subscription=subscription)
    subscription.refresh_from_db()
    return subscription


def _publish(parties, **kwargs):
    values = {"event_type": "person.changed", "payload": payload(), **kwargs}
    return message_publish(publisher=parties["publisher"], topic=parties["topic"], **values)


def test_a_publication_is_signed_logged_and_queued_for_each_approved_subscription(parties):
    first = _subscribe(parties)
    second = _subscribe(
        parties,
        subscriber=SubsystemFactory(member=MemberFactory(department=parties["labour"])),
        event_types=["person.changed"],
    )

    envelope = _publish(parties, key="P-1", user_id="u-1", purpose="同步")

    opened, sender = envelope_open(envelope.to_dict(), payload(), record_seen=False)
    assert sender == parties["publisher"] and opened.topic == "gaj.person.changed"
    record = MessageLogRecord.objects.get(kind="published")
    assert (record.partition, record.message_id, record.payload) == (
        parties["publisher"].identifier,
        envelope.message_id,
        payload(),
    )
    deliveries = Delivery.objects.order_by("subscription_id")
    assert [(d.subscription, d.status, d.key) for d in deliveries] == [
        (first, "pending", "P-1"),
        (second, "pending", "P-1"),
    ]
    assert log_verify() == []


def test_a_rolled_back_publication_leaves_no_record_and_delivers_nothing(parties):
    _subscribe(parties)

    with pytest.raises(RuntimeError), transaction.atomic():
        _publish(parties)
        raise RuntimeError("the publishing service failed after publishing")

    assert not Publication.objects.exists()
    assert not Delivery.objects.exists()
    assert not MessageLogRecord.objects.filter(kind="published").exists()


def test_a_repeat_with_the_same_message_id_returns_the_original_and_writes_nothing(parties):
    _subscribe(parties)
    original = _publish(parties, message_id="gaj-2026-000001")

    repeat = _publish(parties, message_id="gaj-2026-000001", payload=payload(2))

    assert repeat == original
    assert Publication.objects.count() == 1 and Delivery.objects.count() == 1
    assert MessageLogRecord.objects.filter(kind="published").count() == 1


def test_a_metadata_level_publisher_still_delivers_the_payload(parties):
    parties["publisher"].log_level = "metadata"
    parties["publisher"].save()
    _subscribe(parties)

    envelope = _publish(parties)

    assert MessageLogRecord.objects.get(kind="published").payload is None
    publication = Publication.objects.get(message_id=envelope.message_id)
    assert publication.payload == payload()


def test_a_registered_broker_transport_is_told_of_new_deliveries_only_after_commit(
    parties, django_capture_on_commit_callbacks
):
    from ecity.exchange.transport import transport_register

    class Broker:  # what a broker transport (NATS) receives from the exchange
        name = "broker"

        def __init__(self):
            self.notified = []

        def notify(self, delivery_ids):
            self.notified.append(list(delivery_ids))

        def deliver_due(self):
            return ""

        def run(self, *, stop):
            return None

    _subscribe(parties)
    broker = Broker()
    transport_register(broker)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            _publish(parties)
        assert broker.notified == []  # not before the commit
        for callback in callbacks:
            callback()
    finally:
        transport_register(None)

    assert broker.notified == [[Delivery.objects.get().pk]]
