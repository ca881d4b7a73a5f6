"""The consumer: a durable JetStream pull consumer feeding a receiver's idempotent handler.

One durable consumer per receiving subscription (``durable`` is the subscription's name).
Each fetched message goes to ``on_message(envelope, payload)`` inside its own
``transaction.atomic``; the message is acknowledged only after that transaction committed. The
handler must be idempotent (the receiver's inbox keyed by message ID): the broker redelivers a
message whose acknowledgement it did not get, for example after a crash between commit and ack.

A handler that raises rolls its transaction back; the message is negatively acknowledged with
the delay of the ``ECITY_NATS_BACKOFF_SECONDS`` schedule. After ``ECITY_NATS_MAX_DELIVER``
failed deliveries the message goes to ``on_dead(envelope, payload, reason=…, deliveries=…)``
(the dead-letter list, owned by the subscription side) and is then terminated at the broker.
If the dead-letter callback fails too, the message is redelivered later: it is never dropped.
A body that is not an ecity message goes to ``on_dead`` at once. A batch is handled in one
transaction when every handler succeeds (one commit per batch), else message by message.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from nats.aio.msg import Msg

from ecity.exchange.transport.nats import Broker, backoff_delay
from ecity.exchange.transport.subjects import subject_token

logger = logging.getLogger(__name__)

MessageHandler = Callable[[dict[str, Any], Any], None]


class DeadLetterHandler(Protocol):
    def __call__(
        self, envelope: dict[str, Any], payload: Any, *, reason: str, deliveries: int
    ) -> None: ...


@dataclass
class ConsumeResult:
    """What one pass did: messages handled and acked, naked for a retry, dead-lettered."""

    fetched: int = 0
    acked: int = 0
    retried: int = 0
    dead: int = 0
    redelivered: int = 0  # messages of this pass that the broker had delivered before


def durable_name(subscription: str) -> str:
    """The durable consumer name of a subscription name (escaped like a subject token)."""
    return subject_token(subscription)


def message_decode(msg: Msg) -> tuple[dict[str, Any], Any]:
    """The envelope and payload of a broker message; ``ValueError`` if it is not an ecity one."""
    body = json.loads(msg.data)
    envelope = body.get("envelope") if isinstance(body, dict) else None
    if not isinstance(envelope, dict) or not envelope.get("message_id"):
        raise ValueError("not an ecity exchange message (no envelope with a message ID)")
    return envelope, body.get("payload")


def _dead_letter(
    on_dead: DeadLetterHandler | None,
    envelope: dict[str, Any],
    payload: Any,
    *,
    reason: str,
    deliveries: int,
) -> bool:
    """Hand a message to the dead-letter callback in its own transaction; True on success."""
    if on_dead is None:
        logger.error("dead letter without a dead-letter handler: %s %s", envelope, reason)
        return False
    try:
        with transaction.atomic():
            on_dead(envelope, payload, reason=reason, deliveries=deliveries)
    except Exception:
        logger.exception("dead-letter handler failed; the message will be redelivered")
        return False
    return True


def _handle_together(on_message: MessageHandler, items: list[_Decoded]) -> bool:
    """Handle ``items`` in one transaction; False (all rolled back) when any handler raised."""
    try:
        with transaction.atomic():
            for item in items:
                on_message(item.envelope, item.payload)
    except Exception:  # noqa: BLE001 - retried one by one, where each failure is handled
        return False
    return True


@dataclass
class _Decoded:
    msg: Msg
    deliveries: int
    envelope: dict[str, Any]
    payload: Any


def consumer_run_once(
    *,
    broker: Broker,
    durable: str,
    on_message: MessageHandler,
    on_dead: DeadLetterHandler | None = None,
    batch_size: int | None = None,
    wait: float = 1.0,
    max_deliver: int | None = None,
) -> ConsumeResult:
    """Fetch one batch for the durable consumer ``durable`` and handle, then settle, each message.

    The batch's handlers run in one transaction (one commit per batch, not per message); if any
    of them raises, that transaction is rolled back and every message runs again in its own
    transaction, so a failing message neither holds back nor undoes the others. Messages are
    acknowledged only after the transaction that handled them committed.

    The durable consumer must exist (``Broker.consumer_ensure``). Waits at most ``wait``
    seconds for messages. Raises ``TransportUnavailable`` when the broker is unreachable;
    messages already handled but not acknowledged are then redelivered (the inbox dedupes).
    """
    batch_size = batch_size or int(settings.ECITY_NATS_BATCH_SIZE)
    max_deliver = max_deliver or int(settings.ECITY_NATS_MAX_DELIVER)
    messages = broker.fetch(durable=durable, batch=batch_size, wait=wait)
    result = ConsumeResult(fetched=len(messages))
    ack: list[Msg] = []
    nak: list[tuple[Msg, float]] = []
    term: list[Msg] = []
    items: list[_Decoded] = []
    for msg in messages:
        deliveries = msg.metadata.num_delivered or 1
        if deliveries > 1:
            result.redelivered += 1
        try:
            envelope, payload = message_decode(msg)
        except (ValueError, UnicodeDecodeError) as exc:
            raw = {"raw": msg.data[:2000].decode("utf-8", "replace"), "subject": msg.subject}
            if _dead_letter(on_dead, raw, None, reason=str(exc), deliveries=deliveries):
                term.append(msg)
                result.dead += 1
            else:
                nak.append((msg, backoff_delay(deliveries)))
                result.retried += 1
            continue
        items.append(_Decoded(msg, deliveries, envelope, payload))
    if items and len(items) > 1 and _handle_together(on_message, items):
        ack.extend(item.msg for item in items)
        result.acked += len(items)
        items = []
    for item in items:
        envelope, payload, deliveries = item.envelope, item.payload, item.deliveries
        try:
            with transaction.atomic():
                on_message(envelope, payload)
        except Exception as exc:  # noqa: BLE001 - any handler failure means: retry later
            logger.warning(
                "handler failed for %s (delivery %d): %r",
                envelope.get("message_id"),
                deliveries,
                exc,
            )
            if deliveries >= max_deliver and _dead_letter(
                on_dead, envelope, payload, reason=repr(exc)[:2000], deliveries=deliveries
            ):
                term.append(item.msg)
                result.dead += 1
            else:
                nak.append((item.msg, backoff_delay(deliveries)))
                result.retried += 1
            continue
        ack.append(item.msg)
        result.acked += 1
    if messages:
        broker.settle(ack=ack, nak=nak, term=term)
    return result
