"""Handlers of ecity's domain events: they become exchange topics (``services.bridge``).

Payloads carry identifiers and the names of changed attributes, never personal values: a
subscriber reads values it may see through the registry's sharing API. The message ID is the
outbox event's public ID, so redelivering the event publishes nothing twice. The ordering key
is the record (or case): a subscriber receives the versions of one record in order.
"""

from __future__ import annotations

from ecity.core.events import PublishedEvent, register_handler
from ecity.exchange.services.bridge import bridge_publish


def _record_changed(event: PublishedEvent, field: str) -> None:
    bridge_publish(
        event_name=event.name,
        message_id=event.public_id,
        key=event.subject,
        payload={
            field: event.subject,
            "version": int(event.data["version"]),
            "attributes": sorted(set(event.data["attributes"])),
            "changed_at": event.published_at.isoformat(),
        },
    )


def person_changed(event: PublishedEvent) -> None:
    _record_changed(event, "person")


def legal_entity_changed(event: PublishedEvent) -> None:
    _record_changed(event, "legal_entity")


def case_decided(event: PublishedEvent) -> None:
    case = event.data["case"]
    payload = {
        "case": case["public_id"],
        "number": case["number"],
        "outcome": case["outcome"],
        "decided_at": case["decided_at"],
        "service_item": event.data["service"]["item_code"],
        "department": event.data["department"]["code"],
    }
    uscc = (event.data.get("applicant") or {}).get("legal_entity_uscc") or ""
    if uscc:  # an enterprise's code is not personal data
        payload["legal_entity_uscc"] = uscc
    bridge_publish(
        event_name=event.name, message_id=event.public_id, key=case["public_id"], payload=payload
    )


register_handler("registry.person_changed", person_changed, name="exchange.publish_person_changed")
register_handler(
    "registry.legal_entity_changed",
    legal_entity_changed,
    name="exchange.publish_legal_entity_changed",
)
register_handler("case.decided", case_decided, name="exchange.publish_case_decided")
