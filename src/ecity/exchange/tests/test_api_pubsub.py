"""The pub/sub API for department systems: publish, pull, ack, dead letters, keys, the SDK."""

from __future__ import annotations

import base64

import pytest
from django.test import Client
from django.utils import translation

from ecity.exchange.models import Delivery, Publication, Subscription
from ecity.exchange.receiver import PushRefused, PushVerifier
from ecity.exchange.services.subscriptions import subscription_approve
from ecity.exchange.tests.conftest import payload
from ecity.identity.tests.factories import StaffRoleFactory
from ecity.sso.services import system_client_register

pytestmark = pytest.mark.django_db
BASE = "/api/v1/exchange"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _system(subsystem, department):
    platform_admin = StaffRoleFactory(role="platform_admin", department=None).user
    application, secret = system_client_register(
        actor=platform_admin, name=subsystem.name, department=department
    )
    subsystem.application = application
    subsystem.save()
    basic = base64.b64encode(f"{application.client_id}:{secret}".encode()).decode()
    response = Client().post(
        "/o/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert response.status_code == 200, response.content
    headers = {"HTTP_AUTHORIZATION": f"Bearer {response.json()['access_token']}"}

    class Caller:
        def post(self, path, data):
            return Client().post(BASE + path, data, content_type="application/json", **headers)

        def put(self, path, data):
            return Client().put(BASE + path, data, content_type="application/json", **headers)

        def get(self, path, params=None):
            return Client().get(BASE + path, params or {}, **headers)

    return Caller()


@pytest.fixture
def systems(parties):
    return (
        _system(parties["publisher"], parties["police"]),
        _system(parties["subscriber"], parties["labour"]),
    )


def test_publish_answers_202_with_the_message_id_after_commit(parties, systems):
    police, _labour = systems

    response = police.post(
        "/topics/gaj.person.changed/messages",
        {"event_type": "person.changed", "payload": payload(), "key": "P-1"},
    )

    assert response.status_code == 202, response.content
    publication = Publication.objects.get()
    assert response.json() == {"message_id": publication.message_id}


def test_a_batch_is_published_all_or_nothing_with_the_bad_message_named(parties, systems):
    police, _labour = systems
    good = {"topic": "gaj.person.changed", "event_type": "person.changed", "payload": payload()}
    bad = {**good, "payload": {**payload(), "version": "two"}}

    refused = police.post("/messages/batch", {"messages": [good, bad]})
    missing = police.post("/messages/batch", {"messages": [good, {"topic": "gaj.person.changed"}]})
    assert not Publication.objects.exists()
    accepted = police.post("/messages/batch", {"messages": [good, {**good, "key": "P-2"}]})

    assert refused.status_code == 400
    assert list(refused.json()["fields"]) == ["messages[1].$.version"]
    assert missing.status_code == 400
    assert set(missing.json()["fields"]) == {"messages[1].event_type", "messages[1].payload"}
    assert accepted.status_code == 202, accepted.content
    ids = accepted.json()["message_ids"]
    assert len(ids) == 2
    assert set(Publication.objects.values_list("message_id", flat=True)) == set(ids)


def test_publish_errors_unknown_topic_schema_path_and_not_the_owner(parties, systems):
    police, labour = systems
    bad = {"event_type": "person.changed", "payload": {**payload(), "version": "two"}}

    unknown = police.post("/topics/gaj.nothing.here/messages", bad)
    violation = police.post("/topics/gaj.person.changed/messages", bad)
    stranger = labour.post(
        "/topics/gaj.person.changed/messages",
        {"event_type": "person.changed", "payload": payload()},
    )

    assert (unknown.status_code, unknown.json()["code"]) == (404, "exchange_unknown_topic")
    assert violation.status_code == 400
    assert violation.json()["code"] == "exchange_schema_violation"
    assert violation.json()["fields"] == {"$.version": ["'two' is not of type 'integer'"]}
    assert (stranger.status_code, stranger.json()["code"]) == (403, "exchange_not_topic_publisher")
    assert not Publication.objects.exists()


def test_a_system_subscribes_pulls_acks_and_cannot_read_anothers_subscription(parties, systems):
    police, labour = systems
    asked = labour.post("/subscriptions", {"topic": "gaj.person.changed", "mode": "pull"})
    assert asked.status_code == 201, asked.content
    subscription = Subscription.objects.get(public_id=asked.json()["id"])
    subscription_approve(actor=parties["police_admin"], subscription=subscription)
    police.post(
        "/topics/gaj.person.changed/messages",
        {"event_type": "person.changed", "payload": payload(), "key": "P-1"},
    )

    pulled = labour.get(f"/subscriptions/{subscription.public_id}/messages", {"limit": 5})
    [message] = pulled.json()["messages"]
    acked = labour.post(
        f"/subscriptions/{subscription.public_id}/acks", {"message_ids": [message["message_id"]]}
    )
    foreign = police.get(f"/subscriptions/{subscription.public_id}/messages")

    assert pulled.status_code == 200
    assert message["payload"] == payload() and message["envelope"]["key"] == "P-1"
    assert acked.json() == {"acknowledged": [message["message_id"]], "unknown": []}
    assert Delivery.objects.get().status == "acked"
    assert foreign.status_code == 404


def test_a_call_without_token_or_subsystem_is_refused(parties, systems):
    anonymous = Client().post(
        f"{BASE}/topics/gaj.person.changed/messages", {}, content_type="application/json"
    )
    parties["publisher"].application = None
    parties["publisher"].save()
    police, _labour = systems
    unregistered = police.post(
        "/topics/gaj.person.changed/messages",
        {"event_type": "person.changed", "payload": payload()},
    )

    assert anonymous.status_code == 401
    assert (unregistered.status_code, unregistered.json()["code"]) == (
        403,
        "exchange_no_subsystem",
    )


def test_the_receiver_sdk_verifies_a_push_with_the_published_keys(parties, systems):
    police, _labour = systems
    police.post(
        "/topics/gaj.person.changed/messages",
        {"event_type": "person.changed", "payload": payload()},
    )
    publication = Publication.objects.get()
    body = {"envelope": publication.envelope, "payload": publication.payload}

    def fetch(base_url, *, timeout):  # the SDK's HTTP call, answered by this node's API
        response = Client().get(f"{BASE}/keys")
        assert response.status_code == 200
        return {
            (k["identifier"], k["kid"]): (k["alg"], k["public_key"])
            for k in response.json()["keys"]
        }

    verifier = PushVerifier("http://testserver", fetch=fetch)
    envelope, data = verifier.verify(body)

    assert envelope["message_id"] == publication.message_id and data == payload()
    with pytest.raises(PushRefused):
        verifier.verify({"envelope": publication.envelope, "payload": payload(5)})


def test_dead_letters_are_listed_to_both_sides_and_requeued_by_either(parties, systems):
    police, labour = systems
    asked = labour.post("/subscriptions", {"topic": "gaj.person.changed", "mode": "pull"})
    subscription = Subscription.objects.get(public_id=asked.json()["id"])
    subscription_approve(actor=parties["police_admin"], subscription=subscription)
    police.post(
        "/topics/gaj.person.changed/messages",
        {"event_type": "person.changed", "payload": payload()},
    )
    Delivery.objects.update(status="dead", attempts=10, last_error="HTTP 503")

    seen_by_owner = police.get("/dead-letters").json()["dead_letters"]
    seen_by_subscriber = labour.get("/dead-letters").json()["dead_letters"]
    requeued = police.post(
        "/dead-letters/requeue",
        {
            "subscription": str(subscription.public_id),
            "message_ids": [seen_by_owner[0]["message_id"]],
        },
    )

    assert seen_by_owner == seen_by_subscriber and len(seen_by_owner) == 1
    assert seen_by_owner[0]["last_error"] == "HTTP 503"
    assert requeued.json() == {"count": 1}
    assert Delivery.objects.get().status == "pending"


def test_a_system_creates_its_topic_adds_a_schema_and_others_see_it(parties, systems):
    police, labour = systems
    schema = {"type": "object", "required": ["uscc"], "properties": {"uscc": {"type": "string"}}}

    created = police.put("/topics/gaj.licence.revoked", {"description_zh": "许可吊销"})
    bad = police.post(
        "/topics/gaj.licence.revoked/schemas",
        {"event_type": "licence.revoked", "schema": {"type": "nothing"}},
    )
    added = police.post(
        "/topics/gaj.licence.revoked/schemas", {"event_type": "licence.revoked", "schema": schema}
    )
    foreign = labour.post(
        "/topics/gaj.licence.revoked/schemas", {"event_type": "licence.revoked", "schema": schema}
    )
    listed = labour.get("/topics").json()["topics"]

    assert created.status_code == 200, created.content
    assert created.json()["owner"] == parties["publisher"].identifier
    assert (bad.status_code, bad.json()["code"]) == (400, "exchange_bad_schema")
    assert added.status_code == 201 and added.json() == {
        "event_type": "licence.revoked",
        "version": 1,
    }
    assert foreign.status_code == 403
    assert {t["name"]: t["event_types"] for t in listed}["gaj.licence.revoked"] == [
        {"event_type": "licence.revoked", "version": 1}
    ]
