"""Idempotent probe handlers (``exchange_consume --handler …``)."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db.models import F

from ecity.exchange.tests.inbox_probe.models import ProbeDeadLetter, ProbeEffect


def _fail_if_told(payload: Any) -> None:
    """A payload ``{"fail": true}`` fails (tests of redelivery and dead letters). With
    ``ECITY_PROBE_FAIL_UNTIL`` set to a file path, every message fails while that file exists."""
    if isinstance(payload, dict) and payload.get("fail"):
        raise RuntimeError("the probe was told to fail")
    fail_flag = os.environ.get("ECITY_PROBE_FAIL_UNTIL")
    if fail_flag and os.path.exists(fail_flag):
        raise RuntimeError("the probe fails while its flag file exists")


def _effect(envelope: dict[str, Any], payload: Any) -> ProbeEffect:
    return ProbeEffect(
        message_id=envelope["message_id"],
        sender=envelope.get("sender", ""),
        topic=envelope.get("topic", ""),
        payload=payload,
        published_at=dt.datetime.fromisoformat(envelope["created_at"]),
    )


def effect_record_batch(messages: Sequence[tuple[dict[str, Any], Any]]) -> None:
    """Write each message's effect once, for a whole batch with set-based SQL.

    The inbox read is one query (which message IDs already have their effect), the new effects
    one insert, the redeliveries one update per repeat count: a redelivered message only counts
    itself, as with ``effect_record``. Fails like ``effect_record`` (the whole batch).
    """
    for _envelope, payload in messages:
        _fail_if_told(payload)
    arrivals = Counter(envelope["message_id"] for envelope, _payload in messages)
    done = set(
        ProbeEffect.objects.filter(message_id__in=list(arrivals)).values_list(
            "message_id", flat=True
        )
    )
    new: dict[str, ProbeEffect] = {}
    for envelope, payload in messages:
        message_id = envelope["message_id"]
        if message_id not in done and message_id not in new:
            new[message_id] = _effect(envelope, payload)
    ProbeEffect.objects.bulk_create(new.values())
    repeats: dict[int, list[str]] = {}
    for message_id, count in arrivals.items():
        again = count - (message_id in new)
        if again:
            repeats.setdefault(again, []).append(message_id)
    for again, message_ids in repeats.items():
        ProbeEffect.objects.filter(message_id__in=message_ids).update(
            redeliveries=F("redeliveries") + again
        )


def effect_record(envelope: dict[str, Any], payload: Any) -> None:
    """Write the message's effect once; a redelivery only counts itself (fails as told)."""
    _fail_if_told(payload)
    effect, created = ProbeEffect.objects.get_or_create(
        message_id=envelope["message_id"],
        defaults={
            "sender": envelope.get("sender", ""),
            "topic": envelope.get("topic", ""),
            "payload": payload,
            "published_at": dt.datetime.fromisoformat(envelope["created_at"]),
        },
    )
    if not created:
        ProbeEffect.objects.filter(pk=effect.pk).update(redeliveries=F("redeliveries") + 1)


def dead_letter_record(
    envelope: dict[str, Any], payload: Any, *, reason: str, deliveries: int
) -> None:
    """Keep the dead letter."""
    ProbeDeadLetter.objects.create(
        message_id=str(envelope.get("message_id", ""))[:64], reason=reason, deliveries=deliveries
    )
