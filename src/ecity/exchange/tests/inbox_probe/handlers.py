"""Idempotent probe handlers (``exchange_consume --handler …``)."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from django.db.models import F

from ecity.exchange.tests.inbox_probe.models import ProbeDeadLetter, ProbeEffect


def effect_record(envelope: dict[str, Any], payload: Any) -> None:
    """Write the message's effect once; a redelivery only counts itself.

    A payload ``{"fail": true}`` fails (tests of redelivery and dead letters). With
    ``ECITY_PROBE_FAIL_UNTIL`` set to a file path, every message fails while that file exists.
    """
    if isinstance(payload, dict) and payload.get("fail"):
        raise RuntimeError("the probe was told to fail")
    fail_flag = os.environ.get("ECITY_PROBE_FAIL_UNTIL")
    if fail_flag and os.path.exists(fail_flag):
        raise RuntimeError("the probe fails while its flag file exists")
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
