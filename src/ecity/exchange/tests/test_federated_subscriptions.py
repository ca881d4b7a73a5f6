"""A system of one city subscribes to a topic of another; pushes land once in its inbox.

As in test_gateway_federation.py, this database plays one city; the other is played by keys
whose private halves the test holds. The two-node run over HTTP is test_two_cities.py.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client

from ecity.core import vault
from ecity.exchange.canonical import canonical_json
from ecity.exchange.envelope import envelope_open, envelope_seal
from ecity.exchange.models import InboxEntry, Subscription, Subsystem
from ecity.exchange.services.delivery import messages_pull
from ecity.exchange.services.federated_subscriptions import (
    REQUEST_EVENT,
    remote_subscription_request,
)
from ecity.exchange.services.subscriptions import subscription_approve
from ecity.exchange.services.topics import topic_save, topic_schema_add
from ecity.exchange.tests.test_gateway_federation import _b64, _remote_city, _remote_subsystem

pytestmark = pytest.mark.django_db

TOPIC = "registry.household.changed"
SCHEMA = {"type": "object", "required": ["household"]}
REMOTE = "CN-A/GOV/MZJ/shjz"


def _sealed(envelope, owner: str) -> str:
    node = vault.key_current(purpose=vault.Purpose.EXCHANGE, owner=owner)
    signature = vault.key_sign(key=node, message=canonical_json(envelope.to_dict()))
    return f"{node.kid}.{_b64(signature)}"


# --- the topic's city (B) ---------------------------------------------------------------------


@pytest.fixture
def topic_city(exchange):
    _remote_city("CN-A", "http://127.0.0.1:8123")
    _remote_subsystem("CN-A", "MZJ", "shjz")
    topic = topic_save(actor=None, owner=exchange["population"], name=TOPIC)
    topic_schema_add(actor=None, topic=topic, event_type=TOPIC, schema=SCHEMA)
    return exchange


def _ask(push_url: str, *, seal_owner: str = "CN-A", envelope=None):
    payload = {"topic": TOPIC, "push_url": push_url, "event_types": [], "purpose": "救助核查"}
    envelope = envelope or envelope_seal(
        sender=REMOTE, payload=payload, receiver="CN-WH", topic=TOPIC, event_type=REQUEST_EVENT
    )
    response = Client().post(
        "/api/v1/exchange/federation/subscriptions",
        data=json.dumps({"envelope": envelope.to_dict(), "payload": payload}),
        content_type="application/json",
        HTTP_X_ROAD_NODE_SEAL=_sealed(envelope, seal_owner),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    return response, envelope


INBOX = (
    "http://127.0.0.1:8123/api/v1/exchange/federation/inbox/6f1c2b9e-8d1a-4c55-9a53-0d2f7f1f8a10"
)


def test_a_signed_request_of_a_federated_city_waits_for_the_topic_owner(topic_city):
    response, _envelope = _ask(INBOX)

    assert response.status_code == 201, response.content
    assert response.json()["status"] == "requested"
    assert response.json()["topic_owner"] == "CN-WH/GOV/GAJ/population"
    subscription = Subscription.objects.get(public_id=response.json()["id"])
    assert (subscription.subscriber.identifier, subscription.mode, subscription.push_url) == (
        REMOTE,
        "push",
        INBOX,
    )
    subscription_approve(actor=topic_city["police_admin"], subscription=subscription)
    subscription.refresh_from_db()
    assert subscription.status == "approved"


def test_pushes_to_an_address_outside_the_subscribers_city_are_refused(topic_city):
    response, _envelope = _ask("http://127.0.0.1:9999/api/v1/exchange/federation/inbox/x")

    assert response.status_code == 400
    assert "push_url" in response.json()["fields"]
    assert not Subscription.objects.exists()


def test_an_unsealed_or_replayed_request_is_refused(topic_city):
    unsealed, _envelope = _ask(INBOX, seal_owner="CN-FAKE")
    assert (unsealed.status_code, unsealed.json()["code"]) == (401, "exchange_node_seal_invalid")

    first, envelope = _ask(INBOX)
    again, _same = _ask(INBOX, envelope=envelope)
    assert first.status_code == 201
    assert (again.status_code, again.json()["code"]) == (401, "exchange_replayed")
    assert Subscription.objects.count() == 1


# --- the subscriber's city (A) ----------------------------------------------------------------


@pytest.fixture
def topic_city_b(exchange, settings) -> Iterator[dict[str, Any]]:
    """City B's node as city A sees it: it accepts the request and names the topic owner."""
    settings.ECITY_EXCHANGE_GATEWAY_URL = "http://127.0.0.1:8124"
    remote = _remote_city("CN-B", "http://127.0.0.1:9")
    owner = _remote_subsystem("CN-B", "GAJ", "hukou")
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(
                {
                    "body": json.loads(self.rfile.read(length)),
                    "seal": self.headers["X-Road-Node-Seal"],
                }
            )
            body = json.dumps(
                {"id": "9d3e", "status": "requested", "topic_owner": owner.identifier}
            ).encode()
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    remote.gateway_url = f"http://127.0.0.1:{server.server_address[1]}"
    remote.save(update_fields=["gateway_url"])
    yield {"received": received, "owner": owner, **exchange}
    server.shutdown()
    server.server_close()


def _push(subscription: Subscription, envelope, payload):
    return Client().post(
        f"/api/v1/exchange/federation/inbox/{subscription.public_id}",
        data=json.dumps({"envelope": envelope.to_dict(), "payload": payload}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_remote_subscription_receives_each_pushed_message_once(topic_city_b):
    social = topic_city_b["social"]

    # Given A's system asked city B for its topic (signed by the system, sealed by A's node)
    subscription = remote_subscription_request(
        actor=social, subscriber=social, instance="CN-B", topic=TOPIC, purpose="救助核查"
    )
    sent = topic_city_b["received"][0]
    envelope, sender = envelope_open(sent["body"]["envelope"], sent["body"]["payload"])
    assert sender == social and envelope.topic == TOPIC
    assert sent["body"]["payload"]["push_url"] == (
        f"http://127.0.0.1:8124/api/v1/exchange/federation/inbox/{subscription.public_id}"
    )
    assert (subscription.mode, subscription.status) == ("pull", "approved")
    assert subscription.topic.owner == topic_city_b["owner"]

    # When B pushes a message of its topic twice (a redelivery after a lost answer)
    payload = {"household": "H-0001"}
    message = envelope_seal(
        sender="CN-B/GOV/GAJ/hukou", payload=payload, topic=TOPIC, event_type=TOPIC
    )
    first = _push(subscription, message, payload)
    second = _push(subscription, message, payload)

    # Then it is in A's inbox once and handed once to A's system
    assert (first.status_code, second.status_code) == (204, 204)
    assert InboxEntry.objects.filter(subscription=subscription).count() == 1
    pulled = messages_pull(subscription=subscription)
    assert [(d.publication.message_id, d.publication.payload) for d in pulled] == [
        (message.message_id, payload)
    ]


def test_a_forged_push_or_one_from_another_city_has_no_effect(topic_city_b):
    social = topic_city_b["social"]
    subscription = remote_subscription_request(
        actor=social, subscriber=social, instance="CN-B", topic=TOPIC
    )
    payload = {"household": "H-0001"}
    message = envelope_seal(
        sender="CN-B/GOV/GAJ/hukou", payload=payload, topic=TOPIC, event_type=TOPIC
    )
    local = envelope_seal(sender=social.identifier, payload=payload, topic=TOPIC, event_type=TOPIC)

    forged = _push(subscription, message, {"household": "H-6666"})
    foreign = _push(subscription, local, payload)

    assert (forged.status_code, forged.json()["code"]) == (401, "exchange_payload_hash_mismatch")
    assert (foreign.status_code, foreign.json()["code"]) == (401, "exchange_unknown_sender")
    assert not InboxEntry.objects.exists()
    assert messages_pull(subscription=subscription) == []


def test_only_the_subscriber_or_its_department_asks_another_city(topic_city_b):
    other = Subsystem.objects.get(identifier="CN-WH/GOV/GAJ/population")
    from ecity.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        remote_subscription_request(
            actor=other, subscriber=topic_city_b["social"], instance="CN-B", topic=TOPIC
        )
    assert topic_city_b["received"] == []
