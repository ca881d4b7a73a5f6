"""Domain events through a transactional outbox, delivered at least once to idempotent handlers.

Publishing (inside the service's transaction)::

    from ecity.core.events import event_publish
    event_publish(name="case.decided", subject=f"cases.case:{case.public_id}",
                  data={...plain JSON...}, key=str(case.public_id))

Handling (in the handling app's own ``handlers.py``, discovered like ``jobs.py``)::

    from ecity.core.events import PublishedEvent, register_handler

    def issue_certificate(event: PublishedEvent) -> None: ...

    register_handler("case.decided", issue_certificate, name="certificates.issue_certificate")

Rules:

* ``event_publish`` writes one ``OutboxEvent`` row and one ``EventDelivery`` row per registered
  handler in the caller's transaction, so a rolled-back publication is never delivered and a
  committed one is never lost (the rows are the record; delivery resumes after a crash).
  Publishing the same ``key`` twice for one event name is a no-op.
* The periodic job ``core.events.deliver`` (embedded worker or Celery) claims due deliveries
  one by one (``select_for_update(skip_locked=True)`` on PostgreSQL; SQLite serialises writers
  with ``BEGIN IMMEDIATE``) and runs each handler in the same transaction that marks the
  delivery done: the handler's writes and "done" commit together, and two runs of the job never
  run one delivery twice. Delivery is still *at least once* in the face of crashes outside the
  database (a handler that sends mail), so handlers are idempotent and get the event key.
* A failing handler is retried with exponential backoff (``ECITY_EVENTS_RETRY_SECONDS`` doubled
  per attempt, at most one hour); after ``ECITY_EVENTS_MAX_ATTEMPTS`` attempts the delivery is
  dead and shows in the admin, where an operator can replay it. Handlers are independent: one
  failing handler neither blocks nor repeats another handler of the same event.
* After the publishing transaction commits, the same process tries to deliver the event at once
  (``ECITY_EVENTS_DELIVER_ON_COMMIT``, best effort: errors are logged, the job stays the
  guarantee), so an applicant sees a certificate as soon as the case is decided.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from ecity.core.audit_hook import audit_hook_record
from ecity.core.models import EventDelivery, OutboxEvent

logger = logging.getLogger("ecity.events")

MAX_BACKOFF_SECONDS = 60 * 60
MAX_ERROR_CHARS = 4000
MAX_KICK_DEPTH = 3
_kicks = threading.local()  # how deep after-commit deliveries nest in this thread


@dataclass(frozen=True)
class PublishedEvent:
    """What a handler receives: the event as published, plus its outbox identity."""

    name: str
    subject: str
    data: dict[str, Any]
    key: str
    public_id: str
    published_at: dt.datetime


Handler = Callable[[PublishedEvent], object]


@dataclass(frozen=True)
class _Registration:
    event_name: str
    name: str
    func: Handler


_handlers: dict[str, dict[str, _Registration]] = {}
_discovered = False


def register_handler(event_name: str, func: Handler, *, name: str) -> None:
    """Register (or replace) ``func`` as the handler ``name`` of the event ``event_name``.

    ``name`` is stored in each delivery row: keep it stable (``<app>.<what it does>``), since
    deliveries already written keep pointing at it.
    """
    if not event_name or not name:
        raise ValueError("an event handler needs an event name and a handler name")
    _handlers.setdefault(event_name, {})[name] = _Registration(event_name, name, func)


def unregister_handler(event_name: str, *, name: str) -> None:
    """Remove a handler (tests that register their own)."""
    _handlers.get(event_name, {}).pop(name, None)


def registered_handlers(event_name: str) -> dict[str, Handler]:
    """The handlers of ``event_name`` by name, after importing every app's ``handlers`` once."""
    global _discovered
    if not _discovered:
        autodiscover_modules("handlers")
        _discovered = True
    return {name: r.func for name, r in _handlers.get(event_name, {}).items()}


def event_publish(*, name: str, subject: str, data: dict[str, Any], key: str) -> None:
    """Publish an event in the caller's transaction (outbox row + one delivery per handler).

    Rules: must run inside ``transaction.atomic`` (else ``RuntimeError``: an event written in
    autocommit could be delivered for a change that is then rolled back or never made).
    ``data`` is plain JSON (it is stored, encrypted, and read back by handlers, maybe days
    later). Publishing the same ``key`` for ``name`` again changes nothing. Side effects: after
    commit, tries to deliver the event at once in this process (best effort).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("event_publish must run inside transaction.atomic")
    if not name or not key:
        raise ValueError("an event needs a name and a key")
    if OutboxEvent.objects.filter(name=name, key=key).exists():
        return
    try:
        with transaction.atomic():
            event = OutboxEvent.objects.create(name=name, subject=subject, data=data, key=key)
    except IntegrityError:  # published concurrently under the same key: that one counts
        return
    now = timezone.now()
    EventDelivery.objects.bulk_create(
        [
            EventDelivery(event=event, handler=handler, next_attempt_at=now)
            for handler in registered_handlers(name)
        ]
    )
    if settings.ECITY_EVENTS_DELIVER_ON_COMMIT:
        transaction.on_commit(lambda: _deliver_after_commit(event.pk))


def _deliver_after_commit(event_pk: int) -> None:
    """Best effort: deliver a just-committed event now; the periodic job is the guarantee.

    An event published by a handler that this kick runs is kicked inside it, after the
    handler's commit. Chains deeper than ``MAX_KICK_DEPTH`` (a batch publishing the next batch,
    thousands of times) are left to the job's loop, so the stack stays shallow.
    """
    depth = getattr(_kicks, "depth", 0)
    if depth >= MAX_KICK_DEPTH:
        return
    _kicks.depth = depth + 1
    try:
        events_deliver(event_ids=[event_pk])
    except Exception:  # a failed kick must not fail the request that committed
        logger.exception("immediate delivery of event %s failed; the job will retry", event_pk)
    finally:
        _kicks.depth = depth


def _backoff(attempts: int) -> dt.timedelta:
    base = max(1, int(settings.ECITY_EVENTS_RETRY_SECONDS))
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))


def _as_published(event: OutboxEvent) -> PublishedEvent:
    return PublishedEvent(
        name=event.name,
        subject=event.subject,
        data=event.data,
        key=event.key,
        public_id=str(event.public_id),
        published_at=event.created_at,
    )


def _due(event_ids: Iterable[int] | None) -> QuerySet[EventDelivery]:
    due = EventDelivery.objects.filter(
        status=EventDelivery.Status.PENDING, next_attempt_at__lte=timezone.now()
    )
    if event_ids is not None:
        due = due.filter(event_id__in=list(event_ids))
    return due.order_by("next_attempt_at", "id")


def _deliver_one(event_ids: Iterable[int] | None) -> str | None:
    """Claim the next due delivery, run its handler, record the outcome; None when none is due.

    Returns ``"done"``, ``"retry"`` or ``"dead"``.
    """
    with transaction.atomic():
        delivery = (
            _due(event_ids)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("event")
            .first()
        )
        if delivery is None:
            return None
        handler = registered_handlers(delivery.event.name).get(delivery.handler)
        now = timezone.now()
        if handler is None:
            error = f"no handler named {delivery.handler!r} is registered for this event"
        else:
            try:
                with transaction.atomic():  # savepoint: a failing handler's writes roll back
                    handler(_as_published(delivery.event))
            except Exception:  # noqa: BLE001 - recorded on the delivery and retried
                error = traceback.format_exc()[-MAX_ERROR_CHARS:]
                logger.warning("handler %s of event %s failed", delivery.handler, delivery.event_id)
            else:
                delivery.status = EventDelivery.Status.DONE
                delivery.attempts += 1
                delivery.delivered_at = now
                delivery.last_error = ""
                delivery.save(
                    update_fields=["status", "attempts", "delivered_at", "last_error", "updated_at"]
                )
                return "done"
        delivery.attempts += 1
        delivery.last_error = error
        if delivery.attempts >= settings.ECITY_EVENTS_MAX_ATTEMPTS:
            delivery.status = EventDelivery.Status.DEAD
            logger.error(
                "handler %s of event %s gave up after %d attempts (dead letter)",
                delivery.handler,
                delivery.event_id,
                delivery.attempts,
            )
        else:
            delivery.next_attempt_at = now + _backoff(delivery.attempts)
        delivery.save(
            update_fields=["status", "attempts", "next_attempt_at", "last_error", "updated_at"]
        )
        return "dead" if delivery.status == EventDelivery.Status.DEAD else "retry"


def events_deliver(*, limit: int = 200, event_ids: Iterable[int] | None = None) -> str:
    """Deliver due events to their handlers, one delivery per transaction; return a summary.

    Rules: at most ``limit`` deliveries per run (the job runs again in a few seconds);
    ``event_ids`` restricts the run to those events (the after-commit kick). Safe to run
    concurrently with itself: a delivery claimed by one run is skipped by the others. Each
    handler runs in the transaction that marks its delivery done; a failure is recorded with
    the error text and retried later, or dead-lettered after the last attempt.
    """
    ids = list(event_ids) if event_ids is not None else None
    counts = {"done": 0, "retry": 0, "dead": 0}
    for _ in range(limit):
        outcome = _deliver_one(ids)
        if outcome is None:
            break
        counts[outcome] += 1
    return f"{counts['done']} delivered, {counts['retry']} to retry, {counts['dead']} dead"


def deliver_due_events() -> str:
    """The periodic job ``core.events.deliver``."""
    return events_deliver()


def delivery_replay(*, deliveries: QuerySet[EventDelivery], actor: Any = None) -> int:
    """Put dead (or waiting) deliveries back in the queue, due now; return how many.

    Rules: delivered ones are left alone (replaying them would run a handler twice for the same
    event). The attempt counter restarts, so a replayed delivery gets the full retry schedule.
    The caller (the admin action) checks the operator's permission. The replay is an
    administrative act: ``events.replayed`` is audited (through the kernel's audit hook) in the
    same transaction, naming the handlers and events replayed.
    """
    with transaction.atomic():
        pending = deliveries.exclude(status=EventDelivery.Status.DONE)
        replayed = list(pending.values_list("handler", "event__name", "event__key")[:50])
        count = pending.update(
            status=EventDelivery.Status.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if count:
            audit_hook_record(
                actor=actor,
                action="events.replayed",
                data={
                    "count": count,
                    "deliveries": [f"{h} <- {n} ({k})"[:120] for h, n, k in replayed],
                },
            )
        return count
