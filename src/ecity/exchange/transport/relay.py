"""The relay: committed publications of the message log → JetStream, at least once.

The message log is the record. A publication is acknowledged to its publisher once its
``published`` record is committed; the relay carries it to the broker afterwards:

1. read each partition's head (``LogPartition.last_seq``) and the partition's ``RelayCursor``;
   every record up to the head is committed (the head moves in the record's transaction and the
   head row is locked until commit, so a partition's records commit in sequence order);
2. publish the ``published`` records past the cursor, in order, with ``Nats-Msg-Id`` = the
   message ID, and wait for the PubAcks;
3. only then move the cursor (to the head when the whole range was carried).

A crash between 2 and 3 publishes the same records again on restart: the stream's duplicate
window drops the copies, and a copy that arrives after the window is still harmless because every
receiver keeps an inbox keyed by message ID. When the broker is down, publications keep
committing; the cursor stays put and the relay catches up when the broker is back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction

from ecity.exchange.message_log import REFUSALS_PARTITION
from ecity.exchange.models import LogPartition, MessageLogRecord, RelayCursor
from ecity.exchange.transport.nats import (
    Broker,
    Outgoing,
    PendingPublish,
    TransportUnavailable,
    message_body,
)
from ecity.exchange.transport.subjects import envelope_subject

logger = logging.getLogger(__name__)

PayloadLoader = Callable[[MessageLogRecord], Any]


@dataclass
class RelayResult:
    """What one relay pass carried: messages confirmed by the broker, per partition."""

    published: int = 0
    partitions: dict[str, int] = field(default_factory=dict)


def record_payload(record: MessageLogRecord) -> Any:
    """The payload the log kept (``full`` log level). The default ``PayloadLoader``."""
    return record.payload


def relay_outgoing(record: MessageLogRecord, payload: Any) -> Outgoing:
    """The broker message of one ``published`` log record."""
    return Outgoing(
        subject=envelope_subject(record.envelope),
        msg_id=record.message_id,
        body=message_body(
            envelope=record.envelope,
            payload=payload,
            log={"partition": record.partition, "seq": record.seq, "hash": record.record_hash},
        ),
        headers={"Ecity-Log": f"{record.partition}#{record.seq}"},
    )


@transaction.atomic
def relay_cursor_advance(*, partition: str, last_seq: int) -> None:
    """Move the relay cursor of ``partition`` forward to ``last_seq`` (never backwards)."""
    moved = RelayCursor.objects.filter(partition=partition, last_seq__lt=last_seq).update(
        last_seq=last_seq
    )
    if not moved:
        RelayCursor.objects.get_or_create(partition=partition, defaults={"last_seq": last_seq})


@dataclass
class _InFlight:
    """One partition's range being published: its records and the broker's pending PubAcks."""

    name: str
    last: int
    head_seq: int
    records: list[MessageLogRecord]
    pending: PendingPublish


# What the relay reads of a record (not ``detail``, ``target``, …: no JSON decoded for nothing).
_RELAYED_FIELDS = ("partition", "seq", "record_hash", "message_id", "envelope", "payload")


def relay_run_once(
    *,
    broker: Broker,
    batch_size: int | None = None,
    payload_loader: PayloadLoader = record_payload,
) -> RelayResult:
    """Carry every committed publication past the cursors to the broker (one pass).

    At most ``batch_size`` records per partition (``ECITY_NATS_BATCH_SIZE``); call again until
    ``published`` is 0 to drain. The partitions' ranges are published concurrently: the next
    partition is read while the broker stores the previous one's, and each partition's cursor
    moves only after all PubAcks of its range came (as far as they came without a gap).
    ``payload_loader`` gives the payload of a record (the log keeps none at the ``metadata``
    level; the publishing side then supplies it from its own store). Raises
    ``TransportUnavailable`` after advancing the cursors as far as the broker confirmed.
    """
    batch_size = batch_size or int(settings.ECITY_NATS_BATCH_SIZE)
    cursors = dict(RelayCursor.objects.values_list("partition", "last_seq"))
    heads = LogPartition.objects.exclude(name=REFUSALS_PARTITION).values_list("name", "last_seq")
    in_flight: list[_InFlight] = []
    for name, head_seq in heads:
        last = cursors.get(name, 0)
        if head_seq <= last:
            continue
        records = list(
            MessageLogRecord.objects.filter(
                partition=name,
                kind=MessageLogRecord.Kind.PUBLISHED,
                seq__gt=last,
                seq__lte=head_seq,
            )
            .only(*_RELAYED_FIELDS)
            .order_by("seq")[:batch_size]
        )
        outgoing = [relay_outgoing(r, payload_loader(r)) for r in records]
        in_flight.append(
            _InFlight(name, last, head_seq, records, pending=broker.publish_start(outgoing))
        )
    result = RelayResult()
    failure: TransportUnavailable | None = None
    for flight in in_flight:
        confirmed, error = broker.publish_wait(flight.pending)
        if error is None and len(flight.records) < batch_size:
            new_last = flight.head_seq  # the whole range up to the head is carried
        elif confirmed:
            new_last = flight.records[confirmed - 1].seq
        else:
            new_last = flight.last
        if new_last > flight.last:
            relay_cursor_advance(partition=flight.name, last_seq=new_last)
        if confirmed:
            result.published += confirmed
            result.partitions[flight.name] = confirmed
        if error is not None and failure is None:
            failure = TransportUnavailable(
                f"relay stopped in partition {flight.name} after {confirmed} messages: {error!r}"
            )
            failure.__cause__ = error
    if failure is not None:
        raise failure
    return result


def relay_backlog() -> dict[str, int]:
    """Per partition, how many log records (of any kind) lie past the relay cursor."""
    cursors = dict(RelayCursor.objects.values_list("partition", "last_seq"))
    return {
        name: head - cursors.get(name, 0)
        for name, head in LogPartition.objects.exclude(name=REFUSALS_PARTITION).values_list(
            "name", "last_seq"
        )
        if head > cursors.get(name, 0)
    }
