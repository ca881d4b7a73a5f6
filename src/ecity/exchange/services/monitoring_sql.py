"""The gateway's batch write on PostgreSQL: one statement for the whole batch.

The same rows as ``log_append_batch`` and ``CallRecord.objects.bulk_create`` (the chain's
hashes computed by ``message_log.record_hash_of`` over ``message_log.record_content``): the
chains' heads are locked and read, the records' hashes computed here, then one statement
inserts the log records, moves the heads and inserts the call records, all read from one JSON
parameter. Building model instances and SQL through the ORM cost more CPU per call than
everything else the lean gateway did; one prepared statement per row (``executemany`` in a
pipeline) still cost ~40 parameter conversions per call in psycopg. ``calls_record_sql`` runs
inside the caller's transaction, with the chains' heads locked. ``calls_record_async`` is the
lean gateway's writer on PostgreSQL: on its own asynchronous connection, from the event loop,
it writes a batch as that one statement alone (one round trip, its own transaction) from the
heads it wrote last, and falls back to the locked write when a head is unknown or has moved
(another process wrote to the chain, or it was truncated): the statement fails then and writes
nothing."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from typing import Any, cast

import psycopg
from django.db import connection
from django.utils import timezone

from ecity.exchange.message_log import LogEntry, record_content, record_hash_of
from ecity.exchange.models import MessageLogRecord

# The tables of MessageLogRecord, LogPartition and CallRecord (checked by a test).
TABLES = ("exchange_messagelogrecord", "exchange_logpartition", "exchange_callrecord")

# One statement for the whole batch: the log records, the chains' new heads and the call
# records, read from one JSON document (``jsonb_to_recordset``). A JSON null is SQL NULL there;
# the text columns' lengths are checked as for any insert. A head moves only from the sequence
# number the batch was computed from (``prev_seq``); if any head is elsewhere, ``held`` fails the
# whole statement with the text "log head moved" cast to boolean (invalid input: SQLSTATE 22P02),
# so nothing is written. Under a lock (``LOCK_HEADS``) that cannot happen; without one it catches
# a head written or truncated by another process since (a record already at a sequence number
# fails on the unique (partition, seq) constraint first, or waits for its writer's commit).
WRITE_BATCH = """
    WITH batch AS (SELECT %s::jsonb AS data),
    records AS (
        INSERT INTO exchange_messagelogrecord (partition, seq, prev_hash, record_hash, kind,
            message_id, sender, target, envelope, payload, payload_hash, detail, logged_at)
        SELECT r.partition, r.seq, r.prev_hash, r.record_hash, r.kind, r.message_id, r.sender,
            r.target, r.envelope, r.payload, r.payload_hash, r.detail, r.logged_at
        FROM batch, jsonb_to_recordset(batch.data -> 'records') AS r(partition text, seq bigint,
            prev_hash text, record_hash text, kind text, message_id text, sender text,
            target text, envelope jsonb, payload jsonb, payload_hash text, detail jsonb,
            logged_at timestamptz)
    ),
    heads AS (
        UPDATE exchange_logpartition AS p SET last_seq = h.seq, last_hash = h.hash
        FROM batch, jsonb_to_recordset(batch.data -> 'heads') AS h(name text, prev_seq bigint,
            seq bigint, hash text)
        WHERE p.name = h.name AND p.last_seq = h.prev_seq
        RETURNING p.name
    ),
    held AS (
        SELECT CASE WHEN count(*) = (SELECT jsonb_array_length(data -> 'heads') FROM batch)
            THEN true ELSE ('log head moved: ' || count(*))::boolean END AS ok
        FROM heads
    )
    INSERT INTO exchange_callrecord (client, service_id, service_identifier, endpoint,
        message_id, client_request_at, provider_request_at, provider_response_at,
        client_response_at, request_size, response_size, status_code, fault_code, duration_ms)
    SELECT c.client, c.service_id, c.service_identifier, c.endpoint, c.message_id,
        c.client_request_at, c.provider_request_at, c.provider_response_at,
        c.client_response_at, c.request_size, c.response_size, c.status_code, c.fault_code,
        c.duration_ms
    FROM batch, held, jsonb_to_recordset(batch.data -> 'calls') AS c(client text,
        service_id bigint, service_identifier text, endpoint text, message_id text,
        client_request_at timestamptz, provider_request_at timestamptz,
        provider_response_at timestamptz, client_response_at timestamptz, request_size integer,
        response_size integer, status_code smallint, fault_code text, duration_ms integer)
    WHERE held.ok
"""
LOCK_HEADS = """
    SELECT name, last_seq, last_hash FROM exchange_logpartition
    WHERE name = ANY(%s) ORDER BY name FOR UPDATE
"""
CREATE_HEAD = """
    INSERT INTO exchange_logpartition (name, last_seq, last_hash, anchor_seq, anchor_hash,
        anchor_kid, anchor_signature)
    VALUES (%s, 0, '', 0, '', '', '') ON CONFLICT (name) DO NOTHING
"""


def _json_default(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


Heads = dict[str, tuple[int, str]]  # partition → (last seq, last hash)
ByPartition = dict[str, tuple[list[LogEntry], bool]]


def _partitions(by_partition: ByPartition) -> list[str]:
    """The partitions that get records, in the order their heads are locked."""
    return sorted(name for name, (entries, _keep) in by_partition.items() if entries)


def batch_document(
    by_partition: ByPartition, calls: list[dict[str, Any]], heads: Heads
) -> tuple[str, Heads]:
    """``WRITE_BATCH``'s parameter for ``heads`` as they are now, and the heads after it."""
    records: list[dict[str, Any]] = []
    moved: list[dict[str, Any]] = []
    after: Heads = {}
    now = timezone.now()
    for name in _partitions(by_partition):
        entries, keep_payload = by_partition[name]
        prev_seq, prev_hash = heads[name]
        seq = prev_seq
        for entry in entries:
            seq += 1
            envelope = entry.envelope
            record = SimpleNamespace(
                partition=name,
                seq=seq,
                kind=str(entry.kind),  # the value, not the enum's name
                message_id=envelope.message_id,
                sender=envelope.sender,
                target=entry.target or envelope.receiver or envelope.topic or envelope.service,
                envelope=envelope.to_dict(),
                payload_hash=envelope.payload_hash,
                detail=entry.detail or {},
                logged_at=now,
            )
            record_hash = record_hash_of(prev_hash, record_content(cast(MessageLogRecord, record)))
            records.append(
                {
                    **record.__dict__,
                    "prev_hash": prev_hash,
                    "record_hash": record_hash,
                    "payload": entry.payload if keep_payload else None,
                }
            )
            prev_hash = record_hash
        moved.append({"name": name, "prev_seq": prev_seq, "seq": seq, "hash": prev_hash})
        after[name] = (seq, prev_hash)
    batch = {"records": records, "heads": moved, "calls": calls}
    return json.dumps(batch, ensure_ascii=False, default=_json_default), after


def calls_record_sql(by_partition: ByPartition, calls: list[dict[str, Any]]) -> None:
    """Append each partition's entries to its chain and insert ``calls`` (call record columns)."""
    names = _partitions(by_partition)
    with connection.cursor() as cursor:
        heads: Heads = {}
        if names:
            cursor.execute(LOCK_HEADS, [names])
            heads = {name: (seq, last_hash) for name, seq, last_hash in cursor.fetchall()}
            missing = [name for name in names if name not in heads]
            if missing:
                cursor.executemany(CREATE_HEAD, [[name] for name in missing])
                cursor.execute(LOCK_HEADS, [missing])
                heads.update({name: (seq, h) for name, seq, h in cursor.fetchall()})
        document, _after = batch_document(by_partition, calls, heads)
        cursor.execute(WRITE_BATCH, [document])


async def calls_record_async(
    conn: psycopg.AsyncConnection[Any],
    by_partition: ByPartition,
    calls: list[dict[str, Any]],
    known: Heads,
) -> tuple[Heads, bool]:
    """Write a batch on ``conn`` (autocommit) from the ``known`` heads.

    With every head known: the one statement, its own transaction. Without, or when a head has
    moved since (the statement then fails whole): the heads locked and read in a transaction,
    as ``calls_record_sql`` does. Returns the new heads and whether a known head had moved.
    Raises what the database raises otherwise (nothing written).
    """
    names = _partitions(by_partition)
    moved = False
    if all(name in known for name in names):
        document, after = batch_document(by_partition, calls, known)
        try:
            await conn.execute(WRITE_BATCH, [document])
            return after, moved
        except (psycopg.errors.UniqueViolation, psycopg.errors.InvalidTextRepresentation):
            moved = True  # read the heads under the lock
    async with conn.transaction():
        heads: Heads = {}
        if names:
            cursor = await conn.execute(LOCK_HEADS, [names])
            heads = {name: (seq, h) for name, seq, h in await cursor.fetchall()}
            missing = [name for name in names if name not in heads]
            if missing:
                for name in missing:
                    await conn.execute(CREATE_HEAD, [name])
                cursor = await conn.execute(LOCK_HEADS, [missing])
                heads.update({name: (seq, h) for name, seq, h in await cursor.fetchall()})
        document, after = batch_document(by_partition, calls, heads)
        await conn.execute(WRITE_BATCH, [document])
    return after, moved
