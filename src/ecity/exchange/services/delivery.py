"""Delivery of publications to subscriptions: push to webhooks, pull with acks, dead letters.

States of a ``Delivery``: ``pending`` (due at ``next_attempt_at``) → ``delivered`` (pushed and
in flight, or pulled; due again at ``next_attempt_at``, the lease or visibility timeout, if not
acknowledged) → ``acked``; after ``ECITY_EXCHANGE_MAX_ATTEMPTS`` attempts → ``dead``.

Rules:

* Claiming: a due delivery is claimed in a short transaction with
  ``select_for_update(skip_locked=True)`` (PostgreSQL; SQLite serialises writers) and marked
  ``delivered`` with a lease of ``ECITY_EXCHANGE_VISIBILITY_SECONDS``; the webhook is called
  after that commit, outside any transaction, and the outcome recorded in another. So no row
  lock is held during the HTTP call and one delivery is never in flight twice (as long as the
  push timeout is below the lease); a process that dies mid-push leaves the lease to expire and
  the delivery is pushed again (at least once: receivers dedupe by message ID, see ``inbox``).
* Ordering per key: a delivery with a non-empty key is not handed out (pushed or pulled) while
  an earlier publication of the same key to the same subscription is not acknowledged. A dead
  letter therefore blocks its key for that subscription until it is requeued (we chose blocking
  over skipping: a receiver never sees version 3 of a record after version 2 was lost).
  Messages without a key are not ordered.
* Push: POST ``{"envelope": …, "payload": …}`` as JSON; any 2xx acknowledges. Otherwise a retry
  after ``ECITY_EXCHANGE_RETRY_SECONDS`` doubled per attempt (at most an hour), then dead.
* Pull: ``messages_pull`` hands out the next due deliveries in publication order; unacknowledged
  ones come back after the visibility timeout; ``messages_ack`` acknowledges by message ID.
* Every hand-out, acknowledgement and dead letter is logged (``delivered``, ``acknowledged``,
  ``dead``) in the subscriber's partition of the message log.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.exchange.canonical import Envelope
from ecity.exchange.errors import ExchangeErrorCode
from ecity.exchange.message_log import log_append
from ecity.exchange.models import Delivery, MessageLogRecord, Subscription, Subsystem
from ecity.exchange.selectors.pubsub import can_administer_subsystem
from ecity.exchange.transport import Transport, transport_get
from ecity.identity.models import User

logger = logging.getLogger("ecity.exchange.delivery")

MAX_BACKOFF_SECONDS = 60 * 60
MAX_ERROR_CHARS = 2000
MAX_PULL = 100
MAX_ACKS = 500

Status = Delivery.Status


def _backoff(attempts: int) -> dt.timedelta:
    base = max(1, int(settings.ECITY_EXCHANGE_RETRY_SECONDS))
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=max(1, int(settings.ECITY_EXCHANGE_VISIBILITY_SECONDS)))


def _in_order(deliveries: QuerySet[Delivery]) -> QuerySet[Delivery]:
    """Only deliveries with no earlier unacknowledged publication of their key (see rules)."""
    earlier_open = (
        Delivery.objects.filter(
            subscription_id=OuterRef("subscription_id"),
            key=OuterRef("key"),
            publication_id__lt=OuterRef("publication_id"),
        )
        .exclude(status=Status.ACKED)
        .exclude(key="")
    )
    return deliveries.exclude(Exists(earlier_open))


def _due(now: dt.datetime) -> QuerySet[Delivery]:
    return Delivery.objects.filter(
        status__in=[Status.PENDING, Status.DELIVERED],
        next_attempt_at__lte=now,
        subscription__status=Subscription.Status.APPROVED,
    )


def _log(kind: str, delivery: Delivery, **detail: object) -> None:
    subscription = delivery.subscription
    log_append(
        kind=kind,
        envelope=Envelope.from_dict(delivery.publication.envelope),
        partition=subscription.subscriber.identifier,
        target=subscription.subscriber.identifier,
        detail={
            "subscription": str(subscription.public_id),
            "attempt": delivery.attempts,
            "mode": subscription.mode,
            **detail,
        },
    )


def _make_dead(delivery: Delivery, error: str) -> None:
    delivery.status = Status.DEAD
    delivery.last_error = error[-MAX_ERROR_CHARS:]
    delivery.save(update_fields=["status", "last_error"])
    _log(MessageLogRecord.Kind.DEAD, delivery, error=error[:500])
    logger.error(
        "delivery %s of %s to %s is dead after %d attempts",
        delivery.pk,
        delivery.publication.message_id,
        delivery.subscription.subscriber.identifier,
        delivery.attempts,
    )


# --- push -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Claimed:
    pk: int
    attempts: int
    url: str
    body: bytes


def _claim_push(
    delivery_ids: Sequence[int] | None, *, overdue: dt.timedelta = dt.timedelta(0)
) -> _Claimed | None | bool:
    """Claim the next push delivery due for ``overdue``; None when none is, False when dead."""
    now = timezone.now()
    with transaction.atomic():
        due = _in_order(_due(now - overdue).filter(subscription__mode=Subscription.Mode.PUSH))
        if delivery_ids is not None:
            due = due.filter(pk__in=list(delivery_ids))
        delivery = (
            due.select_for_update(skip_locked=True, of=("self",))
            .select_related("publication", "subscription__subscriber")
            .order_by("next_attempt_at", "id")
            .first()
        )
        if delivery is None:
            return None
        if delivery.attempts >= settings.ECITY_EXCHANGE_MAX_ATTEMPTS:
            # In flight when its process died, the last attempt: never confirmed.
            _make_dead(delivery, delivery.last_error or "no answer within the lease")
            return False
        delivery.status = Status.DELIVERED
        delivery.attempts += 1
        delivery.next_attempt_at = now + _lease()
        delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
        publication = delivery.publication
        body = json.dumps(
            {"envelope": publication.envelope, "payload": publication.payload},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        return _Claimed(delivery.pk, delivery.attempts, delivery.subscription.push_url, body)


def _post(claimed: _Claimed) -> tuple[int | None, str]:
    """POST the body; return (HTTP status or None, error text)."""
    request = urllib.request.Request(  # noqa: S310 - the URL was validated at subscription
        claimed.url,
        data=claimed.body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "ecity-exchange"},
    )
    try:
        with urllib.request.urlopen(  # noqa: S310 - https, or loopback http when allowed
            request, timeout=settings.ECITY_EXCHANGE_PUSH_TIMEOUT_SECONDS
        ) as response:
            return int(response.status), ""
    except urllib.error.HTTPError as error:
        return int(error.code), f"HTTP {error.code} {error.reason}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, f"{type(error).__name__}: {error}"


def _record_push(claimed: _Claimed, status: int | None, error: str) -> str:
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("publication", "subscription__subscriber")
            .filter(pk=claimed.pk, status=Status.DELIVERED, attempts=claimed.attempts)
            .first()
        )
        if delivery is None:  # requeued or replayed meanwhile: that state wins
            return "skipped"
        if status is not None and 200 <= status < 300:
            delivery.status = Status.ACKED
            delivery.delivered_at = delivery.acked_at = now
            delivery.last_error = ""
            delivery.save(update_fields=["status", "delivered_at", "acked_at", "last_error"])
            _log(MessageLogRecord.Kind.DELIVERED, delivery, http_status=status)
            _log(MessageLogRecord.Kind.ACKNOWLEDGED, delivery, http_status=status)
            return "acked"
        if delivery.attempts >= settings.ECITY_EXCHANGE_MAX_ATTEMPTS:
            _make_dead(delivery, error)
            return "dead"
        delivery.status = Status.PENDING
        delivery.last_error = error[-MAX_ERROR_CHARS:]
        delivery.next_attempt_at = now + _backoff(delivery.attempts)
        delivery.save(update_fields=["status", "last_error", "next_attempt_at"])
        return "retry"


def deliveries_push(
    *,
    limit: int = 200,
    delivery_ids: Iterable[int] | None = None,
    overdue_seconds: float = 0,
) -> str:
    """Push due deliveries of push subscriptions to their webhooks; return a summary.

    Rules in the module docstring. At most ``limit`` pushes per run (the job runs again in a
    few seconds); ``delivery_ids`` restricts the run (a transport's notification);
    ``overdue_seconds`` only takes deliveries due for at least that long (the fallback behind
    a broker transport, which normally pushes them first). Safe to run concurrently with
    itself and with the broker worker: both claim the Delivery row.
    """
    ids = list(delivery_ids) if delivery_ids is not None else None
    overdue = dt.timedelta(seconds=max(0.0, overdue_seconds))
    counts = {"acked": 0, "retry": 0, "dead": 0, "skipped": 0}
    for _run in range(limit):
        claimed = _claim_push(ids, overdue=overdue)
        if claimed is None:
            break
        if claimed is False:
            counts["dead"] += 1
            continue
        assert isinstance(claimed, _Claimed)
        status, error = _post(claimed)
        counts[_record_push(claimed, status, error)] += 1
    return f"{counts['acked']} acknowledged, {counts['retry']} to retry, {counts['dead']} dead" + (
        f", {counts['skipped']} skipped" if counts["skipped"] else ""
    )


def delivery_push_one(*, delivery_id: int) -> str:
    """Push one delivery if it is due and in order; return the outcome.

    The broker worker's step (``transport.delivery_nats``), with the rules of
    ``deliveries_push``: the Delivery row is claimed (so it is never in flight twice, whichever
    path pushes), POSTed outside any transaction, and the outcome committed before this returns.
    Outcomes: ``acked``, ``retry`` (due again at ``next_attempt_at``), ``dead``, ``skipped``
    (requeued or replayed meanwhile), ``waiting`` (not due, in flight elsewhere, or held back
    by an earlier message of its key), ``done`` (already acknowledged or dead).
    """
    claimed = _claim_push([delivery_id])
    if claimed is False:
        return "dead"
    if claimed is None:
        status = Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
        return "done" if status in (None, Status.ACKED, Status.DEAD) else "waiting"
    assert isinstance(claimed, _Claimed)
    http_status, error = _post(claimed)
    return _record_push(claimed, http_status, error)


# --- the embedded transport -------------------------------------------------------------------


class DatabaseTransport:
    """The embedded transport (no broker): the job polls the Delivery table and pushes."""

    name = "database"

    def notify(self, delivery_ids: Sequence[int]) -> None:
        # The job finds committed deliveries by polling; nothing to do here.
        return None

    def deliver_due(self) -> str:
        return deliveries_push()

    def run(self, *, stop: threading.Event) -> None:
        while not stop.is_set():
            self.deliver_due()
            stop.wait(settings.ECITY_EXCHANGE_DELIVER_EVERY_SECONDS)


class NatsTransport:
    """NATS JetStream (``ECITY_EXCHANGE_TRANSPORT=nats``): the worker pushes from the broker's
    consumers (``transport.delivery_nats``); this job is the fallback for what stays overdue.

    Both paths claim the Delivery row before they POST, so a delivery is never pushed by both.
    """

    name = "nats"

    def notify(self, delivery_ids: Sequence[int]) -> None:
        # The relay carries committed publications to the stream; nothing to do here.
        return None

    def deliver_due(self) -> str:
        """The job ``exchange.deliver``: deliveries overdue by the fallback delay only."""
        return deliveries_push(overdue_seconds=float(settings.ECITY_EXCHANGE_NATS_FALLBACK_SECONDS))

    def run(self, *, stop: threading.Event) -> None:
        """Worker passes until ``stop``; the fallback while the broker is unreachable."""
        from ecity.exchange.transport.delivery_nats import deliveries_nats_run_once
        from ecity.exchange.transport.nats import Broker, TransportUnavailable

        def push_one(delivery_id: int) -> str:
            return delivery_push_one(delivery_id=delivery_id)

        broker: Broker | None = None
        try:
            while not stop.is_set():
                try:
                    if broker is None:
                        broker = Broker.connect()
                        broker.stream_ensure()
                    deliveries_nats_run_once(broker=broker, push_one=push_one)
                except TransportUnavailable as exc:
                    logger.warning("NATS unavailable, database fallback: %s", exc)
                    if broker is not None:
                        broker.close()
                        broker = None
                    self.deliver_due()
                    stop.wait(settings.ECITY_EXCHANGE_DELIVER_EVERY_SECONDS)
        finally:
            if broker is not None:
                broker.close()


def delivery_transport() -> Transport:
    """The transport in use: a registered one, else NATS when ``ECITY_EXCHANGE_TRANSPORT`` is
    ``nats``, else the database transport."""
    registered = transport_get()
    if registered is not None:
        return registered
    if settings.ECITY_EXCHANGE_TRANSPORT == "nats":
        return NatsTransport()
    return DatabaseTransport()


# --- pull -------------------------------------------------------------------------------------


def _require_pull(subscription: Subscription) -> None:
    if (
        subscription.status != Subscription.Status.APPROVED
        or subscription.mode != Subscription.Mode.PULL
    ):
        raise Conflict(
            _("Only an approved pull subscription can be read."),
            code=ExchangeErrorCode.SUBSCRIPTION_STATE,
        )


def messages_pull(*, subscription: Subscription, limit: int = 20) -> list[Delivery]:
    """Hand out the next due messages of a pull subscription, in publication order.

    Rules: the subscription is approved and in pull mode (``Conflict``); ``limit`` 1–100
    (``ValidationFailed``). A handed-out message is ``delivered`` until acknowledged; after
    ``ECITY_EXCHANGE_VISIBILITY_SECONDS`` it is handed out again; after
    ``ECITY_EXCHANGE_MAX_ATTEMPTS`` hand-outs without an acknowledgement it is dead. Ordering per
    key as in the module docstring (one message per key at a time). Side effects: a
    ``delivered`` log record per message (``dead`` for those given up).
    """
    if not 1 <= limit <= MAX_PULL:
        raise ValidationFailed(fields={"limit": [_("Ask for 1 to 100 messages.")]})
    _require_pull(subscription)
    now = timezone.now()
    with transaction.atomic():
        due = _due(now).filter(subscription=subscription)
        expired = (
            due.filter(status=Status.DELIVERED, attempts__gte=settings.ECITY_EXCHANGE_MAX_ATTEMPTS)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("publication", "subscription__subscriber")
        )
        for delivery in list(expired):
            _make_dead(delivery, "not acknowledged within the visibility timeout")
        handed = list(
            _in_order(due.exclude(status=Status.DEAD))
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("publication", "subscription__subscriber")
            .order_by("publication_id")[:limit]
        )
        for delivery in handed:
            delivery.status = Status.DELIVERED
            delivery.attempts += 1
            delivery.delivered_at = now
            delivery.next_attempt_at = now + _lease()
            delivery.save(update_fields=["status", "attempts", "delivered_at", "next_attempt_at"])
            _log(MessageLogRecord.Kind.DELIVERED, delivery)
    return handed


@dataclass(frozen=True)
class AckResult:
    acknowledged: list[str]
    unknown: list[str]


def messages_ack(*, subscription: Subscription, message_ids: Sequence[str]) -> AckResult:
    """Acknowledge handed-out messages of ``subscription`` by message ID.

    Rules: at most 500 IDs, each a text (``ValidationFailed``). A handed-out message becomes
    acknowledged (a ``acknowledged`` log record); an already acknowledged one is reported as
    acknowledged again (acks are idempotent); IDs never handed out to this subscription (or
    dead, or pending) are returned as unknown and change nothing.
    """
    if (
        not isinstance(message_ids, list | tuple)
        or not message_ids
        or len(message_ids) > MAX_ACKS
        or not all(isinstance(m, str) and 0 < len(m) <= 64 for m in message_ids)
    ):
        raise ValidationFailed(
            fields={"message_ids": [_("Send 1 to 500 message IDs (texts of at most 64 chars).")]}
        )
    wanted = list(dict.fromkeys(message_ids))
    now = timezone.now()
    acknowledged: list[str] = []
    with transaction.atomic():
        deliveries = (
            Delivery.objects.filter(
                subscription=subscription,
                publication__message_id__in=wanted,
                status__in=[Status.DELIVERED, Status.ACKED],
            )
            .select_for_update(of=("self",))
            .select_related("publication", "subscription__subscriber")
        )
        for delivery in deliveries:
            if delivery.status == Status.DELIVERED:
                delivery.status = Status.ACKED
                delivery.acked_at = now
                delivery.save(update_fields=["status", "acked_at"])
                _log(MessageLogRecord.Kind.ACKNOWLEDGED, delivery)
            acknowledged.append(delivery.publication.message_id)
    known = set(acknowledged)
    return AckResult(
        acknowledged=[m for m in wanted if m in known],
        unknown=[m for m in wanted if m not in known],
    )


# --- dead letters -----------------------------------------------------------------------------


def _may_handle(actor: User | Subsystem, subscription: Subscription) -> bool:
    parties = (subscription.subscriber, subscription.topic.owner)
    if isinstance(actor, Subsystem):
        return any(actor.pk == party.pk for party in parties)
    return any(can_administer_subsystem(actor=actor, subsystem=party) for party in parties)


def dead_letters_requeue(
    *, actor: User | Subsystem, subscription: Subscription, message_ids: Sequence[str]
) -> int:
    """Put dead letters of ``subscription`` back in the queue, due now; return how many.

    Rules: the subscriber or the topic owner (the subsystem itself through the API, or its
    department's administrator on the staff page). The attempt counter restarts. Only dead
    deliveries change. Side effects: audit ``exchange.dead_letters_requeued``.
    Errors: ``PermissionDenied``, ``ValidationFailed``.
    """
    if not _may_handle(actor, subscription):
        raise PermissionDenied(_("Only the subscriber or the topic's owner may requeue."))
    if not message_ids or len(message_ids) > MAX_ACKS:
        raise ValidationFailed(fields={"message_ids": [_("Choose 1 to 500 messages.")]})
    with transaction.atomic():
        count = Delivery.objects.filter(
            subscription=subscription,
            status=Status.DEAD,
            publication__message_id__in=list(message_ids),
        ).update(status=Status.PENDING, attempts=0, next_attempt_at=timezone.now())
        if count:
            system = actor.identifier if isinstance(actor, Subsystem) else ""
            audit_record(
                actor=actor if isinstance(actor, User) else None,
                action="exchange.dead_letters_requeued",
                obj=subscription,
                data={
                    "subscription": str(subscription.public_id),
                    "topic": subscription.topic.name,
                    "count": count,
                    "message_ids": list(message_ids)[:20],
                },
                system=system,
                system_department=(actor.member.identifier if isinstance(actor, Subsystem) else ""),
            )
    return count
