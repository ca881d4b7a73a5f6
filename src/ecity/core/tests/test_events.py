"""The transactional outbox: publication in the caller's transaction, at-least-once delivery,
independent handlers, retries with backoff, dead letters and replay."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from ecity.audit.models import AuditEntry
from ecity.core.events import (
    PublishedEvent,
    event_publish,
    events_deliver,
    register_handler,
    unregister_handler,
)
from ecity.core.jobs import registered_jobs, run_job
from ecity.core.models import CalendarDay, EventDelivery, OutboxEvent
from ecity.testing.events import events_deliver_all


class Recorder:
    """A handler that remembers what it received and fails while ``failures`` remain."""

    def __init__(self, failures: int = 0, pause: float = 0.0) -> None:
        self.calls: list[PublishedEvent] = []
        self.failures = failures
        self.pause = pause
        self.lock = threading.Lock()

    def __call__(self, event: PublishedEvent) -> None:
        with self.lock:
            self.calls.append(event)
        if self.pause:
            time.sleep(self.pause)
        if self.failures > 0:
            self.failures -= 1
            raise RuntimeError(f"printer on fire for {event.key}")


@pytest.fixture
def handlers():
    registered: list[tuple[str, str]] = []

    def add(event_name: str, func, name: str):
        register_handler(event_name, func, name=name)
        registered.append((event_name, name))
        return func

    yield add
    for event_name, name in registered:
        unregister_handler(event_name, name=name)


def publish(key: str = "k-1", name: str = "test.happened", data: dict | None = None) -> None:
    with transaction.atomic():
        event_publish(name=name, subject=f"tests.thing:{key}", data=data or {"answer": 42}, key=key)


def make_due(delivery: EventDelivery) -> None:
    EventDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )


@pytest.mark.django_db
def test_a_published_event_is_delivered_once_with_its_data_and_key(handlers):
    recorder = handlers("test.happened", Recorder(), "tests.record")

    publish(key="order-7", data={"number": "ZWB-7", "amount": 3})
    summary = events_deliver_all()
    again = events_deliver_all()

    assert summary == "1 delivered, 0 to retry, 0 dead"
    assert again == "0 delivered, 0 to retry, 0 dead"
    assert len(recorder.calls) == 1
    event = recorder.calls[0]
    assert (event.name, event.subject, event.key) == (
        "test.happened",
        "tests.thing:order-7",
        "order-7",
    )
    assert event.data == {"number": "ZWB-7", "amount": 3}
    delivery = EventDelivery.objects.get()
    assert delivery.status == EventDelivery.Status.DONE
    assert delivery.attempts == 1
    assert delivery.delivered_at is not None


@pytest.mark.django_db
def test_publishing_the_same_key_twice_is_a_no_op(handlers):
    recorder = handlers("test.happened", Recorder(), "tests.record")

    publish(key="same")
    publish(key="same")
    publish(key="same", name="test.other")  # a key is unique per event name only
    events_deliver_all()

    assert OutboxEvent.objects.count() == 2
    assert len(recorder.calls) == 1


@pytest.mark.django_db
def test_a_publication_rolled_back_with_its_transaction_is_never_delivered(handlers):
    recorder = handlers("test.happened", Recorder(), "tests.record")

    with pytest.raises(ZeroDivisionError), transaction.atomic():
        event_publish(name="test.happened", subject="tests.thing:1", data={}, key="lost")
        1 / 0  # noqa: B018 - the service fails after publishing
    events_deliver_all()

    assert OutboxEvent.objects.count() == 0
    assert EventDelivery.objects.count() == 0
    assert recorder.calls == []


@pytest.mark.django_db(transaction=True)
def test_publishing_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match=r"transaction\.atomic"):
        event_publish(name="test.happened", subject="tests.thing:1", data={}, key="x")

    assert OutboxEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_publishing_process_delivers_right_after_commit(handlers):
    recorder = handlers("test.happened", Recorder(), "tests.record")

    publish(key="now")

    assert [e.key for e in recorder.calls] == ["now"]
    assert EventDelivery.objects.get().status == EventDelivery.Status.DONE


@pytest.mark.django_db(transaction=True)
def test_a_committed_event_waits_for_the_job_when_immediate_delivery_is_off(handlers, settings):
    settings.ECITY_EVENTS_DELIVER_ON_COMMIT = False
    recorder = handlers("test.happened", Recorder(), "tests.record")

    publish(key="later")
    assert recorder.calls == []  # as after a crash between commit and delivery: the row waits
    run_job("core.events.deliver")

    assert [e.key for e in recorder.calls] == ["later"]
    assert "core.events.deliver" in registered_jobs()


@pytest.mark.django_db
def test_a_failing_handler_is_retried_with_backoff_then_dead_lettered(handlers, settings):
    settings.ECITY_EVENTS_MAX_ATTEMPTS = 3
    settings.ECITY_EVENTS_RETRY_SECONDS = 30
    recorder = handlers("test.happened", Recorder(failures=99), "tests.flaky")
    publish(key="doomed")

    before = timezone.now()
    first = events_deliver_all()
    delivery = EventDelivery.objects.get()
    assert first == "0 delivered, 1 to retry, 0 dead"
    assert delivery.status == EventDelivery.Status.PENDING
    assert delivery.attempts == 1
    assert "printer on fire for doomed" in delivery.last_error
    assert before + dt.timedelta(seconds=29) < delivery.next_attempt_at
    assert delivery.next_attempt_at < timezone.now() + dt.timedelta(seconds=31)
    assert events_deliver_all() == "0 delivered, 0 to retry, 0 dead"  # not due yet

    make_due(delivery)
    before = timezone.now()
    events_deliver_all()
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at > before + dt.timedelta(seconds=59)  # doubled

    make_due(delivery)
    assert events_deliver_all() == "0 delivered, 0 to retry, 1 dead"
    delivery.refresh_from_db()
    assert delivery.status == EventDelivery.Status.DEAD
    assert delivery.attempts == 3
    assert len(recorder.calls) == 3
    make_due(delivery)
    events_deliver_all()
    assert len(recorder.calls) == 3  # a dead letter is not tried again by itself


@pytest.mark.django_db
def test_a_failing_handler_writes_nothing(handlers):
    def writes_then_fails(event: PublishedEvent) -> None:
        CalendarDay.objects.create(date=dt.date(2030, 1, 1), kind=CalendarDay.Kind.HOLIDAY)
        raise ValueError("half-way")

    handlers("test.happened", writes_then_fails, "tests.half_way")
    publish()

    events_deliver_all()

    assert not CalendarDay.objects.filter(date=dt.date(2030, 1, 1)).exists()
    assert EventDelivery.objects.get().attempts == 1


@pytest.mark.django_db
def test_two_handlers_of_one_event_are_independent(handlers):
    good = handlers("test.happened", Recorder(), "tests.good")
    flaky = handlers("test.happened", Recorder(failures=1), "tests.flaky")
    publish(key="both")

    events_deliver_all()
    by_handler = {d.handler: d for d in EventDelivery.objects.all()}
    assert by_handler["tests.good"].status == EventDelivery.Status.DONE
    assert by_handler["tests.flaky"].status == EventDelivery.Status.PENDING

    make_due(by_handler["tests.flaky"])
    events_deliver_all()

    assert len(good.calls) == 1  # the good handler is not repeated by the other's retry
    assert len(flaky.calls) == 2
    assert set(EventDelivery.objects.values_list("status", flat=True)) == {"done"}


@pytest.mark.django_db
def test_an_operator_sees_and_replays_a_dead_letter_in_the_admin(handlers, settings, admin_client):
    settings.ECITY_EVENTS_MAX_ATTEMPTS = 1
    recorder = handlers("test.happened", Recorder(failures=1), "tests.flaky")
    publish(key="replay-me")
    events_deliver_all()
    delivery = EventDelivery.objects.get()
    assert delivery.status == EventDelivery.Status.DEAD

    url = reverse("admin:core_eventdelivery_changelist")
    page = admin_client.get(url, {"status__exact": "dead"})
    assert page.status_code == 200
    assert "tests.flaky" in page.content.decode()
    assert "RuntimeError: printer on fire for replay-me" in page.content.decode()
    detail = admin_client.get(reverse("admin:core_eventdelivery_change", args=[delivery.pk]))
    assert detail.status_code == 200
    assert "Traceback" in detail.content.decode()

    response = admin_client.post(
        url, {"action": "replay", "_selected_action": [delivery.pk]}, follow=True
    )
    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == EventDelivery.Status.PENDING
    assert delivery.attempts == 0
    events_deliver_all()

    delivery.refresh_from_db()
    assert delivery.status == EventDelivery.Status.DONE
    assert len(recorder.calls) == 2
    assert LogEntry.objects.filter(object_id=str(delivery.pk), action_flag=CHANGE).exists()
    # the replay is an audited administrative act
    (entry,) = AuditEntry.objects.filter(action="events.replayed")
    assert entry.actor_username == "admin" and entry.data["count"] == 1
    assert entry.data["deliveries"] == ["tests.flaky <- test.happened (replay-me)"]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_job_runs_never_run_a_handler_twice_for_one_delivery(handlers, settings):
    settings.ECITY_EVENTS_DELIVER_ON_COMMIT = False
    recorder = handlers("test.happened", Recorder(pause=0.2), "tests.slow")
    for index in range(6):
        publish(key=f"c-{index}")
    barrier = threading.Barrier(3)
    errors: list[Exception] = []

    def worker() -> None:
        try:
            barrier.wait()
            events_deliver()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    keys = sorted(event.key for event in recorder.calls)
    assert keys == [f"c-{index}" for index in range(6)]
    assert set(EventDelivery.objects.values_list("attempts", flat=True)) == {1}
