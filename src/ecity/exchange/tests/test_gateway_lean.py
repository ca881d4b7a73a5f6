"""The gateway's hot path stays lean, and an oversized body is refused before forwarding.

The lean path (``gateway/lean``): its access cache and how soon a revocation takes effect,
group commit of the log under concurrent calls, a failed commit answers no call, and its
HTTP server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ecity.exchange.message_log import log_verify
from ecity.exchange.models import CallRecord, MessageLogRecord
from ecity.exchange.services.access import access_right_grant, access_right_revoke
from ecity.exchange.tests.conftest import bearer_token
from ecity.exchange.tests.lean_support import LeanGateway
from ecity.exchange.tests.test_gateway import (  # noqa: F401 - fixtures
    CLIENT,
    SERVICE,
    call,
    persons,
)


@pytest.mark.parametrize("call", ["view"], indirect=True)
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


def _lean(exchange, *, access_seconds):
    token = bearer_token(exchange["application"], exchange["secret"])
    lean = LeanGateway(access_seconds=access_seconds)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_X_ROAD_CLIENT": CLIENT}
    return lean, headers


@pytest.mark.django_db(transaction=True)
def test_the_lean_path_caches_access_and_a_revoked_right_stops_calls_within_the_cache_time(
    exchange,
    persons,  # noqa: F811
    provider,
    settings,
):
    settings.ECITY_VAULT_KEY_CHECK_SECONDS = 60  # as in production: keys re-checked now and then
    right = access_right_grant(
        actor=exchange["police_admin"], client=exchange["social"], service=persons
    )
    lean, headers = _lean(exchange, access_seconds=1.0)
    try:
        assert lean.request("get", f"/r1/{SERVICE}/persons/42", **headers).status_code == 200
        misses = lean.app.lookups.misses
        assert lean.request("get", f"/r1/{SERVICE}/persons/43", **headers).status_code == 200
        assert lean.app.lookups.misses == misses  # token, rights and keys from the cache

        access_right_revoke(actor=exchange["police_admin"], right=right, reason="用途已结束")
        revoked_at = time.monotonic()
        allowed = 2
        while time.monotonic() - revoked_at < 1.5:
            response = lean.request("get", f"/r1/{SERVICE}/persons/44", **headers)
            if response.status_code == 403:
                break
            allowed += 1  # still within the cache time
            time.sleep(0.05)
        denied_after = time.monotonic() - revoked_at
    finally:
        lean.close()

    assert response.status_code == 403
    assert response.json()["code"] == "exchange_access_denied"
    assert denied_after <= 1.2  # the cache time (1 s) and one call
    assert len(provider.received) == allowed  # the denied call never reached the provider


@pytest.mark.django_db(transaction=True)
def test_concurrent_lean_calls_share_commits_and_every_answered_call_is_logged_in_one_chain(
    exchange,
    persons,  # noqa: F811
    provider,
):
    access_right_grant(actor=exchange["police_admin"], client=exchange["social"], service=persons)
    lean, headers = _lean(exchange, access_seconds=5)
    provider.delay = 0.05  # the calls overlap at the provider and finish together

    async def burst():
        return await asyncio.gather(
            *(lean.arequest("get", f"/r1/{SERVICE}/persons/{n}", **headers) for n in range(30))
        )

    try:
        responses = lean.run(burst())
        batches = lean.app.log.batches
    finally:
        lean.close()

    assert [r.status_code for r in responses] == [200] * 30
    message_ids = {r["X-Road-Id"] for r in responses}
    assert len(message_ids) == 30
    assert set(CallRecord.objects.values_list("message_id", flat=True)) == message_ids
    records = MessageLogRecord.objects.filter(partition=CLIENT)
    assert set(records.filter(kind="request").values_list("message_id", flat=True)) == message_ids
    assert records.filter(kind="response").count() == 30
    assert list(records.order_by("seq").values_list("seq", flat=True)) == list(range(1, 61))
    assert log_verify(partitions=[CLIENT]) == []
    assert batches < 30  # group commit: fewer transactions than calls


@pytest.mark.django_db(transaction=True)
def test_a_lean_call_whose_log_cannot_be_committed_is_answered_with_a_500_and_not_recorded(
    exchange,
    persons,  # noqa: F811
    provider,
    monkeypatch,
):
    from ecity.exchange.gateway.lean import group_commit

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    async def broken_async(*args, **kwargs):
        broken()

    monkeypatch.setattr(group_commit, "gateway_calls_record", broken)  # the threaded writer
    monkeypatch.setattr(group_commit, "calls_record_async", broken_async)  # PostgreSQL's
    access_right_grant(actor=exchange["police_admin"], client=exchange["social"], service=persons)
    lean, headers = _lean(exchange, access_seconds=5)
    try:
        response = lean.request("get", f"/r1/{SERVICE}/persons/42", **headers)
    finally:
        lean.close()

    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "王小明" not in response.content.decode()  # the provider's answer is not given
    assert len(provider.received) == 1
    assert not CallRecord.objects.exists()
    assert not MessageLogRecord.objects.exists()


def _view_call(exchange):
    """One call through the Django view (another process's writer of the same chain)."""
    token = bearer_token(exchange["application"], exchange["secret"])
    response = Client().get(
        f"/r1/{SERVICE}/persons/7",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_X_ROAD_CLIENT=CLIENT,
    )
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_lean_writer_continues_a_chain_that_another_process_wrote_to_meanwhile(
    exchange,
    persons,  # noqa: F811
    provider,
):
    # Given a lean gateway that has logged a call (its writer knows the chain's head)
    access_right_grant(actor=exchange["police_admin"], client=exchange["social"], service=persons)
    lean, headers = _lean(exchange, access_seconds=5)
    try:
        assert lean.request("get", f"/r1/{SERVICE}/persons/1", **headers).status_code == 200
        # When another process (the Django view) logs a call of the same client meanwhile
        _view_call(exchange)
        # Then the lean gateway's next call is logged after it, in one unbroken chain
        assert lean.request("get", f"/r1/{SERVICE}/persons/2", **headers).status_code == 200
    finally:
        lean.close()

    records = MessageLogRecord.objects.filter(partition=CLIENT).order_by("seq")
    assert list(records.values_list("seq", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert log_verify(partitions=[CLIENT]) == []
    assert CallRecord.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_lean_writer_continues_a_chain_truncated_past_its_last_record(
    exchange,
    persons,  # noqa: F811
    provider,
):
    from ecity.exchange.log_retention import log_truncate

    # Given a lean gateway that logged a call (records 1-2), then another process's call
    # (records 3-4), then retention cut the chain through record 4
    access_right_grant(actor=exchange["police_admin"], client=exchange["social"], service=persons)
    lean, headers = _lean(exchange, access_seconds=5)
    try:
        assert lean.request("get", f"/r1/{SERVICE}/persons/1", **headers).status_code == 200
        _view_call(exchange)
        assert log_truncate(partition=CLIENT, through_seq=4) == 4
        # When the lean gateway logs its next call (no record 3 is left to collide with)
        assert lean.request("get", f"/r1/{SERVICE}/persons/2", **headers).status_code == 200
    finally:
        lean.close()

    # Then it is appended after the anchor, and the chain verifies from there
    records = MessageLogRecord.objects.filter(partition=CLIENT).order_by("seq")
    assert list(records.values_list("seq", flat=True)) == [5, 6]
    assert log_verify(partitions=[CLIENT]) == []


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the writer without a lock is PostgreSQL's"
)
@pytest.mark.django_db(transaction=True)
def test_a_chain_written_by_another_process_too_is_then_written_with_its_head_locked_first(
    exchange,
    persons,  # noqa: F811
    provider,
    monkeypatch,
):
    from ecity.exchange.gateway.lean import group_commit

    writes = []
    real = group_commit.calls_record_async

    async def watched(conn, by_partition, calls, known):
        heads, moved = await real(conn, by_partition, calls, known)
        writes.append((CLIENT in known, moved))
        return heads, moved

    monkeypatch.setattr(group_commit, "calls_record_async", watched)
    access_right_grant(actor=exchange["police_admin"], client=exchange["social"], service=persons)
    lean, headers = _lean(exchange, access_seconds=5)
    try:
        for n in range(3):
            assert lean.request("get", f"/r1/{SERVICE}/persons/{n}", **headers).status_code == 200
            _view_call(exchange)  # another process writes to the same chain after each call
    finally:
        lean.close()

    # The first write locks (no head known yet), the second guesses from its own last head and
    # finds it moved, the third locks first without guessing
    assert writes == [(False, False), (True, True), (False, False)]
    assert log_verify(partitions=[CLIENT]) == []
    assert MessageLogRecord.objects.filter(partition=CLIENT).count() == 12


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the event loop's own connection is PostgreSQL's"
)
@pytest.mark.django_db(transaction=True)
def test_the_lean_writer_connects_again_after_its_database_connection_is_cut(
    exchange,
    persons,  # noqa: F811
    provider,
):
    access_right_grant(actor=exchange["police_admin"], client=exchange["social"], service=persons)
    lean, headers = _lean(exchange, access_seconds=5)
    try:
        assert lean.request("get", f"/r1/{SERVICE}/persons/1", **headers).status_code == 200
        # When the database ends the writer's session (a restart, a failover, an operator)
        writer_pid = lean.run(_backend_pid(lean.app.log))
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [writer_pid])
        cut = lean.request("get", f"/r1/{SERVICE}/persons/2", **headers)
        after = lean.request("get", f"/r1/{SERVICE}/persons/3", **headers)
    finally:
        lean.close()

    # Then the call whose batch was lost is answered with a 500 and not logged; the next one
    # goes through on a new connection and continues the chain
    assert cut.status_code == 500
    assert after.status_code == 200
    logged = set(CallRecord.objects.values_list("message_id", flat=True))
    assert cut["X-Road-Id"] not in logged
    assert after["X-Road-Id"] in logged
    assert log_verify(partitions=[CLIENT]) == []
    assert MessageLogRecord.objects.filter(partition=CLIENT).count() == 4


async def _backend_pid(writer) -> int:
    return writer._connection.info.backend_pid


@contextlib.contextmanager
def _lean_server() -> Iterator[int]:
    """The lean gateway's own HTTP server on a free loopback port (yielded), in a thread."""
    from ecity.exchange.gateway.lean.app import GatewayApplication
    from ecity.exchange.gateway.lean.server import listening_socket, serve_socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sock = listening_socket("127.0.0.1", port)
    loop = asyncio.new_event_loop()
    stopping = loop.create_future()

    async def main():
        app = GatewayApplication(access_seconds=5)
        server = asyncio.create_task(serve_socket(app, sock))
        await stopping
        server.cancel()
        await app.aclose()  # its threads' database connections closed too

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    try:
        yield port
    finally:
        loop.call_soon_threadsafe(stopping.set_result, None)
        thread.join(timeout=10)
        sock.close()


@pytest.mark.django_db(transaction=True)
def test_the_lean_server_answers_calls_and_platform_urls_on_keep_alive_connections(
    exchange,
    persons,  # noqa: F811
    provider,
):
    access_right_grant(actor=exchange["police_admin"], client=exchange["social"], service=persons)
    token = bearer_token(exchange["application"], exchange["secret"])
    headers = {"Authorization": f"Bearer {token}", "X-Road-Client": CLIENT}
    with (
        _lean_server() as port,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http,
    ):
        first = http.get(f"/r1/{SERVICE}/persons/42", headers=headers)
        posted = http.post(f"/r1/{SERVICE}/persons", headers=headers, json={"name": "王小明"})
        health = http.get("/healthz")
        anonymous = http.get(f"/r1/{SERVICE}/persons/42")

    assert (first.status_code, first.json()) == (200, {"id": "42", "name": "王小明"})
    assert posted.status_code == 200
    assert json.loads(provider.received[1]["body"]) == {"name": "王小明"}
    assert health.status_code == 200
    assert anonymous.status_code == 401
    assert anonymous.headers["X-Road-Error"] == "not_authenticated"
    assert CallRecord.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_lean_server_tells_a_client_expecting_100_continue_to_send_its_body(
    exchange,
    persons,  # noqa: F811
    provider,
):
    # Given a client (as curl does for bodies over 1 KB) that sends its headers with
    # "Expect: 100-continue" and waits for the server's go-ahead before sending the body
    access_right_grant(actor=exchange["police_admin"], client=exchange["social"], service=persons)
    token = bearer_token(exchange["application"], exchange["secret"])
    body = json.dumps({"name": "王小明", "note": "x" * 2000}).encode()
    head = (
        f"POST /r1/{SERVICE}/persons HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nX-Road-Client: {CLIENT}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        "Expect: 100-continue\r\nConnection: close\r\n\r\n"
    ).encode()
    with _lean_server() as port, socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        client.sendall(head)
        # When it waits (no body sent yet), the server answers "100 Continue"
        interim = client.recv(1024)
        client.sendall(body)
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk

    # Then the body is sent and the call goes through to the provider
    assert interim.startswith(b"HTTP/1.1 100 ")
    final = answer[answer.index(b"HTTP/1.1 2") :] if b"HTTP/1.1 2" in answer else answer
    assert final.startswith(b"HTTP/1.1 200 "), answer[:300]
    assert json.loads(provider.received[0]["body"])["name"] == "王小明"


def test_the_batch_write_names_the_log_and_call_tables_of_the_models():
    from ecity.exchange.models import LogPartition
    from ecity.exchange.services.monitoring_sql import TABLES

    assert (
        MessageLogRecord._meta.db_table,
        LogPartition._meta.db_table,
        CallRecord._meta.db_table,
    ) == TABLES
