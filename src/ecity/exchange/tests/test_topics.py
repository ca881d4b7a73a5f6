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


@pytest.mark.django_db(transaction=True)
def test_adding_a_schema_does_not_hold_up_publications_on_the_topic(parties):
    # A transaction adding a schema version locks the topic row; a transaction publishing on
    # the topic (its rows' foreign keys take a KEY SHARE lock on it) must not wait for it.
    # Before, the schema lock was FOR UPDATE: two certificate issuances that each bridged two
    # events deadlocked on PostgreSQL (one held the lock and waited for the other's publication).
    import threading

    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL")
    locked, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def add_schema() -> None:
        try:
            with transaction.atomic():
                topic_schema_add(
                    actor=None,
                    topic=parties["topic"],
                    event_type="person.moved",
                    schema=PERSON_SCHEMA,
                )
                locked.set()
                release.wait(10)
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
            locked.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=add_schema)
    thread.start()
    try:
        assert locked.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            message_publish(
                publisher=parties["publisher"],
                topic=parties["topic"],
                event_type="person.changed",
                payload=payload(1),
            )
    finally:
        release.set()
        thread.join(10)
    assert failures == []
    assert Publication.objects.filter(topic=parties["topic"]).count() == 1
