"""Record gateway calls: the signed request and response in the message log, and the call record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ecity.exchange.canonical import Envelope
from ecity.exchange.message_log import LogEntry, log_append_batch
from ecity.exchange.models import CallRecord, MessageLogRecord, Service, Subsystem


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


@transaction.atomic(savepoint=False)
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
) -> CallRecord:
    """Write one call: its request and response records in the client's log chain and its
    monitoring record, in one transaction (both or neither).

    The payloads are kept only at the client's ``full`` log level (their hashes always).
    Called by the gateway for every call it answered for an identified client.
    """
    entries = [
        LogEntry(
            kind=kind,
            envelope=message.envelope,
            payload=message.payload,
            target=service_identifier,
            detail={"status": status_code} if kind == MessageLogRecord.Kind.RESPONSE else {},
        )
        for kind, message in (
            (MessageLogRecord.Kind.REQUEST, request),
            (MessageLogRecord.Kind.RESPONSE, response),
        )
        if message is not None
    ]
    if entries:
        log_append_batch(
            partition=client.identifier,
            entries=entries,
            keep_payload=client.log_level == Subsystem.LogLevel.FULL,
        )
    assert times.client_response_at is not None
    duration = times.client_response_at - times.client_request_at
    return CallRecord.objects.create(
        client=client.identifier,
        service=service,
        service_identifier=service_identifier,
        endpoint=endpoint[:320],
        message_id=message_id,
        client_request_at=times.client_request_at,
        provider_request_at=times.provider_request_at,
        provider_response_at=times.provider_response_at,
        client_response_at=times.client_response_at,
        request_size=request_size,
        response_size=response_size,
        status_code=status_code,
        fault_code=fault_code,
        duration_ms=max(0, int(duration.total_seconds() * 1000)),
    )
