"""The consumer: a durable JetStream pull consumer feeding a receiver's idempotent handler.

One durable consumer per receiving subscription (``durable`` is the subscription's name). A pass
fetches a batch (up to ``ECITY_NATS_BATCH_SIZE``) and:

1. verifies every envelope (``envelope.envelopes_open_delivered``: form, sender known and
   enabled, signature, payload hash; the reads done once per batch). A refused message is
   logged as refused in the message log, handed to the dead-letter callback and terminated at
   the broker: it never takes effect;
2. hands the accepted messages to the receiver in ONE transaction, in stream order: either
   ``on_batch(messages)`` (one call for the batch: set-based SQL) or ``on_message(envelope,
   payload)`` once per message. The handler must be idempotent (the receiver's inbox keyed by
   message ID): the broker redelivers a message whose acknowledgement it did not get, for
   example after a crash between commit and ack;
3. acknowledges the batch only after that transaction committed.

If the batch's transaction fails, it is rolled back and every message runs again in its own
transaction, so a failing message neither holds back nor undoes the others, except the later
messages of its own key (``envelope["key"]``), which are sent back with it so that the order per
key holds. A failed message is negatively acknowledged with the delay of the
``ECITY_NATS_BACKOFF_SECONDS`` schedule; after ``ECITY_NATS_MAX_DELIVER`` failed deliveries it
goes to ``on_dead(envelope, payload, reason=…, deliveries=…)`` (the dead-letter list, owned by
the subscription side) and is then terminated at the broker. If the dead-letter callback fails
too, the message is redelivered later: it is never dropped. A body that is not an ecity message
goes to ``on_dead`` at once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from nats.aio.msg import Msg

from ecity.exchange.envelope import envelopes_open_delivered
from ecity.exchange.errors import EnvelopeRefused
from ecity.exchange.transport.nats import Broker, backoff_delay
from ecity.exchange.transport.subjects import subject_token

logger = logging.getLogger(__name__)

MessageHandler = Callable[[dict[str, Any], Any], None]
# The messages of a batch, in stream order, as (envelope, payload): handled in one transaction.
BatchHandler = Callable[[Sequence[tuple[dict[str, Any], Any]]], None]


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
    refused: int = 0  # of the dead: refused on receipt (bad signature, unknown sender, ...)


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


@dataclass
class KeyHolds:
    """Per key, the stream sequence of its earliest message whose handler failed.

    A consumer process keeps one across its passes: until that message took effect (or went to
    the dead letters), the later messages of its key are sent back with it, also when they come
    in a later batch, so that the order per key holds.
    """

    failed: dict[str, int] = field(default_factory=dict)


@dataclass
class _Decoded:
    msg: Msg
    deliveries: int
    envelope: dict[str, Any]
    payload: Any

    @property
    def key(self) -> str:
        return str(self.envelope.get("key") or "")

    @property
    def seq(self) -> int:
        return int(self.msg.metadata.sequence.stream)


def _handle(
    on_message: MessageHandler | None, on_batch: BatchHandler | None, items: list[_Decoded]
) -> None:
    """Run the receiver's handler on ``items`` in the caller's transaction, in order."""
    if on_batch is not None:
        on_batch([(item.envelope, item.payload) for item in items])
        return
    assert on_message is not None
    for item in items:
        on_message(item.envelope, item.payload)


def _handle_together(
    on_message: MessageHandler | None, on_batch: BatchHandler | None, items: list[_Decoded]
) -> bool:
    """Handle ``items`` in one transaction; False (all rolled back) when the handler raised."""
    try:
        with transaction.atomic():
            _handle(on_message, on_batch, items)
    except Exception:  # noqa: BLE001 - retried one by one, where each failure is handled
        return False
    return True


@dataclass
class _Settlement:
    ack: list[Msg] = field(default_factory=list)
    nak: list[tuple[Msg, float]] = field(default_factory=list)
    term: list[Msg] = field(default_factory=list)


def _give_up_or_retry(
    item: _Decoded,
    *,
    reason: str,
    dead_now: bool,
    on_dead: DeadLetterHandler | None,
    settlement: _Settlement,
    result: ConsumeResult,
) -> bool:
    """Dead-letter ``item`` (then terminate it) when ``dead_now``, else send it back for later.

    True when it went to the dead-letter list."""
    if dead_now and _dead_letter(
        on_dead, item.envelope, item.payload, reason=reason, deliveries=item.deliveries
    ):
        settlement.term.append(item.msg)
        result.dead += 1
        return True
    settlement.nak.append((item.msg, backoff_delay(item.deliveries)))
    result.retried += 1
    return False


def _hold_back(
    items: list[_Decoded], *, holds: KeyHolds, settlement: _Settlement, result: ConsumeResult
) -> list[_Decoded]:
    """Send back the items that follow a failed message of their key not in this batch."""
    present = {item.seq for item in items}
    ready = []
    for item in items:
        failed = holds.failed.get(item.key) if item.key else None
        if failed is not None and item.seq > failed and failed not in present:
            settlement.nak.append((item.msg, backoff_delay(item.deliveries)))
            result.retried += 1
        else:
            ready.append(item)
    return ready


def _settled(item: _Decoded, holds: KeyHolds) -> None:
    """``item`` took effect or went to the dead letters: its key is no longer held by it."""
    if item.key and holds.failed.get(item.key) == item.seq:
        del holds.failed[item.key]


def _handle_one_by_one(
    items: list[_Decoded],
    *,
    on_message: MessageHandler | None,
    on_batch: BatchHandler | None,
    on_dead: DeadLetterHandler | None,
    max_deliver: int,
    holds: KeyHolds,
    settlement: _Settlement,
    result: ConsumeResult,
) -> None:
    """Handle each item in its own transaction; a failure holds back the later ones of its key."""
    for item in items:
        key = item.key
        failed = holds.failed.get(key) if key else None
        if failed is not None and item.seq > failed:
            # an earlier message of this key failed: this one waits for it (order per key)
            settlement.nak.append((item.msg, backoff_delay(item.deliveries)))
            result.retried += 1
            continue
        try:
            with transaction.atomic():
                _handle(on_message, on_batch, [item])
        except Exception as exc:  # noqa: BLE001 - any handler failure means: retry later
            logger.warning(
                "handler failed for %s (delivery %d): %r",
                item.envelope.get("message_id"),
                item.deliveries,
                exc,
            )
            dead = _give_up_or_retry(
                item,
                reason=repr(exc)[:2000],
                dead_now=item.deliveries >= max_deliver,
                on_dead=on_dead,
                settlement=settlement,
                result=result,
            )
            if dead:
                _settled(item, holds)
            elif key:
                holds.failed.setdefault(key, item.seq)
            continue
        _settled(item, holds)
        settlement.ack.append(item.msg)
        result.acked += 1


def _verified(
    items: list[_Decoded],
    *,
    on_dead: DeadLetterHandler | None,
    settlement: _Settlement,
    result: ConsumeResult,
) -> list[_Decoded]:
    """The items whose envelopes verify; the others are logged as refused and dead-lettered."""
    opened = envelopes_open_delivered([(item.envelope, item.payload) for item in items])
    accepted = []
    for item, outcome in zip(items, opened, strict=True):
        if isinstance(outcome, EnvelopeRefused):
            logger.warning(
                "refused %s: %s %s", item.envelope.get("message_id"), outcome.code, outcome.message
            )
            if _give_up_or_retry(
                item,
                reason=f"refused on receipt ({outcome.code}): {outcome.message}"[:2000],
                dead_now=True,
                on_dead=on_dead,
                settlement=settlement,
                result=result,
            ):
                result.refused += 1
            continue
        accepted.append(item)
    return accepted


def consumer_run_once(
    *,
    broker: Broker,
    durable: str,
    on_message: MessageHandler | None = None,
    on_batch: BatchHandler | None = None,
    on_dead: DeadLetterHandler | None = None,
    batch_size: int | None = None,
    wait: float = 1.0,
    max_deliver: int | None = None,
    holds: KeyHolds | None = None,
) -> ConsumeResult:
    """Fetch one batch for the durable consumer ``durable``; verify, handle, then settle it.

    Exactly one of ``on_message`` (called per message) and ``on_batch`` (called once with the
    batch's messages, in stream order) is the receiver's handler. Envelopes are verified first
    (a refused one is logged, dead-lettered and terminated); the accepted messages are handled
    in one transaction (one commit per batch); if the handler raises, that transaction is
    rolled back and every message runs again in its own transaction, a failure sending back
    the later messages of its key with it (in later passes too, as long as the caller passes
    the same ``holds``: a consumer process keeps one). Messages are acknowledged only after the
    transaction that handled them committed.

    The durable consumer must exist (``Broker.consumer_ensure``). Waits at most ``wait``
    seconds for messages. Raises ``TransportUnavailable`` when the broker is unreachable;
    messages already handled but not acknowledged are then redelivered (the inbox dedupes).
    """
    if (on_message is None) == (on_batch is None):
        raise ValueError("give exactly one of on_message and on_batch")
    batch_size = batch_size or int(settings.ECITY_NATS_BATCH_SIZE)
    max_deliver = max_deliver or int(settings.ECITY_NATS_MAX_DELIVER)
    messages = broker.fetch(durable=durable, batch=batch_size, wait=wait)
    result = ConsumeResult(fetched=len(messages))
    settlement = _Settlement()
    items: list[_Decoded] = []
    for msg in messages:
        deliveries = msg.metadata.num_delivered or 1
        if deliveries > 1:
            result.redelivered += 1
        try:
            envelope, payload = message_decode(msg)
        except (ValueError, UnicodeDecodeError) as exc:
            raw = {"raw": msg.data[:2000].decode("utf-8", "replace"), "subject": msg.subject}
            _give_up_or_retry(
                _Decoded(msg, deliveries, raw, None),
                reason=str(exc),
                dead_now=True,
                on_dead=on_dead,
                settlement=settlement,
                result=result,
            )
            continue
        items.append(_Decoded(msg, deliveries, envelope, payload))
    holds = holds if holds is not None else KeyHolds()
    if items:
        try:
            items = _verified(items, on_dead=on_dead, settlement=settlement, result=result)
        except Exception as exc:  # noqa: BLE001 - e.g. the database is unreachable: retry all
            logger.warning("could not verify a batch of %d: %r", len(items), exc)
            settlement.nak.extend((item.msg, backoff_delay(item.deliveries)) for item in items)
            result.retried += len(items)
            items = []
        items = _hold_back(items, holds=holds, settlement=settlement, result=result)
    if len(items) > 1 and _handle_together(on_message, on_batch, items):
        for item in items:
            _settled(item, holds)
        settlement.ack.extend(item.msg for item in items)
        result.acked += len(items)
    elif items:
        _handle_one_by_one(
            items,
            on_message=on_message,
            on_batch=on_batch,
            on_dead=on_dead,
            max_deliver=max_deliver,
            holds=holds,
            settlement=settlement,
            result=result,
        )
    if messages:
        broker.settle(ack=settlement.ack, nak=settlement.nak, term=settlement.term)
    return result
