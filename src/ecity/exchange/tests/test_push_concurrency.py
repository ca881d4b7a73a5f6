"""Two delivery workers at once never push one delivery twice (PostgreSQL: skip-locked claims)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from ecity.exchange.models import Delivery
from ecity.exchange.services.delivery import deliveries_push
from ecity.exchange.services.publish import message_publish
from ecity.exchange.services.subscriptions import subscription_approve, subscription_request
from ecity.exchange.tests.conftest import payload

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row claiming with SKIP LOCKED; SQLite runs one writer at a time anyway",
    ),
]


def test_two_workers_push_every_message_exactly_once(parties, webhook):
    subscription = subscription_request(
        actor=parties["subscriber"],
        subscriber=parties["subscriber"],
        topic=parties["topic"],
        mode="push",
        push_url=webhook.url,
    )
    subscription_approve(actor=parties["police_admin"], subscription=subscription)
    ids = [
        message_publish(
            publisher=parties["publisher"],
            topic=parties["topic"],
            event_type="person.changed",
            payload=payload(1, person=f"P-{n}"),
            key=f"P-{n}",
        ).message_id
        for n in range(12)
    ]
    original_answer = webhook.answer

    def slow_answer():  # keep each push in flight long enough for the workers to overlap
        time.sleep(0.02)
        return original_answer()

    webhook.answer = slow_answer

    def worker():
        try:
            deliveries_push()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    received = sorted(body["envelope"]["message_id"] for body in webhook.received)
    assert received == sorted(ids)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"acked"}
