"""Writes of topics and their event-type schemas (JSON Schema draft 2020-12).

A schema is checked against the draft 2020-12 meta-schema before it is stored; a stored version
never changes (a change is a new version), and a publication is validated against the newest
version of its event type.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from ecity.audit.services import audit_record
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.exchange.errors import ExchangeErrorCode
from ecity.exchange.models import Subsystem, Topic, TopicSchema
from ecity.exchange.models.pubsub import TOPIC_NAME
from ecity.exchange.selectors.pubsub import can_administer_subsystem
from ecity.identity.models import User

DESCRIPTION_LIMIT = 2000


def _require_owner_admin(actor: User | Subsystem | None, owner: Subsystem) -> None:
    # actor None: the platform itself (the domain-event bridge, a management command); a
    # subsystem: the owner system itself through the API.
    if actor is None:
        return
    if isinstance(actor, Subsystem):
        allowed = actor.pk == owner.pk
    else:
        allowed = can_administer_subsystem(actor=actor, subsystem=owner)
    if not allowed:
        raise PermissionDenied(_("Only the administrator of the owner's department may do this."))


def _audit(actor: User | Subsystem | None, action: str, topic: Topic, data: dict) -> None:
    audit_record(
        actor=actor if isinstance(actor, User) else None,
        action=action,
        obj=topic,
        data=data,
        system=actor.identifier if isinstance(actor, Subsystem) else "",
        system_department=actor.member.identifier if isinstance(actor, Subsystem) else "",
    )


def _name_errors(value: str, field: str, errors: dict[str, list[str]]) -> None:
    try:
        TOPIC_NAME(value)
    except DjangoValidationError as error:
        errors[field] = [str(m) for m in error.messages]


def schema_check(schema: Any) -> None:
    """Raise ``ValidationFailed`` (``exchange_bad_schema``) unless ``schema`` is a valid schema."""
    if not isinstance(schema, dict):
        raise ValidationFailed(
            code=ExchangeErrorCode.BAD_SCHEMA,
            fields={"schema": [_("A JSON Schema is a JSON object.")]},
        )
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        path = error.json_path if hasattr(error, "json_path") else "$"
        raise ValidationFailed(
            code=ExchangeErrorCode.BAD_SCHEMA,
            fields={"schema": [f"{path}: {error.message}"]},
        ) from None


@transaction.atomic
def topic_save(
    *,
    actor: User | Subsystem | None,
    owner: Subsystem,
    name: str,
    description_zh: str = "",
    description_en: str = "",
    is_public: bool = True,
) -> Topic:
    """Create the topic ``name`` of ``owner``, or change its descriptions and visibility.

    Rules: the administrator of the owner's department or the owner system itself
    (``actor=None``: the platform itself);
    a topic keeps its owner (another subsystem's topic of that name is a field error).
    Side effects: audit ``exchange.topic_saved``. Errors: ``PermissionDenied``,
    ``ValidationFailed``.
    """
    _require_owner_admin(actor, owner)
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    _name_errors(name, "name", errors)
    topic = Topic.objects.select_for_update(no_key=True).filter(name=name).first()
    if topic is not None and topic.owner_id != owner.pk:
        errors["name"] = [_("This topic belongs to another subsystem.")]
    for field, value in (("description_zh", description_zh), ("description_en", description_en)):
        if len(value or "") > DESCRIPTION_LIMIT:
            errors[field] = [_("At most %(limit)s characters.") % {"limit": DESCRIPTION_LIMIT}]
    if errors:
        raise ValidationFailed(fields=errors)
    if topic is None:
        topic = Topic(name=name, owner=owner)
    topic.description_zh = (description_zh or "").strip()
    topic.description_en = (description_en or "").strip()
    topic.is_public = is_public
    topic.save()
    _audit(
        actor,
        "exchange.topic_saved",
        topic,
        {"topic": topic.name, "owner": owner.identifier, "is_public": is_public},
    )
    return topic


@transaction.atomic
def topic_schema_add(
    *, actor: User | Subsystem | None, topic: Topic, event_type: str, schema: Any
) -> TopicSchema:
    """Add the next version of ``event_type``'s JSON Schema to ``topic``; return it.

    Rules: the administrator of the topic owner's department or the owner system itself
    (``actor=None``: the platform);
    the event type is a dotted name; the schema is valid against the draft 2020-12 meta-schema.
    An identical schema to the newest version adds nothing (that version is returned).
    Side effects: audit ``exchange.topic_schema_added``. Errors: ``PermissionDenied``,
    ``ValidationFailed`` (``exchange_bad_schema`` naming the schema's JSON path).
    """
    _require_owner_admin(actor, topic.owner)
    errors: dict[str, list[str]] = {}
    _name_errors(event_type, "event_type", errors)
    if errors:
        raise ValidationFailed(fields=errors)
    schema_check(schema)
    # One new version at a time. FOR NO KEY UPDATE: rows that merely reference the topic
    # (publications, schemas: their foreign keys take KEY SHARE) do not wait for it, so a
    # transaction adding a version never deadlocks with one publishing on the topic.
    Topic.objects.select_for_update(no_key=True).filter(pk=topic.pk).first()
    versions = TopicSchema.objects.filter(topic=topic, event_type=event_type)
    newest = versions.order_by("-version").first()
    if newest is not None and newest.schema == schema:
        return newest
    number = (versions.aggregate(top=Max("version"))["top"] or 0) + 1
    created = TopicSchema.objects.create(
        topic=topic, event_type=event_type, version=number, schema=schema
    )
    _audit(
        actor,
        "exchange.topic_schema_added",
        topic,
        {"topic": topic.name, "event_type": event_type, "version": number},
    )
    return created
