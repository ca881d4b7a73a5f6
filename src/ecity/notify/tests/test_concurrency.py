"""Two delivery workers at once (PostgreSQL: row locks with SKIP LOCKED)."""

from __future__ import annotations

import threading
import time

import pytest
from django.core import mail
from django.db import connection

from ecity.identity.tests.factories import UserFactory
from ecity.notify import delivery
from ecity.notify.channels.sms import LocmemSms
from ecity.notify.delivery import deliver_due_notifications
from ecity.notify.models import Notification
from ecity.notify.tests.conftest import enqueue

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking"),
]


class SlowLocmemSms(LocmemSms):
    """The in-memory gateway, slow enough for the two workers' runs to overlap."""

    def send(self, notification):
        time.sleep(0.005)
        super().send(notification)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_deliver_each_row_exactly_once(sms_outbox, monkeypatch):
    # given 20 recipients, each with a pending e-mail and SMS
    for n in range(20):
        user = UserFactory(username=f"c{n}", email=f"c{n}@example.cn", phone=f"1390000{n:04d}")
        enqueue(user, key=f"case_accepted:{n}")
    real_backend = delivery.channel_backend
    monkeypatch.setattr(
        delivery,
        "channel_backend",
        lambda channel: SlowLocmemSms() if channel == "sms" else real_backend(channel),
    )
    start = threading.Barrier(2)
    sent_by_worker: list[int] = []
    errors: list[BaseException] = []

    def worker():
        try:
            start.wait()
            total = 0
            while True:
                sent = deliver_due_notifications(batch=5)
                if not sent:
                    break
                total += sent
            sent_by_worker.append(total)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    # when two workers run at the same time
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then every row was delivered exactly once
    assert errors == []
    assert sum(sent_by_worker) == 40
    sms_ids = [message["id"] for message in sms_outbox]
    assert len(sms_ids) == len(set(sms_ids)) == 20
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"c{n}@example.cn" for n in range(20))
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert set(
        Notification.objects.exclude(channel="in_app").values_list("attempts", flat=True)
    ) == {1}
