"""The gateway's hot path stays lean, and an oversized body is refused before forwarding."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecity.exchange.message_log import log_verify
from ecity.exchange.services.access import access_right_grant
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
