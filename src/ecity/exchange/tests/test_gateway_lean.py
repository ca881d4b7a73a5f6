"""The gateway's hot path stays lean, and a SOAP service without its adapter fails clearly."""

from __future__ import annotations

import sys

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecity.exchange.message_log import log_verify
from ecity.exchange.models import Service
from ecity.exchange.services.access import access_right_grant
from ecity.exchange.services.registry import EndpointInput, service_register
from ecity.exchange.tests.test_gateway import SERVICE, call, persons  # noqa: F401 - fixtures


def test_an_allowed_call_resolves_service_and_right_in_one_query(exchange, persons, call, settings):  # noqa: F811
    settings.ECITY_VAULT_KEY_CHECK_SECONDS = 60  # as in production: keys re-checked now and then
    access_right_grant(actor=exchange["police_admin"], client=exchange["social"], service=persons)
    assert call().status_code == 200  # warm: the signing keys are created and cached

    with CaptureQueriesContext(connection) as queries:
        response = call()

    assert response.status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]
    rights = [s for s in statements if 'FROM "exchange_accessright"' in s]
    assert len(rights) == 1
    assert not any('FROM "exchange_service"' in s for s in statements)
    assert not any('"core_signingkey"' in s for s in statements)  # keys cached per process
    assert log_verify(partitions=["CN-WH/GOV/RSJ/social"]) == []  # two calls, one chain


def test_a_soap_service_without_the_adapter_answers_a_501_fault(exchange, call, monkeypatch):  # noqa: F811
    monkeypatch.setitem(sys.modules, "ecity.exchange.adapters.soap", None)  # not installed
    legacy = service_register(
        actor=exchange["police_admin"],
        provider=exchange["population"],
        code="legacy",
        kind=Service.Kind.SOAP,
        base_url="http://127.0.0.1:9",
        title_zh="旧户籍服务",
        owner_contact="数据科",
        wsdl="http://127.0.0.1:9/?wsdl",
        endpoints=[EndpointInput("POST", "/lookup", soap_operation="LookupPerson")],
    )
    access_right_grant(actor=exchange["police_admin"], client=exchange["social"], service=legacy)

    response = call(
        "post",
        "/r1/CN-WH/GOV/GAJ/population/legacy/lookup",
        data={"id_number": "420102199001011234"},
        content_type="application/json",
    )

    assert response.status_code == 501
    assert response.json()["code"] == "exchange_adapter_not_installed"
    assert response["X-Road-Error"] == "exchange_adapter_not_installed"


def test_a_body_over_the_upload_limit_is_a_413_fault_and_not_forwarded(
    exchange,
    persons,  # noqa: F811
    provider,
    call,  # noqa: F811
    settings,
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64
    access_right_grant(actor=exchange["police_admin"], client=exchange["social"], service=persons)

    response = call(
        "post",
        f"/r1/{SERVICE}/persons",
        data={"note": "很长" * 100},
        content_type="application/json",
    )

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert provider.received == []
