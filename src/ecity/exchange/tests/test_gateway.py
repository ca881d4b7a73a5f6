"""A department system calls another's service through /r1/: checked, forwarded, signed, logged."""

from __future__ import annotations

import base64
import datetime as dt
import json
from urllib.parse import quote, unquote

import pytest
from django.test import Client
from django.utils import timezone

from ecity.core import vault
from ecity.exchange.message_log import log_verify
from ecity.exchange.models import CallRecord, MessageLogRecord, Service, Subsystem
from ecity.exchange.services.access import access_right_grant
from ecity.exchange.services.registry import service_register
from ecity.exchange.tests.conftest import PERSONS_OPENAPI, bearer_token
from ecity.exchange.tests.lean_support import LeanGateway

SERVICE = "CN-WH/GOV/GAJ/population/persons"
CLIENT = "CN-WH/GOV/RSJ/social"


@pytest.fixture
def persons(exchange, provider):
    return service_register(
        actor=exchange["police_admin"],
        provider=exchange["population"],
        code="persons",
        kind=Service.Kind.REST,
        base_url=provider.url,
        title_zh="人口信息查询",
        owner_contact="数据科",
        openapi=PERSONS_OPENAPI,
    )


@pytest.fixture(
    params=["view", pytest.param("lean", marks=pytest.mark.django_db(transaction=True))]
)
def call(request, exchange):
    """Call the gateway: the Django view (``view``) or the lean ASGI path (``lean``, without
    its access cache here: see test_gateway_lean.py for the cache)."""
    token = bearer_token(exchange["application"], exchange["secret"])
    lean = LeanGateway(access_seconds=0) if request.param == "lean" else None

    def send(method="get", path=f"/r1/{SERVICE}/persons/42", *, client=CLIENT, **extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "en"}
        if client is not None:
            headers["HTTP_X_ROAD_CLIENT"] = client
        if lean is not None:
            return lean.request(method, path, **headers, **extra)
        return getattr(Client(), method)(path, **headers, **extra)

    yield send
    if lean is not None:
        lean.close()


def grant(exchange, service, **values):
    return access_right_grant(
        actor=exchange["police_admin"], client=exchange["social"], service=service, **values
    )


def _verifies(envelope: dict) -> bool:
    signature = base64.urlsafe_b64decode(
        envelope["signature"] + "=" * (-len(envelope["signature"]) % 4)
    )
    header = {k: v for k, v in envelope.items() if k != "signature"}
    from ecity.exchange.canonical import canonical_json

    return vault.key_verify(
        purpose=vault.Purpose.EXCHANGE,
        owner=envelope["sender"],
        kid=envelope["kid"],
        message=canonical_json(header),
        signature=signature,
    )


def request_log_user_id() -> str:
    return str(MessageLogRecord.objects.get(kind="request").envelope["user_id"])


def test_an_allowed_call_reaches_the_provider_and_is_signed_logged_and_monitored(
    exchange, persons, provider, call
):
    grant(exchange, persons)

    response = call(
        "get",
        f"/r1/{SERVICE}/persons/42?fields=name",
        HTTP_X_ROAD_USERID="CN/420102199001011234",
        HTTP_X_ROAD_ISSUE=quote("社保待遇核定"),
    )

    assert response.status_code == 200
    assert response.json() == {"id": "42?fields=name", "name": "王小明"}
    message_id = response["X-Road-Id"]
    assert response["X-Road-Client"] == CLIENT
    received = provider.received[0]
    assert received["path"] == "/persons/42?fields=name"
    assert received["headers"]["x-road-id"] == message_id
    assert received["headers"]["x-road-client"] == CLIENT
    assert received["headers"]["x-road-service"] == SERVICE
    assert unquote(received["headers"]["x-road-issue"]) == "社保待遇核定"
    assert request_log_user_id() == "CN/420102199001011234"
    assert "authorization" not in received["headers"]  # the client's token stays at the gateway

    request_log, response_log = MessageLogRecord.objects.filter(partition=CLIENT).order_by("seq")
    assert (request_log.kind, response_log.kind) == ("request", "response")
    assert request_log.message_id == message_id
    assert response_log.envelope["correlation_id"] == message_id
    assert request_log.payload["method"] == "GET" and request_log.payload["query"] == "fields=name"
    assert request_log.envelope["sender"] == CLIENT
    assert response_log.envelope["sender"] == "CN-WH/GOV/GAJ/population"
    assert _verifies(request_log.envelope) and _verifies(response_log.envelope)
    assert log_verify(partitions=[CLIENT]) == []

    record = CallRecord.objects.get(message_id=message_id)
    assert (record.client, record.service, record.status_code, record.fault_code) == (
        CLIENT,
        persons,
        200,
        "",
    )
    assert (
        record.client_request_at
        <= record.provider_request_at
        <= record.provider_response_at
        <= record.client_response_at
    )
    assert record.response_size == len(response.content)


def test_the_metadata_log_level_keeps_hashes_but_not_the_payload(exchange, persons, call):
    Subsystem.objects.filter(pk=exchange["social"].pk).update(log_level="metadata")
    grant(exchange, persons)

    response = call(
        "post", f"/r1/{SERVICE}/persons", data={"name": "王小明"}, content_type="application/json"
    )

    assert response.status_code == 200
    records = MessageLogRecord.objects.filter(partition=CLIENT)
    assert [r.payload for r in records] == [None, None]
    assert all(r.payload_hash.startswith("sha256:") for r in records)


def test_a_body_with_a_nul_byte_is_forwarded_and_logged_whole(exchange, persons, provider, call):
    # A NUL cannot be stored in a PostgreSQL jsonb string: before, such a call failed with a 500
    # after the provider had answered, and nothing was logged.
    grant(exchange, persons)
    body = b"name=\x00\xe7\x8e\x8b"

    response = call("post", f"/r1/{SERVICE}/persons", data=body, content_type="text/plain")

    assert response.status_code == 200
    assert provider.received[0]["body"] == body
    request_log = MessageLogRecord.objects.get(partition=CLIENT, kind="request")
    assert "body" not in request_log.payload
    assert base64.b64decode(request_log.payload["body_base64"]) == body
    assert log_verify(partitions=[CLIENT]) == []


def test_a_path_with_an_encoded_control_character_is_a_400_fault_and_not_forwarded(
    exchange, persons, provider, call
):
    grant(exchange, persons)

    response = call("get", f"/r1/{SERVICE}/persons/a%00b")

    assert response.status_code == 400
    assert response.json()["code"] == "exchange_bad_path"
    assert provider.received == []
    assert not MessageLogRecord.objects.filter(partition=CLIENT).exists()


def test_a_chinese_path_reaches_the_provider_percent_encoded(exchange, persons, provider, call):
    # Before, the lean path could not write a request line with Chinese in it (a 500).
    grant(exchange, persons)

    response = call("get", f"/r1/{SERVICE}/persons/{quote('王小明 A')}")

    assert response.status_code == 200
    assert provider.received[0]["path"] == "/persons/" + quote("王小明 A")
    request_log = MessageLogRecord.objects.get(partition=CLIENT, kind="request")
    assert request_log.payload["path"] == "/persons/王小明 A"


def test_without_a_right_the_call_is_denied_and_never_reaches_the_provider(
    exchange, persons, provider, call
):
    response = call()

    assert response.status_code == 403
    assert response.json()["code"] == "exchange_access_denied"
    assert response["X-Road-Error"] == "exchange_access_denied"
    assert provider.received == []
    assert CallRecord.objects.get().fault_code == "exchange_access_denied"


def test_an_endpoint_right_lets_only_that_endpoint_through(exchange, persons, provider, call):
    grant(exchange, persons, endpoint=persons.endpoints.get(method="GET", path="/persons/{id}"))

    allowed = call("get", f"/r1/{SERVICE}/persons/42")
    denied = call("post", f"/r1/{SERVICE}/persons", data={}, content_type="application/json")

    assert allowed.status_code == 200
    assert denied.status_code == 403
    assert [r["method"] for r in provider.received] == ["GET"]


def test_an_expired_right_no_longer_lets_calls_through(exchange, persons, provider, call):
    now = timezone.now()
    grant(
        exchange,
        persons,
        valid_from=now - dt.timedelta(days=10),
        valid_until=now - dt.timedelta(days=1),
    )

    response = call()

    assert response.status_code == 403
    assert provider.received == []


def _sharing_grant(exchange, *, expires_on):
    from ecity.registry.models import SharingGrant, SharingRequest
    from ecity.registry.tests.factories import ResourceFactory

    today = timezone.localdate()
    resource = ResourceFactory(provider=exchange["police"])
    request = SharingRequest.objects.create(
        resource=resource,
        provider=exchange["police"],
        requester=exchange["labour"],
        application=exchange["application"],
        purpose="社保待遇核定",
        legal_basis="《社会保险法》",
        starts_on=today,
        ends_on=expires_on,
        status="approved",
        requested_by=exchange["labour_admin"],
        submitted_on=today,
        due_on=today,
    )
    return SharingGrant.objects.create(
        request=request,
        resource=resource,
        provider=exchange["police"],
        grantee=exchange["labour"],
        application=exchange["application"],
        starts_on=today,
        expires_on=expires_on,
        granted_by=exchange["police_admin"],
    )


def test_revoking_the_sharing_grant_revokes_the_access_right(exchange, persons, provider, call):
    from ecity.registry.services.sharing import sharing_grant_revoke

    sharing = _sharing_grant(exchange, expires_on=timezone.localdate() + dt.timedelta(days=30))
    grant(exchange, persons, sharing_grant=sharing)
    assert call().status_code == 200

    sharing_grant_revoke(actor=exchange["police_admin"], grant=sharing, reason="用途已结束")
    response = call()

    assert response.status_code == 403
    assert response.json()["code"] == "exchange_access_denied"
    assert len(provider.received) == 1


def test_an_expired_sharing_grant_revokes_the_access_right(exchange, persons, provider, call):
    sharing = _sharing_grant(exchange, expires_on=timezone.localdate())
    grant(exchange, persons, sharing_grant=sharing)
    type(sharing).objects.filter(pk=sharing.pk).update(
        starts_on=timezone.localdate() - dt.timedelta(days=9),
        expires_on=timezone.localdate() - dt.timedelta(days=1),
    )

    assert call().status_code == 403
    assert provider.received == []


def test_a_header_naming_another_subsystem_is_refused(exchange, persons, provider, call):
    grant(exchange, persons)

    wrong = call(client="CN-WH/GOV/GAJ/population")
    missing = call(client=None)

    assert wrong.status_code == 403
    assert wrong.json()["code"] == "exchange_client_mismatch"
    assert missing.status_code == 400
    # (Chinese first: the call names no language)
    assert missing.json()["fields"] == {"X-Road-Client": ["应为以“/”分隔的 4 段。"]}
    assert provider.received == []


def test_a_call_without_credentials_is_refused(persons):
    response = Client().get(f"/r1/{SERVICE}/persons/42", HTTP_X_ROAD_CLIENT=CLIENT)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_logged_in_browser_session_is_no_credential_for_the_gateway(exchange, persons, provider):
    # The gateway is exempt from CSRF because it never reads the session: a cross-site POST
    # riding on a department administrator's session must be refused like any anonymous call.
    grant(exchange, persons)
    browser = Client()
    browser.force_login(exchange["police_admin"])

    response = browser.post(
        f"/r1/{SERVICE}/persons/42",
        data="{}",
        content_type="application/json",
        HTTP_X_ROAD_CLIENT=CLIENT,
    )

    assert response.status_code == 401
    assert provider.received == []


def test_a_disabled_client_is_refused(exchange, persons, provider, call):
    grant(exchange, persons)
    Subsystem.objects.filter(pk=exchange["social"].pk).update(is_enabled=False)

    response = call()

    assert response.status_code == 403
    assert response.json()["code"] == "exchange_client_disabled"


def test_an_unknown_service_is_a_404_fault(exchange, call):
    response = call("get", "/r1/CN-WH/GOV/GAJ/population/nothing/here")

    assert response.status_code == 404
    assert response.json()["code"] == "exchange_unknown_service"
    assert response["X-Road-Error"] == "exchange_unknown_service"


def test_a_service_of_an_unknown_city_is_a_fault(exchange, call):
    response = call("get", "/r1/CN-XG/GOV/GAJ/population/persons/42")

    assert response.status_code == 404
    assert response.json()["code"] == "exchange_unknown_instance"


def test_a_service_of_a_federated_city_goes_to_that_citys_gateway(
    exchange, provider, call, monkeypatch
):
    from ecity.exchange.gateway import views

    # The federation configuration (RemoteInstance) is the outside world here: Xiaogan's gateway
    # is the local HTTP server, which answers without the provider's signature.
    monkeypatch.setattr(views, "remote_gateway_url", lambda instance: provider.url)

    response = call("get", "/r1/CN-XG/GOV/SCJ/enterprises/licences/licences/9142?x=1")

    received = provider.received[0]
    assert received["path"] == "/r1/CN-XG/GOV/SCJ/enterprises/licences/licences/9142?x=1"
    assert received["headers"]["x-road-client"] == CLIENT
    assert "authorization" not in received["headers"]  # this city's token stays here
    assert received["headers"]["x-road-envelope"] and received["headers"]["x-road-node-seal"]
    # An answer not signed by the remote provider never reaches the client (see
    # test_gateway_federation.py for the signed one).
    assert response.status_code == 502
    assert response.json()["code"] == "exchange_remote_unverified"
    assert [r.kind for r in MessageLogRecord.objects.filter(partition=CLIENT)] == ["request"]
    record = CallRecord.objects.get()
    assert (record.service, record.service_identifier, record.status_code) == (
        None,
        "CN-XG/GOV/SCJ/enterprises/licences",
        502,
    )


def test_a_provider_that_is_down_gives_a_502_fault(exchange, persons, closed_port_url, call):
    Service.objects.filter(pk=persons.pk).update(base_url=closed_port_url)
    grant(exchange, persons)

    response = call()

    assert response.status_code == 502
    assert response.json()["code"] == "exchange_provider_unreachable"
    record = CallRecord.objects.get()
    assert (record.status_code, record.fault_code) == (502, "exchange_provider_unreachable")
    assert record.provider_request_at is not None and record.provider_response_at is None


def test_a_provider_slower_than_the_timeout_gives_a_504_fault(
    exchange, persons, provider, call, settings
):
    settings.ECITY_EXCHANGE_GATEWAY_TIMEOUT_SECONDS = 0.2
    provider.delay = 1.0
    grant(exchange, persons)

    response = call()

    assert response.status_code == 504
    assert response.json()["code"] == "exchange_provider_timeout"


def test_a_client_over_the_services_rate_limit_gets_429(exchange, persons, provider, call):
    Service.objects.filter(pk=persons.pk).update(rate_limit_per_minute=2)
    grant(exchange, persons)

    statuses = [call().status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert int(call()["Retry-After"]) >= 1
    assert len(provider.received) == 2


def test_a_disabled_service_answers_with_a_fault(exchange, persons, provider, call):
    grant(exchange, persons)
    Service.objects.filter(pk=persons.pk).update(is_enabled=False)

    response = call()

    assert response.status_code == 503
    assert response.json()["code"] == "exchange_service_disabled"
    assert provider.received == []


def test_discovery_lists_methods_allowed_methods_and_the_openapi_document(exchange, persons, call):
    grant(exchange, persons, endpoint=persons.endpoints.get(method="GET", path="/persons/{id}"))
    provider_path = "/r1/CN-WH/GOV/GAJ/population"

    listed = call("get", f"{provider_path}/listMethods").json()
    allowed = call("get", f"{provider_path}/allowedMethods").json()
    document = call("get", f"{provider_path}/getOpenAPI?serviceCode=persons")
    missing = call("get", f"{provider_path}/getOpenAPI?serviceCode=nothing")

    assert [s["serviceCode"] for s in listed["service"]] == ["persons"]
    assert len(listed["service"][0]["endpoints"]) == 4
    assert allowed["service"][0]["endpoints"] == [
        {"method": "GET", "path": "/persons/{id}", "summary": "读取人口信息"}
    ]
    assert (
        json.loads(document.content)["paths"]["/persons/{id}"]["get"]["summary"] == "读取人口信息"
    )
    assert missing.status_code == 404


def test_list_clients_names_the_exchanges_subsystems(exchange):
    token = bearer_token(exchange["application"], exchange["secret"])

    response = Client().get("/api/v1/exchange/clients/", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    identifiers = [c["identifier"] for c in response.json()["results"]]
    assert identifiers == ["CN-WH/GOV/GAJ/population", CLIENT]


def test_metrics_need_the_token_and_count_gateway_calls(exchange, persons, call, settings):
    settings.ECITY_METRICS_TOKEN = "s3cret-metrics"
    grant(exchange, persons)
    call()

    refused = Client().get("/metrics")
    allowed = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics")

    assert refused.status_code == 403
    assert allowed.status_code == 200
    text = allowed.content.decode()
    assert (
        f'ecity_exchange_gateway_calls_total{{fault="",service="{SERVICE}",status="200"}}' in text
    )


def test_health_reports_the_database_and_the_transport(db):
    response = Client().get("/health")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "exchange": {"transport": "database", "status": "ok"},
    }
