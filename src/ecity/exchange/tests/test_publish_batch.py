"""Batch publishing: up to 500 messages in one transaction, all or nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecity.core.errors import ValidationFailed
from ecity.exchange.envelope import envelope_open
from ecity.exchange.message_log import log_verify
from ecity.exchange.models import Delivery, MessageLogRecord, Publication
from ecity.exchange.services.publish import PublishItem, message_publish_batch
from ecity.exchange.services.subscriptions import subscription_approve, subscription_request
from ecity.exchange.tests.conftest import payload

pytestmark = pytest.mark.django_db

TOPIC = "gaj.person.changed"


def _subscribe(parties):
    subscription = subscription_request(
        actor=parties["subscriber"],
        subscriber=parties["subscriber"],
        topic=parties["topic"],
        mode="pull",
    )
    subscription_approve(actor=parties["police_admin"], subscription=subscription)
    return subscription


def _items(count, start=1, **kwargs):
    return [
        PublishItem(
            topic=TOPIC,
            event_type="person.changed",
            payload=payload(n, person=f"P-{n}"),
            key=f"P-{n}",
            **kwargs,
        )
        for n in range(start, start + count)
    ]


def test_a_batch_is_signed_logged_in_one_chain_and_queued_for_the_subscribers(parties):
    subscription = _subscribe(parties)

    envelopes = message_publish_batch(publisher=parties["publisher"], items=_items(3))

    for n, envelope in enumerate(envelopes, start=1):
        opened, sender = envelope_open(envelope.to_dict(), payload(n, person=f"P-{n}"))
        assert (sender, opened.key) == (parties["publisher"], f"P-{n}")
    records = MessageLogRecord.objects.filter(kind="published").order_by("seq")
    assert [(r.seq, r.message_id) for r in records] == [
        (n, e.message_id) for n, e in enumerate(envelopes, start=1)
    ]
    assert list(
        Delivery.objects.filter(subscription=subscription)
        .order_by("publication__log_record__seq")
        .values_list("key", "status")
    ) == [("P-1", "pending"), ("P-2", "pending"), ("P-3", "pending")]
    assert log_verify() == []


def test_one_bad_message_refuses_the_whole_batch_and_writes_nothing(parties):
    _subscribe(parties)
    items = _items(3)
    items[1] = PublishItem(topic=TOPIC, event_type="person.changed", payload={"person": 7})

    with pytest.raises(ValidationFailed) as refused:
        message_publish_batch(publisher=parties["publisher"], items=items)

    assert refused.value.code == "exchange_schema_violation"
    assert set(refused.value.fields) == {"messages[1].$.person", "messages[1].$"}
    assert not Publication.objects.exists()
    assert not Delivery.objects.exists()
    assert not MessageLogRecord.objects.filter(kind="published").exists()


def test_a_repeated_message_id_returns_the_original_and_only_new_ones_are_written(parties):
    first = message_publish_batch(
        publisher=parties["publisher"],
        items=[PublishItem(TOPIC, "person.changed", payload(1), message_id="gaj-2026-000001")],
    )

    again = message_publish_batch(
        publisher=parties["publisher"],
        items=[
            PublishItem(TOPIC, "person.changed", payload(9), message_id="gaj-2026-000001"),
            PublishItem(TOPIC, "person.changed", payload(2), message_id="gaj-2026-000002"),
        ],
    )

    assert again[0] == first[0]
    assert again[1].message_id == "gaj-2026-000002"
    assert list(Publication.objects.order_by("id").values_list("message_id", flat=True)) == [
        "gaj-2026-000001",
        "gaj-2026-000002",
    ]
    assert log_verify() == []


def test_the_same_message_id_twice_in_one_batch_is_refused(parties):
    items = _items(2, message_id="gaj-2026-000001")

    with pytest.raises(ValidationFailed) as refused:
        message_publish_batch(publisher=parties["publisher"], items=items)

    assert list(refused.value.fields) == ["messages[1].message_id"]
    assert not Publication.objects.exists()


def test_an_empty_or_oversized_batch_is_refused(parties):
    for items in ([], _items(501)):
        with pytest.raises(ValidationFailed) as refused:
            message_publish_batch(publisher=parties["publisher"], items=items)
        assert list(refused.value.fields) == ["messages"]
    assert not Publication.objects.exists()


def test_a_larger_batch_takes_no_more_statements_to_write(parties):
    # Given a subscriber, and the keys and schema already used once
    _subscribe(parties)
    message_publish_batch(publisher=parties["publisher"], items=_items(1, start=100))

    # When a batch of 5 and a batch of 50 are published
    with CaptureQueriesContext(connection) as small:
        message_publish_batch(publisher=parties["publisher"], items=_items(5))
    with CaptureQueriesContext(connection) as large:
        message_publish_batch(publisher=parties["publisher"], items=_items(50, start=10))

    # Then the statements (validation, one lock, one insert per table, one move of the head)
    # do not grow with the batch
    def kinds(queries):
        return [q["sql"].split()[0] for q in queries]

    assert kinds(large.captured_queries) == kinds(small.captured_queries)
    assert Publication.objects.count() == 56
    assert log_verify() == []
