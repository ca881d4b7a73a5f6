"""Deliver the outbox: claim due rows, send them, retry with backoff, recover crashed sends.

Safe with several workers at once: rows are claimed with a conditional UPDATE
(``pending`` → ``sending`` with a fresh claim token), after a ``SELECT … FOR UPDATE SKIP LOCKED``
where the database has it (PostgreSQL). Sending happens outside any transaction. A row whose
worker died while sending stays ``sending`` until ``SENDING_TIMEOUT`` passes and is then sent
again: delivery is at least once, and gateways get the notification id as idempotency key.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from ecity.notify.channels import ChannelBackend, DeliveryFailed, channel_backend
from ecity.notify.models import Channel, DeliveryAttempt, Notification

logger = logging.getLogger("ecity.notify.delivery")

# Wait after the 1st, 2nd, … failed attempt; the last value repeats. Give up after MAX_ATTEMPTS.
BACKOFF_SECONDS = (30, 120, 600, 3600, 6 * 3600, 24 * 3600)
MAX_ATTEMPTS = 7
JITTER = 0.2
SENDING_TIMEOUT = timedelta(minutes=5)
# When a channel fails with a retryable error, its other rows in the same run wait this long
# (without using an attempt) instead of each waiting for the same dead gateway to time out.
CHANNEL_PAUSE = timedelta(seconds=30)

_jitter = random.Random()  # noqa: S311 - spreading retries, not security


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after ``attempts`` failed attempts (1-based), with ±20% jitter."""
    base = BACKOFF_SECONDS[min(max(attempts, 1), len(BACKOFF_SECONDS)) - 1]
    return timedelta(seconds=base * _jitter.uniform(1 - JITTER, 1 + JITTER))


def _log(notification_id: int, at: datetime, outcome: str, error: str = "", ms: int = 0) -> None:
    DeliveryAttempt.objects.create(
        notification_id=notification_id,
        attempted_at=at,
        outcome=outcome,
        error=error[:2000],
        duration_ms=ms,
    )


def notifications_recover_stuck(*, now: datetime) -> int:
    """Put rows stuck in ``sending`` past the timeout back to ``pending`` (or give up).

    A crash while sending counts as an attempt, so a message that crashes the worker every
    time ends as ``failed`` instead of looping.
    """
    cutoff = now - SENDING_TIMEOUT
    stuck = Notification.objects.filter(
        status=Notification.Status.SENDING, claimed_at__lt=cutoff
    ).exclude(channel=Channel.IN_APP)
    ids = list(stuck.values_list("id", flat=True))
    if not ids:
        return 0
    error = "interrupted while sending (worker stopped or timed out)"
    common = {"claim_token": "", "claimed_at": None, "last_error": error, "updated_at": now}
    stuck = stuck.filter(id__in=ids)
    gave_up = stuck.filter(attempts__gte=MAX_ATTEMPTS - 1).update(
        status=Notification.Status.FAILED, attempts=F("attempts") + 1, **common
    )
    recovered = stuck.update(
        status=Notification.Status.PENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=now,
        **common,
    )
    DeliveryAttempt.objects.bulk_create(
        DeliveryAttempt(
            notification_id=pk, attempted_at=now, outcome=DeliveryAttempt.Outcome.RETRY, error=error
        )
        for pk in ids
    )
    logger.warning("notify: %d rows recovered from sending, %d given up", recovered, gave_up)
    return recovered + gave_up


def _claim(*, now: datetime, batch: int) -> tuple[str, list[Notification]]:
    token = uuid.uuid4().hex
    with transaction.atomic():
        due = Notification.objects.filter(
            status=Notification.Status.PENDING, next_attempt_at__lte=now
        ).exclude(channel=Channel.IN_APP)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.order_by("next_attempt_at", "id").values_list("id", flat=True)[:batch])
        if ids:
            # Conditional: a row another worker claimed meanwhile is no longer pending.
            Notification.objects.filter(id__in=ids, status=Notification.Status.PENDING).update(
                status=Notification.Status.SENDING, claim_token=token, claimed_at=now
            )
    if not ids:
        return token, []
    rows = Notification.objects.filter(claim_token=token, status=Notification.Status.SENDING)
    return token, list(rows.order_by("next_attempt_at", "id"))


def _release(row: Notification, token: str, *, at: datetime) -> None:
    Notification.objects.filter(pk=row.pk, claim_token=token).update(
        status=Notification.Status.PENDING,
        next_attempt_at=at + CHANNEL_PAUSE,
        claim_token="",
        claimed_at=None,
        updated_at=at,
    )


def _record_failure(
    row: Notification, token: str, *, at: datetime, error: str, retryable: bool, ms: int
) -> None:
    attempts = row.attempts + 1
    mine = Notification.objects.filter(pk=row.pk, claim_token=token)
    if retryable and attempts < MAX_ATTEMPTS:
        mine.update(
            status=Notification.Status.PENDING,
            attempts=attempts,
            next_attempt_at=at + retry_delay(attempts),
            last_error=error,
            claim_token="",
            claimed_at=None,
            updated_at=at,
        )
        _log(row.pk, at, DeliveryAttempt.Outcome.RETRY, error, ms)
    else:
        mine.update(
            status=Notification.Status.FAILED,
            attempts=attempts,
            next_attempt_at=None,
            last_error=error,
            claim_token="",
            claimed_at=None,
            updated_at=at,
        )
        _log(row.pk, at, DeliveryAttempt.Outcome.FAILED, error, ms)
        logger.warning("notify: gave up %s %s: %s", row.channel, row.public_id, error)


def _send(row: Notification, backends: dict[str, ChannelBackend]) -> tuple[str, bool] | None:
    """Send one row; None on success, else (error text, retryable)."""
    try:
        if row.channel not in backends:
            backends[row.channel] = channel_backend(row.channel)
        backends[row.channel].send(row)
    except DeliveryFailed as exc:
        return str(exc), exc.retryable
    except Exception as exc:  # a broken channel must not stop the batch
        logger.exception("notify: %s channel error", row.channel)
        return f"{type(exc).__name__}: {exc}", True
    return None


def deliver_due_notifications(*, now: datetime | None = None, batch: int = 100) -> int:
    """Send up to ``batch`` due e-mail and SMS notifications; return how many were sent.

    The ``notify.deliver`` job. Each row is handled on its own: a failing channel (SMS gateway
    down) leaves e-mail rows and the cases untouched. A retryable failure schedules the next
    attempt with exponential backoff and jitter (30 s, 2 min, 10 min, 1 h, 6 h, 24 h); after
    MAX_ATTEMPTS, or at once for a permanent failure, the row is ``failed`` with ``last_error``.
    Rows stuck in ``sending`` longer than SENDING_TIMEOUT are picked up again first.
    """
    start_at = now or timezone.now()
    started = time.monotonic()

    def clock() -> datetime:
        return start_at + timedelta(seconds=time.monotonic() - started)

    notifications_recover_stuck(now=start_at)
    token, rows = _claim(now=start_at, batch=batch)
    backends: dict[str, ChannelBackend] = {}
    paused: set[str] = set()
    sent = 0
    for row in rows:
        at = clock()
        if row.channel in paused:
            _release(row, token, at=at)
            continue
        # Renew the lease; 0 rows means another worker took the row back after a timeout.
        mine = Notification.objects.filter(
            pk=row.pk, claim_token=token, status=Notification.Status.SENDING
        )
        if not mine.update(claimed_at=at):
            continue
        failure = _send(row, backends)
        done_at = clock()
        ms = int((done_at - at).total_seconds() * 1000)
        if failure is None:
            mine.update(
                status=Notification.Status.SENT,
                attempts=F("attempts") + 1,
                sent_at=done_at,
                next_attempt_at=None,
                last_error="",
                claim_token="",
                claimed_at=None,
                updated_at=done_at,
            )
            _log(row.pk, done_at, DeliveryAttempt.Outcome.SENT, ms=ms)
            sent += 1
            continue
        error, retryable = failure
        if retryable:
            paused.add(row.channel)
        _record_failure(row, token, at=done_at, error=error, retryable=retryable, ms=ms)
    return sent
