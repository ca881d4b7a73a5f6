"""ecity's own domain events become exchange topics, published by the platform subsystem.

The platform subsystem is ``{ECITY_EXCHANGE_INSTANCE}/GOV/PLATFORM/ecity`` (created on first
use); its topics and their JSON Schemas (shipped in ``ecity/exchange/schemas/<topic>.json``,
one event type per topic named like the topic) are created on first publication. Handlers of
the outbox events (``ecity.exchange.handlers``) call ``bridge_publish``; the message ID is the
outbox event's public ID, so a handler run twice publishes once.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction

from ecity.exchange.canonical import Envelope
from ecity.exchange.identifiers import local_instance
from ecity.exchange.models import Member, MemberClass, Subsystem, Topic
from ecity.exchange.selectors.pubsub import topic_schema_current
from ecity.exchange.services.publish import message_publish
from ecity.exchange.services.topics import topic_save, topic_schema_add

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
PLATFORM_MEMBER = "PLATFORM"
PLATFORM_SUBSYSTEM = "ecity"

#: Domain event → (topic, Chinese description, English description).
BRIDGED_EVENTS: dict[str, tuple[str, str, str]] = {
    "registry.person_changed": (
        "registry.person.changed",
        "人口库自然人信息变更（仅含标识和变更的属性名）",
        "A person record changed (identifiers and changed attribute names only)",
    ),
    "registry.legal_entity_changed": (
        "registry.legal_entity.changed",
        "法人库法人信息变更（仅含标识和变更的属性名）",
        "A legal-entity record changed (identifiers and changed attribute names only)",
    ),
    "case.decided": (
        "cases.case.decided",
        "办件办结（结果、事项、部门，不含申请人个人信息）",
        "A case was decided (outcome, service item, department; no applicant data)",
    ),
}


@cache
def topic_schema_document(topic: str) -> dict[str, Any]:
    """The shipped JSON Schema of a bridged topic."""
    return json.loads((SCHEMAS / f"{topic}.json").read_text(encoding="utf-8"))


def platform_subsystem() -> Subsystem:
    """Return (creating on first use) the platform's own subsystem ``…/GOV/PLATFORM/ecity``."""
    instance = local_instance()
    identifier = f"{instance}/{MemberClass.GOV}/{PLATFORM_MEMBER}/{PLATFORM_SUBSYSTEM}"
    found = Subsystem.objects.select_related("member").filter(identifier=identifier).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            member, _ = Member.objects.get_or_create(
                instance=instance,
                member_class=MemberClass.GOV,
                code=PLATFORM_MEMBER,
                defaults={"name": "电子政务统一平台"},
            )
            return Subsystem.objects.create(
                member=member,
                code=PLATFORM_SUBSYSTEM,
                name="ecity 平台领域事件",
                identifier=identifier,
            )
    except IntegrityError:  # created concurrently
        return Subsystem.objects.select_related("member").get(identifier=identifier)


def bridged_topic(event_name: str) -> Topic:
    """Return (creating on first use) the topic and schema of a bridged domain event."""
    name, description_zh, description_en = BRIDGED_EVENTS[event_name]
    topic = Topic.objects.select_related("owner__member").filter(name=name).first()
    if topic is None:
        topic = topic_save(
            actor=None,
            owner=platform_subsystem(),
            name=name,
            description_zh=description_zh,
            description_en=description_en,
        )
    document = topic_schema_document(name)
    current = topic_schema_current(topic=topic, event_type=name)
    if current is None or current.schema != document:
        topic_schema_add(actor=None, topic=topic, event_type=name, schema=document)
    return topic


def bridge_publish(
    *, event_name: str, message_id: str, key: str, payload: dict[str, Any]
) -> Envelope:
    """Publish a domain event's payload on its topic from the platform subsystem."""
    topic = bridged_topic(event_name)
    return message_publish(
        publisher=topic.owner,
        topic=topic,
        event_type=topic.name,
        payload=payload,
        key=key,
        message_id=message_id,
    )
