"""Topics and their JSON Schemas: a bad schema is refused, a bad payload names its JSON path."""

from __future__ import annotations

import pytest

from ecity.core.errors import NotFound, PermissionDenied, ValidationFailed
from ecity.exchange.errors import ExchangeErrorCode
from ecity.exchange.models import MessageLogRecord, Publication, TopicSchema
from ecity.exchange.services.publish import message_publish
from ecity.exchange.services.topics import topic_schema_add
from ecity.exchange.tests.conftest import PERSON_SCHEMA, payload

pytestmark = pytest.mark.django_db


def test_a_schema_that_is_not_valid_json_schema_is_refused_and_names_the_path(parties):
    bad = {**PERSON_SCHEMA, "properties": {"version": {"type": "integr"}}}

    with pytest.raises(ValidationFailed) as refused:
        topic_schema_add(
            actor=parties["police_admin"],
            topic=parties["topic"],
            event_type="person.changed",
            schema=bad,
        )

    assert refused.value.code == ExchangeErrorCode.BAD_SCHEMA
    assert "$.properties.version.type" in refused.value.fields["schema"][0]
    assert TopicSchema.objects.filter(topic=parties["topic"]).count() == 1


def test_a_changed_schema_is_a_new_version_and_publications_follow_the_newest(parties):
    stricter = {**PERSON_SCHEMA, "properties": {**PERSON_SCHEMA["properties"]}}
    stricter["properties"]["version"] = {"type": "integer", "minimum": 2}

    second = topic_schema_add(
        actor=parties["police_admin"],
        topic=parties["topic"],
        event_type="person.changed",
        schema=stricter,
    )

    assert second.version == 2
    with pytest.raises(ValidationFailed) as refused:
        message_publish(
            publisher=parties["publisher"],
            topic=parties["topic"],
            event_type="person.changed",
            payload=payload(1),
        )
    assert list(refused.value.fields) == ["$.version"]


def test_only_the_owners_department_adds_a_schema(parties):
    with pytest.raises(PermissionDenied):
        topic_schema_add(
            actor=parties["labour_admin"],
            topic=parties["topic"],
            event_type="person.moved",
            schema=PERSON_SCHEMA,
        )


def test_a_payload_against_the_schema_names_every_json_path_and_nothing_is_logged(parties):
    wrong = {"person": "P-1", "version": "three", "attributes": ["Address"], "name": "张三"}

    with pytest.raises(ValidationFailed) as refused:
        message_publish(
            publisher=parties["publisher"],
            topic=parties["topic"],
            event_type="person.changed",
            payload=wrong,
        )

    assert refused.value.code == ExchangeErrorCode.SCHEMA_VIOLATION
    assert set(refused.value.fields) == {"$", "$.version", "$.attributes[0]"}
    assert "'three' is not of type 'integer'" in refused.value.fields["$.version"]
    assert not Publication.objects.exists()
    assert not MessageLogRecord.objects.filter(kind="published").exists()


def test_an_unknown_topic_and_an_unknown_event_type_are_refused(parties):
    with pytest.raises(NotFound) as unknown_topic:
        message_publish(
            publisher=parties["publisher"],
            topic="gaj.nothing.here",
            event_type="person.changed",
            payload=payload(),
        )
    with pytest.raises(ValidationFailed) as unknown_type:
        message_publish(
            publisher=parties["publisher"],
            topic=parties["topic"],
            event_type="person.died",
            payload=payload(),
        )

    assert unknown_topic.value.code == ExchangeErrorCode.UNKNOWN_TOPIC
    assert unknown_type.value.code == ExchangeErrorCode.UNKNOWN_EVENT_TYPE
    assert list(unknown_type.value.fields) == ["event_type"]


def test_only_the_topic_owner_publishes(parties):
    with pytest.raises(PermissionDenied) as refused:
        message_publish(
            publisher=parties["subscriber"],
            topic=parties["topic"],
            event_type="person.changed",
            payload=payload(),
        )

    assert refused.value.code == ExchangeErrorCode.NOT_TOPIC_PUBLISHER
