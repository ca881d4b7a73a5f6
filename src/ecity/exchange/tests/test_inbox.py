"""The inbox: a redelivered message has no second effect; a failed handler leaves no trace."""

from __future__ import annotations

import pytest

from ecity.exchange.errors import EnvelopeRefused
from ecity.exchange.models import InboxEntry, Publication
from ecity.exchange.services.inbox import inbox_receive
from ecity.exchange.services.publish import message_publish
from ecity.exchange.services.subscriptions import subscription_approve, subscription_request
from ecity.exchange.tests.conftest import payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(parties):
    subscription = subscription_request(
        actor=parties["subscriber"],
        subscriber=parties["subscriber"],
        topic=parties["topic"],
        mode="pull",
    )
    subscription_approve(actor=parties["police_admin"], subscription=subscription)
    subscription.refresh_from_db()
    envelope = message_publish(
        publisher=parties["publisher"],
        topic=parties["topic"],
        event_type="person.changed",
        payload=payload(),
    )
    return subscription, envelope.to_dict()


def test_a_redelivered_message_runs_the_handler_once(delivered):
    subscription, envelope = delivered
    effects = []

    first = inbox_receive(
        subscription=subscription,
        envelope=envelope,
        payload=payload(),
        handler=lambda env, data: effects.append(data["version"]),
    )
    second = inbox_receive(
        subscription=subscription,
        envelope=envelope,
        payload=payload(),
        handler=lambda env, data: effects.append(data["version"]),
    )

    assert (first, second, effects) == (True, False, [1])
    assert InboxEntry.objects.filter(subscription=subscription).count() == 1


def test_a_failing_handler_leaves_no_inbox_row_so_the_redelivery_runs_it(delivered):
    subscription, envelope = delivered

    def failing(env, data):
        raise RuntimeError("the receiver's database is down")

    with pytest.raises(RuntimeError):
        inbox_receive(
            subscription=subscription, envelope=envelope, payload=payload(), handler=failing
        )
    ran = inbox_receive(
        subscription=subscription, envelope=envelope, payload=payload(), handler=lambda e, d: None
    )

    assert ran is True


def test_a_tampered_payload_is_refused_before_the_handler(delivered):
    subscription, envelope = delivered
    effects = []

    with pytest.raises(EnvelopeRefused):
        inbox_receive(
            subscription=subscription,
            envelope=envelope,
            payload=payload(9),
            handler=lambda env, data: effects.append(data),
        )

    assert effects == [] and not InboxEntry.objects.exists()
    assert Publication.objects.count() == 1
