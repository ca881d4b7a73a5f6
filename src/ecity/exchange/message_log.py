"""Append to and verify the message log: one hash chain per partition.

``log_append`` runs inside the caller's transaction: the record commits together with the act
it records (a publication is acknowledged only after its record is committed), and a rolled
back act leaves no record. Appending locks the partition's head row only, so different
partitions (senders) never wait for each other.

The hash of a record is SHA-256 over ``prev_hash`` and the canonical JSON of its content
(partition, seq, kind, message ID, sender, target, envelope, payload hash, detail, logged at);
the payload is covered through its hash, so a ``metadata``-level record (payload dropped)
verifies exactly like a ``full`` one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ecity.core import vault
from ecity.exchange.canonical import Envelope, canonical_json, payload_hash
from ecity.exchange.models import LogPartition, MessageLogRecord, Subsystem

REFUSALS_PARTITION = "refusals"


def record_content(record: MessageLogRecord) -> dict[str, Any]:
    """What a record's hash covers (also what the offline export carries)."""
    return {
        "partition": record.partition,
        "seq": record.seq,
        "kind": record.kind,
        "message_id": record.message_id,
        "sender": record.sender,
        "target": record.target,
        "envelope": record.envelope,
        "payload_hash": record.payload_hash,
        "detail": record.detail,
        "logged_at": record.logged_at.isoformat(),
    }


def record_hash_of(prev_hash: str, content: dict[str, Any]) -> str:
    """SHA-256 (hex) over the previous hash and the canonical content."""
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical_json(content)).hexdigest()


def _partition_head(name: str) -> LogPartition:
    head = LogPartition.objects.select_for_update().filter(name=name).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            LogPartition.objects.create(name=name)
    except IntegrityError:
        pass  # another process created it first
    return LogPartition.objects.select_for_update().get(name=name)


def _keeps_payload(envelope: Envelope | None) -> bool:
    if envelope is None:
        return True
    level = Subsystem.objects.filter(identifier=envelope.sender).values_list("log_level", flat=True)
    return (level.first() or Subsystem.LogLevel.FULL) == Subsystem.LogLevel.FULL


def log_append(
    *,
    kind: str,
    envelope: Envelope | None,
    payload: Any = None,
    partition: str = "",
    target: str = "",
    detail: dict[str, Any] | None = None,
    message_id: str = "",
    keep_payload: bool | None = None,
) -> MessageLogRecord:
    """Append one record to the chain of ``partition`` (default: the envelope's sender).

    The payload is stored only when the sender's log level is ``full`` (``keep_payload``: the
    caller already knows it, saving a query); its hash always. Joins the caller's transaction
    without a savepoint (three statements: lock the head, insert, move the head); alone, it is
    its own transaction.
    """
    with transaction.atomic(savepoint=False):
        return _append(
            kind=kind,
            envelope=envelope,
            payload=payload,
            partition=partition,
            target=target,
            detail=detail,
            message_id=message_id,
            keep_payload=keep_payload,
        )


def _append(
    *,
    kind: str,
    envelope: Envelope | None,
    payload: Any,
    partition: str,
    target: str,
    detail: dict[str, Any] | None,
    message_id: str,
    keep_payload: bool | None,
) -> MessageLogRecord:
    partition = partition or (envelope.sender if envelope else REFUSALS_PARTITION)
    if payload is not None and keep_payload is None:
        keep_payload = _keeps_payload(envelope)
    head = _partition_head(partition)
    record = MessageLogRecord(
        partition=partition,
        seq=head.last_seq + 1,
        prev_hash=head.last_hash,
        kind=kind,
        message_id=message_id or (envelope.message_id if envelope else ""),
        sender=envelope.sender if envelope else "",
        target=target
        or (envelope.receiver or envelope.topic or envelope.service if envelope else ""),
        envelope=envelope.to_dict() if envelope else {},
        payload=payload if (payload is not None and keep_payload) else None,
        payload_hash=(envelope.payload_hash if envelope else payload_hash(payload))
        if payload is not None or envelope
        else "",
        detail=detail or {},
        logged_at=timezone.now(),
    )
    record.record_hash = record_hash_of(record.prev_hash, record_content(record))
    record.save()
    head.last_seq = record.seq
    head.last_hash = record.record_hash
    head.save(update_fields=["last_seq", "last_hash"])
    return record


def log_refusal(*, envelope: Envelope | None, raw: Any, code: str, reason: str) -> None:
    """Record a refused envelope in the ``refusals`` chain (its own transaction)."""
    raw_text = canonical_json(raw)[:4000].decode("utf-8", "replace") if raw is not None else ""
    log_append(
        kind=MessageLogRecord.Kind.REFUSED,
        envelope=None,
        partition=REFUSALS_PARTITION,
        target=(envelope.receiver or envelope.topic or envelope.service) if envelope else "",
        message_id=envelope.message_id[:64] if envelope else "",
        detail={
            "code": code,
            "reason": reason,
            "claimed_sender": envelope.sender if envelope else "",
            "raw": raw_text if envelope is None else "",
        },
    )


def anchor_statement(*, partition: str, seq: int, record_hash: str) -> bytes:
    """The bytes the node key signs when records up to ``seq`` of ``partition`` are deleted."""
    return canonical_json(
        {
            "statement": "ecity-log-truncated/1",
            "partition": partition,
            "truncated_through_seq": seq,
            "record_hash": record_hash,
        }
    )


def anchor_is_valid(head: LogPartition) -> bool:
    """Whether the partition's retention anchor (if any) is signed by a key of this node."""
    if head.anchor_seq == 0:
        return True
    try:
        signature = base64.urlsafe_b64decode(
            head.anchor_signature + "=" * (-len(head.anchor_signature) % 4)
        )
    except (binascii.Error, ValueError):
        return False
    return vault.key_verify(
        purpose=vault.Purpose.EXCHANGE,
        owner="",
        kid=head.anchor_kid,
        message=anchor_statement(
            partition=head.name, seq=head.anchor_seq, record_hash=head.anchor_hash
        ),
        signature=signature,
    )


@dataclass(frozen=True)
class ChainBreak:
    """The first record of a partition whose chain does not hold, and why."""

    partition: str
    seq: int
    # "modified", "inserted", "deleted" (a gap), "cut" (head beyond the last) or "anchor" (the
    # retention anchor's signature does not verify)
    problem: str


def log_verify(*, partitions: Iterable[str] | None = None) -> list[ChainBreak]:
    """Verify the chain of each partition; return the first break of each broken partition.

    A partition whose old records were deleted by retention starts at its signed anchor: the
    first kept record must follow the anchored sequence number and hash.
    """
    names = (
        list(partitions)
        if partitions is not None
        else list(LogPartition.objects.order_by("name").values_list("name", flat=True))
    )
    breaks: list[ChainBreak] = []
    for name in names:
        head = LogPartition.objects.filter(name=name).first()
        if head is not None and not anchor_is_valid(head):
            breaks.append(ChainBreak(name, head.anchor_seq, "anchor"))
            continue
        anchor_seq = head.anchor_seq if head is not None else 0
        prev_hash = head.anchor_hash if head is not None else ""
        expected_seq = anchor_seq + 1
        found: ChainBreak | None = None
        records = MessageLogRecord.objects.filter(partition=name, seq__gt=anchor_seq).order_by(
            "seq"
        )
        for record in records.iterator(chunk_size=2000):
            if record.seq != expected_seq:
                found = ChainBreak(
                    name, expected_seq, "deleted" if record.seq > expected_seq else "inserted"
                )
                break
            if record.prev_hash != prev_hash:
                found = ChainBreak(name, record.seq, "inserted")
                break
            if record_hash_of(record.prev_hash, record_content(record)) != record.record_hash:
                found = ChainBreak(name, record.seq, "modified")
                break
            prev_hash, expected_seq = record.record_hash, expected_seq + 1
        if (
            found is None
            and head is not None
            and (head.last_seq != expected_seq - 1 or head.last_hash != prev_hash)
        ):
            found = ChainBreak(name, expected_seq, "cut")
        if found is not None:
            breaks.append(found)
    return breaks


@dataclass(frozen=True)
class LogEntry:
    """One record to append with ``log_append_batch`` (the gateway's request and response)."""

    kind: str
    envelope: Envelope
    payload: Any
    target: str = ""
    detail: dict[str, Any] | None = None


def log_append_batch(
    *, partition: str, entries: Sequence[LogEntry], keep_payload: bool
) -> list[MessageLogRecord]:
    """Append ``entries`` in order to the chain of ``partition`` under one lock of its head.

    Same records as ``log_append`` (hash over the same content), written with one insert and
    without savepoints: the gateway's hot path. ``keep_payload`` is the caller's decision from
    the log level of the subsystem whose chain this is. Joins the caller's transaction.
    """
    with transaction.atomic(savepoint=False):
        head = _partition_head(partition)
        seq, prev_hash = head.last_seq, head.last_hash
        records: list[MessageLogRecord] = []
        now = timezone.now()
        for entry in entries:
            seq += 1
            record = MessageLogRecord(
                partition=partition,
                seq=seq,
                prev_hash=prev_hash,
                kind=entry.kind,
                message_id=entry.envelope.message_id,
                sender=entry.envelope.sender,
                target=entry.target
                or entry.envelope.receiver
                or entry.envelope.topic
                or entry.envelope.service,
                envelope=entry.envelope.to_dict(),
                payload=entry.payload if keep_payload else None,
                payload_hash=entry.envelope.payload_hash,
                detail=entry.detail or {},
                logged_at=now,
            )
            record.record_hash = record_hash_of(prev_hash, record_content(record))
            prev_hash = record.record_hash
            records.append(record)
        MessageLogRecord.objects.bulk_create(records)
        head.last_seq, head.last_hash = seq, prev_hash
        head.save(update_fields=["last_seq", "last_hash"])
    return records
