"""Gateway to gateway: a call of city A's client reaches city B's provider through both gateways.

Each test plays one city with this database; the other city is played by keys whose private
halves the test holds (as that city's vault would), so that both directions are checked: B takes
only A's sealed and signed calls and decides by its own rights; A passes on only answers signed
by B's provider and sealed by B's node.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ecity.core import vault
from ecity.exchange.canonical import Envelope, canonical_json, payload_hash
from ecity.exchange.envelope import envelope_seal
from ecity.exchange.gateway.views import _request_payload
from ecity.exchange.message_log import log_verify
from ecity.exchange.models import (
    CallRecord,
    Member,
    MemberClass,
    MessageLogRecord,
    RemoteInstance,
    Service,
    Subsystem,
)
from ecity.exchange.services.access import access_right_grant
from ecity.exchange.services.registry import service_register
from ecity.exchange.tests.conftest import PERSONS_OPENAPI, bearer_token

pytestmark = pytest.mark.django_db

SERVICE = "CN-WH/GOV/GAJ/population/persons"
REMOTE_CLIENT = "CN-A/GOV/MZJ/shjz"
PURPOSE = vault.Purpose.EXCHANGE


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _remote_city(code: str, gateway_url: str) -> RemoteInstance:
    node = vault.key_current(purpose=PURPOSE, owner=code)
    return RemoteInstance.objects.create(
        code=code,
        gateway_url=gateway_url,
        node_kid=node.kid,
        node_algorithm=node.algorithm,
        node_public_key=node.public_key,
        last_config_hash="0" * 64,
        config_generated_at=timezone.now(),
        imported_at=timezone.now(),
    )


def _remote_subsystem(instance: str, member: str, code: str) -> Subsystem:
    owner = Member.objects.create(
        instance=instance, member_class=MemberClass.GOV, code=member, name=f"{instance} {member}"
    )
    subsystem = Subsystem.objects.create(
        member=owner, code=code, name=code, identifier=f"{instance}/GOV/{member}/{code}"
    )
    vault.key_current(purpose=PURPOSE, owner=subsystem.identifier)
    return subsystem


# --- city B: takes forwarded calls ------------------------------------------------------------


@pytest.fixture
def city_b(exchange, provider):
    """This database is city CN-WH (B) with a service; CN-A (A) was imported."""
    _remote_city("CN-A", "http://127.0.0.1:9")
    client = _remote_subsystem("CN-A", "MZJ", "shjz")
    persons = service_register(
        actor=exchange["police_admin"],
        provider=exchange["population"],
        code="persons",
        kind=Service.Kind.REST,
        base_url=provider.url,
        title_zh="人口信息查询",
        owner_contact="数据科",
        openapi=PERSONS_OPENAPI,
    )
    return {"client": client, "persons": persons, **exchange}


def _forwarded(
    path: str = "/persons/42",
    *,
    sent_body: bytes = b"",
    signed_body: bytes | None = None,
    sender: str = REMOTE_CLIENT,
    seal_owner: str = "CN-A",
    now: dt.datetime | None = None,
    message_id: str = "",
) -> dict[str, str]:
    """The headers gateway A adds when it forwards a call of its client ``sender``."""
    method = "POST" if sent_body else "GET"
    payload = _request_payload(method, path, "", sent_body if signed_body is None else signed_body)
    envelope = envelope_seal(
        sender=sender, payload=payload, service=SERVICE, now=now, message_id=message_id
    )
    node = vault.key_current(purpose=PURPOSE, owner=seal_owner)
    seal = vault.key_sign(key=node, message=canonical_json(envelope.to_dict()))
    return {
        "HTTP_X_ROAD_ENVELOPE": _b64(canonical_json(envelope.to_dict())),
        "HTTP_X_ROAD_NODE_SEAL": f"{node.kid}.{_b64(seal)}",
        "HTTP_X_ROAD_CLIENT": sender,
        "HTTP_ACCEPT_LANGUAGE": "en",
        "message_id": envelope.message_id,
    }


def _send(headers: dict[str, str], path: str = "/persons/42", body: bytes = b""):
    headers = dict(headers)
    headers.pop("message_id")
    url = f"/r1/{SERVICE}{path}"
    if body:
        return Client().post(url, data=body, content_type="application/json", **headers)
    return Client().get(url, **headers)


def test_a_call_forwarded_by_a_federated_gateway_is_decided_by_local_rights_and_signed(
    city_b, provider
):
    # Given B's police granted A's civil-affairs system the persons service
    access_right_grant(
        actor=city_b["police_admin"], client=city_b["client"], service=city_b["persons"]
    )
    headers = _forwarded()

    # When gateway A forwards its client's call without any token of B
    response = _send(headers)

    # Then B's provider answers and B signs the answer for A
    assert response.status_code == 200
    assert response.json() == {"id": "42", "name": "王小明"}
    assert "authorization" not in provider.received[0]["headers"]
    assert provider.received[0]["headers"]["x-road-client"] == REMOTE_CLIENT
    answer = json.loads(_unb64(response["X-Road-Envelope"]))
    assert answer["sender"] == "CN-WH/GOV/GAJ/population"
    assert answer["correlation_id"] == headers["message_id"]
    assert answer["payload_hash"] == payload_hash(
        {
            "status": 200,
            "body_hash": "sha256:" + hashlib.sha256(response.content).hexdigest(),
            "body": response.content.decode(),
        }
    )
    kid, _dot, seal = response["X-Road-Node-Seal"].partition(".")
    assert vault.key_verify(
        purpose=PURPOSE, owner="", kid=kid, message=canonical_json(answer), signature=_unb64(seal)
    )
    # And B logged A's own signed request and its answer in the remote client's chain
    request_log, response_log = MessageLogRecord.objects.filter(partition=REMOTE_CLIENT).order_by(
        "seq"
    )
    assert request_log.kind == "request" and request_log.message_id == headers["message_id"]
    assert request_log.envelope["sender"] == REMOTE_CLIENT
    assert response_log.kind == "response" and response_log.envelope == answer
    assert log_verify(partitions=[REMOTE_CLIENT]) == []
    record = CallRecord.objects.get(message_id=headers["message_id"])
    assert (record.client, record.status_code) == (REMOTE_CLIENT, 200)


def test_a_remote_client_without_a_right_of_this_city_is_denied(city_b, provider):
    response = _send(_forwarded())

    assert response.status_code == 403
    assert response.json()["code"] == "exchange_access_denied"
    assert provider.received == []


def test_forged_stale_replayed_or_unsealed_forwarded_calls_are_refused_and_logged(city_b, provider):
    access_right_grant(
        actor=city_b["police_admin"], client=city_b["client"], service=city_b["persons"]
    )
    stranger = _remote_subsystem("CN-A", "XXJ", "other")
    Subsystem.objects.filter(pk=stranger.pk).update(is_enabled=False)
    body = b'{"name": "\\u738b"}'
    cases = {
        "exchange_payload_hash_mismatch": (_forwarded(sent_body=body, signed_body=b"{}"), body),
        "exchange_node_seal_invalid": (_forwarded(seal_owner="CN-FAKE"), b""),
        "exchange_stale": (_forwarded(now=timezone.now() - dt.timedelta(hours=2)), b""),
        "exchange_unknown_sender": (_forwarded(sender="CN-A/GOV/MZJ/ghost"), b""),
        "exchange_sender_disabled": (_forwarded(sender=stranger.identifier), b""),
    }
    for code, (headers, sent) in cases.items():
        response = _send(headers, body=sent)
        assert (response.status_code, response.json()["code"]) == (401, code), code

    once = _forwarded()
    assert _send(once).status_code == 200
    replayed = _send(once)
    assert (replayed.status_code, replayed.json()["code"]) == (401, "exchange_replayed")

    assert len(provider.received) == 1
    refusals = MessageLogRecord.objects.filter(kind="refused")
    assert refusals.count() == len(cases) + 1


def test_a_local_client_cannot_pretend_to_be_forwarded_by_a_federated_gateway(city_b, provider):
    # A call sealed "by a federated node" for a client of this very city is refused.
    access_right_grant(
        actor=city_b["police_admin"], client=city_b["social"], service=city_b["persons"]
    )
    response = _send(_forwarded(sender="CN-WH/GOV/RSJ/social", seal_owner="CN-WH"))

    assert (response.status_code, response.json()["code"]) == (401, "exchange_node_seal_invalid")
    assert provider.received == []


# --- city A: forwards and verifies the answer -------------------------------------------------


@dataclass
class FakeGatewayB:
    """City B's gateway as city A sees it: signs with keys only B holds (their PEMs here)."""

    provider_pem: str
    provider_kid: str
    node_pem: str
    node_kid: str
    mode: str = "ok"
    url: str = ""
    received: list[dict[str, str]] = field(default_factory=list)


@pytest.fixture
def gateway_b(exchange, settings) -> Iterator[FakeGatewayB]:
    remote = _remote_city("CN-B", "http://127.0.0.1:9")
    provider = _remote_subsystem("CN-B", "GAJ", "hukou")
    provider_key = vault.key_current(purpose=PURPOSE, owner=provider.identifier)
    node_key = vault.key_current(purpose=PURPOSE, owner="CN-B")
    state = FakeGatewayB(
        provider_pem=vault.private_pem_of(provider_key),
        provider_kid=provider_key.kid,
        node_pem=vault.private_pem_of(node_key),
        node_kid=node_key.kid,
    )

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.received.append({k.lower(): v for k, v in self.headers.items()})
            if state.mode == "refuse":
                body = json.dumps({"code": "exchange_access_denied", "message": "no"}).encode()
                self.send_response(403)
                self.send_header("X-Road-Error", "exchange_access_denied")
            else:
                body = json.dumps({"户号": "H-1"}, ensure_ascii=False).encode()
                payload = {
                    "status": 200,
                    "body_hash": "sha256:" + hashlib.sha256(body).hexdigest(),
                    "body": body.decode(),
                }
                unsigned = Envelope(
                    message_id=f"b-{len(state.received)}-answer",
                    sender="CN-B/GOV/GAJ/hukou",
                    created_at=timezone.now().isoformat(),
                    payload_hash=payload_hash(payload),
                    alg="Ed25519",
                    kid=state.provider_kid,
                    service=self.headers["X-Road-Service"],
                    correlation_id=self.headers["X-Road-Id"],
                )
                ed25519 = vault.algorithm_get("Ed25519")
                signature = ed25519.sign(state.provider_pem, unsigned.signed_bytes())
                envelope = {**unsigned.to_dict(), "signature": _b64(signature)}
                seal = ed25519.sign(state.node_pem, canonical_json(envelope))
                if state.mode == "forge":
                    body = json.dumps({"户号": "H-666"}, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("X-Road-Envelope", _b64(canonical_json(envelope)))
                self.send_header("X-Road-Node-Seal", f"{state.node_kid}.{_b64(seal)}")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    RemoteInstance.objects.filter(pk=remote.pk).update(gateway_url=state.url)
    yield state
    server.shutdown()
    server.server_close()


def _call_b(exchange) -> Any:
    token = bearer_token(exchange["application"], exchange["secret"])
    return Client().get(
        "/r1/CN-B/GOV/GAJ/hukou/households/H-1",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_X_ROAD_CLIENT="CN-WH/GOV/RSJ/social",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_signed_answer_of_a_federated_city_reaches_the_client_and_both_are_logged(
    exchange, gateway_b
):
    response = _call_b(exchange)

    assert response.status_code == 200
    assert response.json() == {"户号": "H-1"}
    # B got A's client's signed request sealed by A's node, and no token of A
    sent = gateway_b.received[0]
    assert "authorization" not in sent
    request_envelope = json.loads(_unb64(sent["x-road-envelope"]))
    assert request_envelope["sender"] == "CN-WH/GOV/RSJ/social"
    assert request_envelope["message_id"] == response["X-Road-Id"]
    kid, _dot, seal = sent["x-road-node-seal"].partition(".")
    assert vault.key_verify(
        purpose=PURPOSE,
        owner="",
        kid=kid,
        message=canonical_json(request_envelope),
        signature=_unb64(seal),
    )
    request_log, response_log = MessageLogRecord.objects.filter(
        partition="CN-WH/GOV/RSJ/social"
    ).order_by("seq")
    assert request_log.envelope == request_envelope
    assert response_log.envelope["sender"] == "CN-B/GOV/GAJ/hukou"
    assert response_log.envelope["correlation_id"] == response["X-Road-Id"]


def test_a_changed_answer_of_a_federated_city_never_reaches_the_client(exchange, gateway_b):
    gateway_b.mode = "forge"

    response = _call_b(exchange)

    assert response.status_code == 502
    assert response.json()["code"] == "exchange_remote_unverified"
    assert "H-666" not in response.content.decode()


def test_a_refusal_by_the_federated_gateway_is_passed_on_as_a_fault(exchange, gateway_b):
    gateway_b.mode = "refuse"

    response = _call_b(exchange)

    assert response.status_code == 403
    assert response.json()["code"] == "exchange_remote_refused"
    assert "exchange_access_denied" in response.json()["message"]
