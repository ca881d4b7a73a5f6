"""Pull delivery: the next messages in order, acks by message ID, visibility timeout, replay."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ecity.core.errors import Conflict, ValidationFailed
from ecity.exchange.models import Delivery, MessageLogRecord, Publication
from ecity.exchange.services.delivery import messages_ack, messages_pull
from ecity.exchange.services.publish import message_publish
from ecity.exchange.services.subscriptions import (
    subscription_approve,
    subscription_replay,
    subscription_request,
)
from ecity.exchange.tests.conftest import payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def pull(parties):
    subscription = subscription_request(
        actor=parties["subscriber"],
        subscriber=parties["subscriber"],
        topic=parties["topic"],
        mode="pull",
    )
    subscription_approve(actor=parties["police_admin"], subscription=subscription)
    subscription.refresh_from_db()
    return subscription


def _publish(parties, n, key):
    return message_publish(
        publisher=parties["publisher"],
        topic=parties["topic"],
        event_type="person.changed",
        payload=payload(n, person=key),
        key=key,
    ).message_id


def _versions(deliveries):
    return [(d.key, d.publication.payload["version"]) for d in deliveries]


def test_pull_hands_out_one_message_per_key_in_order_and_ack_releases_the_next(parties, pull):
    a1, a2 = _publish(parties, 1, "A"), _publish(parties, 2, "A")
    b1 = _publish(parties, 1, "B")

    first = messages_pull(subscription=pull, limit=10)
    again = messages_pull(subscription=pull, limit=10)
    result = messages_ack(subscription=pull, message_ids=[a1, b1, "never-seen-1"])
    after_ack = messages_pull(subscription=pull, limit=10)

    assert _versions(first) == [("A", 1), ("B", 1)]
    assert again == []  # handed out, not yet acknowledged
    assert (result.acknowledged, result.unknown) == ([a1, b1], ["never-seen-1"])
    assert [d.publication.message_id for d in after_ack] == [a2]
    assert MessageLogRecord.objects.filter(kind="acknowledged").count() == 2


def test_an_unacknowledged_message_comes_back_after_the_visibility_timeout(parties, pull):
    message_id = _publish(parties, 1, "A")
    [first] = messages_pull(subscription=pull)

    Delivery.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    [again] = messages_pull(subscription=pull)
    messages_ack(subscription=pull, message_ids=[message_id])
    messages_ack(subscription=pull, message_ids=[message_id])  # a repeated ack is harmless

    assert first.pk == again.pk and again.attempts == 2
    assert Delivery.objects.get().status == "acked"


def test_pull_limits_and_a_push_subscription_cannot_be_pulled(parties, pull):
    with pytest.raises(ValidationFailed):
        messages_pull(subscription=pull, limit=0)
    pull.mode = "push"
    pull.save()
    with pytest.raises(Conflict):
        messages_pull(subscription=pull)


def test_replay_delivers_again_every_message_since_a_point_in_time(parties, pull):
    old = _publish(parties, 1, "A")
    Publication.objects.update(published_at=timezone.now() - dt.timedelta(days=2))
    recent = _publish(parties, 2, "A")
    for delivery in messages_pull(subscription=pull):
        messages_ack(subscription=pull, message_ids=[delivery.publication.message_id])
    for delivery in messages_pull(subscription=pull):
        messages_ack(subscription=pull, message_ids=[delivery.publication.message_id])

    count = subscription_replay(
        actor=parties["subscriber"],
        subscription=pull,
        since=timezone.now() - dt.timedelta(days=1),
    )
    replayed = messages_pull(subscription=pull)

    assert count == 1
    assert [d.publication.message_id for d in replayed] == [recent]
    assert Delivery.objects.get(publication__message_id=old).status == "acked"


def test_a_start_position_in_the_past_replays_earlier_publications_at_approval(parties):
    _publish(parties, 1, "A")  # before anyone subscribed
    subscription = subscription_request(
        actor=parties["subscriber"],
        subscriber=parties["subscriber"],
        topic=parties["topic"],
        mode="pull",
        starts_at=timezone.now() - dt.timedelta(hours=1),
    )

    replayed = subscription_approve(actor=parties["police_admin"], subscription=subscription)
    subscription.refresh_from_db()

    assert replayed == 1
    assert _versions(messages_pull(subscription=subscription)) == [("A", 1)]


def test_a_message_never_acknowledged_becomes_a_dead_letter_after_the_last_hand_out(
    parties, pull, settings
):
    settings.ECITY_EXCHANGE_MAX_ATTEMPTS = 2
    _publish(parties, 1, "A")
    later = _publish(parties, 2, "A")

    for _hand_out in range(2):
        assert _versions(messages_pull(subscription=pull)) == [("A", 1)]
        Delivery.objects.filter(status="delivered").update(
            next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
        )
    handed = messages_pull(subscription=pull)

    assert handed == []  # version 2 waits behind the dead version 1 of its key
    assert Delivery.objects.exclude(publication__message_id=later).get().status == "dead"
    assert MessageLogRecord.objects.filter(kind="dead").count() == 1
