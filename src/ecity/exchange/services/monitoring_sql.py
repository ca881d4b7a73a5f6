"""The gateway's batch write on PostgreSQL: prepared statements in one pipeline.

The same rows as ``log_append_batch`` and ``CallRecord.objects.bulk_create`` (the chain's
hashes computed by ``message_log.record_hash_of`` over ``message_log.record_content``), written
with ``executemany`` (psycopg prepares each statement once per connection and pipelines the
rows) instead of building model instances and SQL through the ORM, which cost more CPU per
call than everything else the lean gateway does. Runs inside the caller's transaction.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any, cast

from django.db import connection
from django.utils import timezone

from ecity.exchange.message_log import LogEntry, record_content, record_hash_of
from ecity.exchange.models import CallRecord, MessageLogRecord

# The tables of MessageLogRecord, LogPartition and CallRecord (checked by a test).
TABLES = ("exchange_messagelogrecord", "exchange_logpartition", "exchange_callrecord")

INSERT_RECORD = """
    INSERT INTO exchange_messagelogrecord (partition, seq, prev_hash, record_hash, kind,
        message_id, sender, target, envelope, payload, payload_hash, detail, logged_at)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s, %s::jsonb, %s)
"""
INSERT_CALL = """
    INSERT INTO exchange_callrecord (client, service_id, service_identifier, endpoint,
        message_id, client_request_at, provider_request_at, provider_response_at,
        client_response_at, request_size, response_size, status_code, fault_code, duration_ms)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
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
MOVE_HEAD = "UPDATE exchange_logpartition SET last_seq = %s, last_hash = %s WHERE name = %s"


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def calls_record_sql(
    by_partition: dict[str, tuple[list[LogEntry], bool]], calls: list[CallRecord]
) -> None:
    """Append each partition's entries to its chain and insert ``calls`` (unsaved rows)."""
    names = sorted(name for name, (entries, _keep) in by_partition.items() if entries)
    with connection.cursor() as cursor:
        if names:
            cursor.execute(
                LOCK_HEADS,
                [names],
            )
            heads = {name: (seq, last_hash) for name, seq, last_hash in cursor.fetchall()}
            missing = [name for name in names if name not in heads]
            if missing:
                cursor.executemany(
                    CREATE_HEAD,
                    [[name] for name in missing],
                )
                cursor.execute(
                    LOCK_HEADS,
                    [missing],
                )
                heads.update({name: (seq, h) for name, seq, h in cursor.fetchall()})
            rows: list[list[Any]] = []
            moved: list[list[Any]] = []
            now = timezone.now()
            for name in names:
                entries, keep_payload = by_partition[name]
                seq, prev_hash = heads[name]
                for entry in entries:
                    seq += 1
                    envelope = entry.envelope
                    record = SimpleNamespace(
                        partition=name,
                        seq=seq,
                        kind=str(entry.kind),  # psycopg writes an enum's name
                        message_id=envelope.message_id,
                        sender=envelope.sender,
                        target=entry.target
                        or envelope.receiver
                        or envelope.topic
                        or envelope.service,
                        envelope=envelope.to_dict(),
                        payload_hash=envelope.payload_hash,
                        detail=entry.detail or {},
                        logged_at=now,
                    )
                    record_hash = record_hash_of(
                        prev_hash, record_content(cast(MessageLogRecord, record))
                    )
                    rows.append(
                        [
                            name,
                            seq,
                            prev_hash,
                            record_hash,
                            record.kind,
                            record.message_id,
                            record.sender,
                            record.target,
                            _json(record.envelope),
                            _json(entry.payload if keep_payload else None),
                            record.payload_hash,
                            _json(record.detail),
                            now,
                        ]
                    )
                    prev_hash = record_hash
                moved.append([seq, prev_hash, name])
            cursor.executemany(INSERT_RECORD, rows)
            cursor.executemany(MOVE_HEAD, moved)
        cursor.executemany(
            INSERT_CALL,
            [
                [
                    c.client,
                    c.service_id,
                    c.service_identifier,
                    c.endpoint,
                    c.message_id,
                    c.client_request_at,
                    c.provider_request_at,
                    c.provider_response_at,
                    c.client_response_at,
                    c.request_size,
                    c.response_size,
                    c.status_code,
                    str(c.fault_code),
                    c.duration_ms,
                ]
                for c in calls
            ],
        )
