"""Publish a message on a topic: validate, seal, log and fan out in one transaction (the outbox).

``message_publish`` commits the signed envelope's ``published`` log record, the ``Publication``
(envelope and payload) and one ``Delivery`` per approved subscription that wants the event type
together, so a publication is acknowledged only once it is in the log, a rolled-back one
delivers nothing, and a committed one is delivered at least once (even if the process dies right
after the commit). After the commit the configured transport is told about the new deliveries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from ecity.core import vault
from ecity.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from ecity.exchange.canonical import Envelope, canonical_json
from ecity.exchange.envelope import envelope_seal
from ecity.exchange.errors import ExchangeErrorCode
from ecity.exchange.message_log import LogEntry, log_append, log_append_batch
from ecity.exchange.models import (
    Delivery,
    MessageLogRecord,
    Publication,
    Subscription,
    Subsystem,
    Topic,
    TopicSchema,
)
from ecity.exchange.selectors.pubsub import topic_get, topic_schema_current
from ecity.exchange.transport import transport_get

MESSAGE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,63}$")
KEY_LIMIT = 200
TEXT_LIMIT = 500
MAX_PAYLOAD_BYTES = 256 * 1024
MAX_REPORTED_ERRORS = 20


def payload_errors(schema: dict[str, Any], payload: Any) -> dict[str, list[str]]:
    """The schema violations of ``payload`` by JSON path (``$.attributes[0]``); {} when valid."""
    errors: dict[str, list[str]] = {}
    found = sorted(Draft202012Validator(schema).iter_errors(payload), key=lambda e: e.json_path)
    for error in found[:MAX_REPORTED_ERRORS]:
        errors.setdefault(error.json_path, []).append(error.message)
    return errors


def _existing(publisher: Subsystem, message_id: str | None) -> Envelope | None:
    if not message_id:
        return None
    publication = Publication.objects.filter(publisher=publisher, message_id=message_id).first()
    return Envelope.from_dict(publication.envelope) if publication is not None else None


def _check(
    *,
    publisher: Subsystem,
    topic: Topic,
    event_type: str,
    payload: Any,
    key: str,
    user_id: str,
    purpose: str,
    message_id: str | None,
    schemas: dict[tuple[int, str], TopicSchema | None] | None = None,
) -> int:
    """Validate a publication; return the schema version it matches.

    ``schemas`` caches the current schema per topic and event type (a batch looks each up once).
    """
    if topic.owner_id != publisher.pk:
        raise PermissionDenied(
            _("Only the topic's owner subsystem may publish on “%(topic)s”.")
            % {"topic": topic.name},
            code=ExchangeErrorCode.NOT_TOPIC_PUBLISHER,
        )
    if not publisher.is_active:
        raise PermissionDenied(_("The publishing subsystem is disabled."))
    errors: dict[str, list[str]] = {}
    if message_id is not None and not MESSAGE_ID.match(message_id):
        errors["message_id"] = [_("Use 8 to 64 letters, digits or ._:- characters.")]
    if len(key) > KEY_LIMIT:
        errors["key"] = [_("At most %(limit)s characters.") % {"limit": KEY_LIMIT}]
    for field, value in (("user_id", user_id), ("purpose", purpose)):
        if len(value) > TEXT_LIMIT:
            errors[field] = [_("At most %(limit)s characters.") % {"limit": TEXT_LIMIT}]
    if schemas is None:
        schema = topic_schema_current(topic=topic, event_type=event_type)
    else:
        if (topic.pk, event_type) not in schemas:
            schemas[topic.pk, event_type] = topic_schema_current(topic=topic, event_type=event_type)
        schema = schemas[topic.pk, event_type]
    if schema is None:
        errors["event_type"] = [
            _("The topic “%(topic)s” has no event type “%(type)s”.")
            % {"topic": topic.name, "type": event_type[:128]}
        ]
        raise ValidationFailed(code=ExchangeErrorCode.UNKNOWN_EVENT_TYPE, fields=errors)
    try:
        size = len(canonical_json(payload))
    except (TypeError, ValueError):
        errors["payload"] = [_("The payload is not plain JSON.")]
        size = 0
    if size > MAX_PAYLOAD_BYTES:
        errors["payload"] = [_("The payload is larger than 256 KiB.")]
    if errors:
        raise ValidationFailed(fields=errors)
    violations = payload_errors(schema.schema, payload)
    if violations:
        raise ValidationFailed(
            _("The payload does not match the schema of “%(type)s” version %(version)s.")
            % {"type": event_type, "version": schema.version},
            code=ExchangeErrorCode.SCHEMA_VIOLATION,
            fields=violations,
        )
    return schema.version


def message_publish(
    *,
    publisher: Subsystem,
    topic: Topic | str,
    event_type: str,
    payload: Any,
    key: str = "",
    user_id: str = "",
    purpose: str = "",
    message_id: str | None = None,
) -> Envelope:
    """Publish ``payload`` as ``event_type`` on ``topic`` from ``publisher``; return the envelope.

    Rules: only the topic's owner subsystem publishes (``exchange_not_topic_publisher``, 403);
    the topic exists (``exchange_unknown_topic``, 404) and has a schema for ``event_type``
    (``exchange_unknown_event_type``); the payload matches its newest version
    (``exchange_schema_violation``, fields named by JSON path). Idempotent on (publisher,
    ``message_id``): a repeat returns the original envelope and writes nothing.
    ``user_id`` and ``purpose`` are set whenever personal data travels. Side effects, in one
    transaction: the ``published`` log record (partition = the publisher), the publication,
    one delivery per approved subscription that wants ``event_type`` and has started; after
    commit the transport is notified. Errors: ``NotFound``, ``PermissionDenied``,
    ``ValidationFailed``.
    """
    original = _existing(publisher, message_id)
    if original is not None:
        return original
    if isinstance(topic, str):
        topic = topic_get(name=topic)
    key, user_id, purpose = key or "", user_id or "", purpose or ""
    version = _check(
        publisher=publisher,
        topic=topic,
        event_type=event_type,
        payload=payload,
        key=key,
        user_id=user_id,
        purpose=purpose,
        message_id=message_id,
    )
    try:
        with transaction.atomic():
            envelope = envelope_seal(
                sender=publisher.identifier,
                payload=payload,
                topic=topic.name,
                event_type=event_type,
                key=key,
                user_id=user_id,
                purpose=purpose,
                message_id=message_id or "",
            )
            record = log_append(
                kind=MessageLogRecord.Kind.PUBLISHED,
                envelope=envelope,
                payload=payload,
                keep_payload=publisher.log_level == Subsystem.LogLevel.FULL,
            )
            publication = Publication.objects.create(
                publisher=publisher,
                topic=topic,
                event_type=event_type,
                schema_version=version,
                message_id=envelope.message_id,
                key=key,
                envelope=envelope.to_dict(),
                payload=payload,
                log_record=record,
                published_at=record.logged_at,
            )
            delivery_ids = deliveries_fan_out(publication=publication)
    except IntegrityError:
        # The same message ID published concurrently: that one counts.
        original = _existing(publisher, message_id)
        if original is None:
            raise
        return original
    transport = transport_get()  # None: the database transport, whose job polls
    if delivery_ids and transport is not None:
        transaction.on_commit(lambda: transport.notify(delivery_ids))
    return envelope


def deliveries_fan_out(*, publication: Publication) -> list[int]:
    """Create one pending delivery per approved, started subscription wanting the event type."""
    return _fan_out([publication])


def _fan_out(publications: Sequence[Publication]) -> list[int]:
    """One query of the topics' approved subscriptions, one insert of all the deliveries."""
    if not publications:
        return []
    now = timezone.now()
    subscriptions = list(
        Subscription.objects.filter(
            topic_id__in={p.topic_id for p in publications},
            status=Subscription.Status.APPROVED,
        ).filter(
            Q(starts_at__isnull=True) | Q(starts_at__lte=max(p.published_at for p in publications))
        )
    )
    deliveries = [
        Delivery(
            subscription=subscription,
            publication=publication,
            key=publication.key,
            next_attempt_at=now,
        )
        for publication in publications
        for subscription in subscriptions
        if subscription.topic_id == publication.topic_id
        and (subscription.starts_at is None or subscription.starts_at <= publication.published_at)
        and subscription.wants(publication.event_type)
    ]
    created = Delivery.objects.bulk_create(deliveries)
    if created and created[0].pk is None:  # backends that return no keys
        return list(
            Delivery.objects.filter(publication__in=publications).values_list("pk", flat=True)
        )
    return [d.pk for d in created]


# -- batch publish -----------------------------------------------------------------------------

BATCH_LIMIT = 500


@dataclass(frozen=True)
class PublishItem:
    """One message of ``message_publish_batch`` (same fields as ``message_publish``)."""

    topic: str
    event_type: str
    payload: Any
    key: str = ""
    user_id: str = ""
    purpose: str = ""
    message_id: str | None = None


def message_publish_batch(*, publisher: Subsystem, items: Sequence[PublishItem]) -> list[Envelope]:
    """Publish up to 500 messages from ``publisher`` all or nothing; return their envelopes.

    Each item follows the rules of ``message_publish`` (owner of the topic, known event type,
    payload valid against its schema); a single bad item refuses the whole batch with
    ``ValidationFailed`` whose fields are prefixed by the item's index (``messages[3].payload``)
    and nothing is written. Idempotent per item on (publisher, ``message_id``): an item
    published before returns its original envelope and is not written again; the same
    ``message_id`` twice in one batch is refused. Side effects, in one transaction: one lock of
    the publisher's log partition and one insert of all ``published`` records, one insert of the
    publications, one insert of the deliveries; after commit the transport is notified.
    Errors: ``ValidationFailed`` (also for an empty or too large batch), ``PermissionDenied``.
    """
    if not items:
        raise ValidationFailed(fields={"messages": [_("Send at least one message.")]})
    if len(items) > BATCH_LIMIT:
        raise ValidationFailed(
            fields={"messages": [_("At most %(limit)s messages at once.") % {"limit": BATCH_LIMIT}]}
        )
    wanted_ids = [item.message_id for item in items if item.message_id]
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.message_id and item.message_id in seen:
            errors[f"messages[{index}].message_id"] = [
                _("The same message ID appears twice in this batch.")
            ]
        if item.message_id:
            seen.add(item.message_id)
    existing = {
        p.message_id: Envelope.from_dict(p.envelope)
        for p in Publication.objects.filter(publisher=publisher, message_id__in=wanted_ids)
    }
    topics: dict[str, Topic] = {}
    versions: dict[int, int] = {}
    schemas: dict[tuple[int, str], TopicSchema | None] = {}
    codes: list[str] = []
    for index, item in enumerate(items):
        if item.message_id and item.message_id in existing:
            continue
        try:
            if item.topic not in topics:
                topics[item.topic] = topic_get(name=item.topic)
            versions[index] = _check(
                publisher=publisher,
                topic=topics[item.topic],
                event_type=item.event_type,
                payload=item.payload,
                key=item.key or "",
                user_id=item.user_id or "",
                purpose=item.purpose or "",
                message_id=item.message_id,
                schemas=schemas,
            )
        except ValidationFailed as failed:
            codes.append(failed.code)
            for field, messages in (failed.fields or {}).items():
                errors[f"messages[{index}].{field}"] = list(messages)
            if not failed.fields:
                errors[f"messages[{index}]"] = [str(failed.message)]
        except ApplicationError as refused:
            # Not a field error (unknown topic, not the owner): the whole batch is refused with
            # the first one's code, naming the item.
            refused.fields = {f"messages[{index}].topic": [str(refused.message)]}
            raise
    if errors:
        # One kind of mistake keeps its code (e.g. exchange_schema_violation).
        raise ValidationFailed(code=codes[0] if len(set(codes)) == 1 else None, fields=errors)
    fresh = [index for index in range(len(items)) if index in versions]
    try:
        with transaction.atomic():
            envelopes: dict[int, Envelope] = {}
            signing_key = vault.key_current_for_signing(
                purpose=vault.Purpose.EXCHANGE, owner=publisher.identifier
            )
            for index in fresh:
                item = items[index]
                envelopes[index] = envelope_seal(
                    sender=publisher.identifier,
                    payload=item.payload,
                    topic=item.topic,
                    event_type=item.event_type,
                    key=item.key or "",
                    user_id=item.user_id or "",
                    purpose=item.purpose or "",
                    message_id=item.message_id or "",
                    signing_key=signing_key,
                )
            records = (
                log_append_batch(
                    partition=publisher.identifier,
                    entries=[
                        LogEntry(
                            kind=MessageLogRecord.Kind.PUBLISHED,
                            envelope=envelopes[index],
                            payload=items[index].payload,
                        )
                        for index in fresh
                    ],
                    keep_payload=publisher.log_level == Subsystem.LogLevel.FULL,
                )
                if fresh
                else []
            )
            publications = Publication.objects.bulk_create(
                [
                    Publication(
                        publisher=publisher,
                        topic=topics[items[index].topic],
                        event_type=items[index].event_type,
                        schema_version=versions[index],
                        message_id=envelopes[index].message_id,
                        key=items[index].key or "",
                        envelope=envelopes[index].to_dict(),
                        payload=items[index].payload,
                        log_record=record,
                        published_at=record.logged_at,
                    )
                    for index, record in zip(fresh, records, strict=True)
                ]
            )
            delivery_ids = _fan_out(publications)
    except IntegrityError:
        # A message ID of the batch was published concurrently: refuse the whole batch (nothing
        # of it was written); repeating it returns the concurrently published envelope.
        raise ValidationFailed(
            _("A message of this batch was published concurrently; send the batch again."),
            fields={"messages": [_("Send the batch again.")]},
        ) from None
    transport = transport_get()
    if delivery_ids and transport is not None:
        transaction.on_commit(lambda: transport.notify(delivery_ids))
    return [
        envelopes[index] if index in envelopes else existing[items[index].message_id or ""]
        for index in range(len(items))
    ]
