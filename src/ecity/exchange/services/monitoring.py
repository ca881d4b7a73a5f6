"""Record gateway calls: the signed request and response in the message log, and the call record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from ecity.exchange.canonical import Envelope
from ecity.exchange.message_log import LogEntry, log_append_batch
from ecity.exchange.models import CallRecord, MessageLogRecord, Service, Subsystem
from ecity.exchange.services.monitoring_sql import calls_record_sql


@dataclass
class CallTimes:
    """X-Road's four timestamps of one call (the provider's two stay empty on a fault)."""

    client_request_at: dt.datetime
    provider_request_at: dt.datetime | None = None
    provider_response_at: dt.datetime | None = None
    client_response_at: dt.datetime | None = None


@dataclass(frozen=True)
class LoggedMessage:
    """A sealed envelope and its payload, to be written to the message log."""

    envelope: Envelope
    payload: dict[str, Any]


@dataclass
class GatewayCall:
    """One answered call to record: who called what, when, how it ended, what was exchanged."""

    client: Subsystem
    service_identifier: str
    service: Service | None
    endpoint: str
    message_id: str
    times: CallTimes
    request_size: int
    response_size: int
    status_code: int
    fault_code: str = ""
    request: LoggedMessage | None = None
    response: LoggedMessage | None = None


def gateway_call_record(
    *,
    client: Subsystem,
    service_identifier: str,
    service: Service | None,
    endpoint: str,
    message_id: str,
    times: CallTimes,
    request_size: int,
    response_size: int,
    status_code: int,
    fault_code: str = "",
    request: LoggedMessage | None = None,
    response: LoggedMessage | None = None,
) -> CallRecord | None:
    """Write one call: its request and response records in the client's log chain and its
    monitoring record, in one transaction (both or neither).

    The payloads are kept only at the client's ``full`` log level (their hashes always).
    Called by the gateway view for every call it answered for an identified client. Returns
    the call record (None on PostgreSQL, where the rows are written without model instances).
    """
    call = GatewayCall(
        client=client,
        service_identifier=service_identifier,
        service=service,
        endpoint=endpoint,
        message_id=message_id,
        times=times,
        request_size=request_size,
        response_size=response_size,
        status_code=status_code,
        fault_code=fault_code,
        request=request,
        response=response,
    )
    records = gateway_calls_record(calls=[call])
    return records[0] if records else None


@transaction.atomic(savepoint=False)
def gateway_calls_record(*, calls: Sequence[GatewayCall]) -> list[CallRecord]:
    """Write several answered calls in one transaction (group commit): all or none.

    Each client's records are appended in the order of ``calls`` to its own chain, the chains
    locked in the order of their names (two writers never wait for each other in a cycle);
    then one insert of all monitoring records. The lean gateway answers each call only after
    this transaction committed. Payloads are kept only at the client's ``full`` log level.
    On PostgreSQL the rows are written with prepared statements in a pipeline
    (``monitoring_sql``; same rows, same hashes) instead of the ORM's model instances; the
    call records are then not returned.
    """
    if connection.vendor == "postgresql":
        calls_record_sql(*gateway_calls_rows(calls))
        return []
    for partition, (entries, keep_payload) in sorted(_entries_by_partition(calls).items()):
        if entries:
            log_append_batch(partition=partition, entries=entries, keep_payload=keep_payload)
    return CallRecord.objects.bulk_create([_call_record(call) for call in calls])


def gateway_calls_rows(
    calls: Sequence[GatewayCall],
) -> tuple[dict[str, tuple[list[LogEntry], bool]], list[dict[str, Any]]]:
    """What ``calls`` write on PostgreSQL (``monitoring_sql``): per client chain its log entries
    and whether payloads are kept, and the call records' columns."""
    return _entries_by_partition(calls), [_call_fields(call) for call in calls]


def _entries_by_partition(calls: Sequence[GatewayCall]) -> dict[str, tuple[list[LogEntry], bool]]:
    """Per client chain: the log entries of its calls in order, and whether payloads are kept."""
    by_partition: dict[str, list[LogEntry]] = {}
    keep_payload: dict[str, bool] = {}
    for call in calls:
        partition = call.client.identifier
        keep_payload[partition] = call.client.log_level == Subsystem.LogLevel.FULL
        by_partition.setdefault(partition, []).extend(
            LogEntry(
                kind=kind,
                envelope=message.envelope,
                payload=message.payload,
                target=call.service_identifier,
                detail={"status": call.status_code}
                if kind == MessageLogRecord.Kind.RESPONSE
                else {},
            )
            for kind, message in (
                (MessageLogRecord.Kind.REQUEST, call.request),
                (MessageLogRecord.Kind.RESPONSE, call.response),
            )
            if message is not None
        )
    return {name: (entries, keep_payload[name]) for name, entries in by_partition.items()}


def _call_fields(call: GatewayCall) -> dict[str, Any]:
    """The call record's columns (``service_id``, not the service instance)."""
    times = call.times
    assert times.client_response_at is not None
    duration = times.client_response_at - times.client_request_at
    return {
        "client": call.client.identifier,
        "service_id": call.service.pk if call.service is not None else None,
        "service_identifier": call.service_identifier,
        "endpoint": call.endpoint[:320],
        "message_id": call.message_id,
        "client_request_at": times.client_request_at,
        "provider_request_at": times.provider_request_at,
        "provider_response_at": times.provider_response_at,
        "client_response_at": times.client_response_at,
        "request_size": call.request_size,
        "response_size": call.response_size,
        "status_code": call.status_code,
        "fault_code": str(call.fault_code),
        "duration_ms": max(0, int(duration.total_seconds() * 1000)),
    }


def _call_record(call: GatewayCall) -> CallRecord:
    return CallRecord(**_call_fields(call))
