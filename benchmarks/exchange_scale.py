"""Benchmark: the data exchange end to end through NATS JetStream, and a kill -9 run.

Not run by the test command. Needs NATS JetStream (``nats-server -js``, default
nats://127.0.0.1:4222). Prints, measured in one run:

1. **Publish → log → relay → consume → ack.** ``--publishers`` (4) publisher processes write
   ``--messages`` (20,000) signed publications, one transaction each (``envelope_seal`` +
   ``log_append``); one ``manage.py exchange_relay`` carries them to JetStream; one
   ``manage.py exchange_consume`` (a durable pull consumer) hands each to an idempotent inbox
   (``ecity.exchange.tests.inbox_probe``: one effect row per message ID) and acknowledges after
   commit. Messages/second end to end = messages / (last effect committed − first publication
   sealed); latency per message = effect committed − publication sealed (p50, p95).
   1b. The delivery path alone: ``--backlog`` (10,000) publications logged first, then the relay
   and the consumer started; messages/second until the last effect.
2. **Kill -9 run** (``--crash-messages``, 3,000): the same pipeline on a fresh stream, the relay
   killed with SIGKILL once a quarter of the messages is in the stream and restarted, the
   consumer killed once half of the effects exist and restarted; prints published, effects,
   lost (published without effect), duplicated effects and redeliveries seen by the inbox.
3. **Gateway vs direct** (request/response): a local HTTP provider called directly by
   ``--clients`` concurrent httpx clients (``--requests`` calls): requests/second and p50; then
   the same calls through each gateway of ``--gateway-servers`` (``lean``: ``manage.py
   exchange_gateway``; ``view``: the Django view under gunicorn), with the ratio to direct and
   the CPU the gateway's processes used per call; then the provider directly again. ``--clients``
   may list several concurrencies (default 16 and 32): each is measured, directly and through
   each gateway, and the **throughput** of each (its highest rate over the concurrencies) is
   compared too: a gateway adds latency, so at one fixed concurrency it is measured partly by
   its latency, while the direct calls are already bound by the load generator at 16.

    .venv/bin/python benchmarks/exchange_scale.py                        # SQLite file, 20,000
    .venv/bin/python benchmarks/exchange_scale.py --fresh \
        --database-url postgres://postgres@127.0.0.1:5432/ecity_h5_bench
    .venv/bin/python benchmarks/exchange_scale.py --messages 2000 --skip-crash

The database is a SQLite file in a temporary directory by default, or ``--database-url``
(PostgreSQL; created if missing, ``--fresh`` drops it first); it is migrated with the test
settings (``ecity.conf.test``, which install the inbox probe). Each run uses streams of its own
(subject prefix ``bench<random>``), deleted at the end. Loopback only; every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TOPIC = "registry.person.changed"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# -- set-up --------------------------------------------------------------------------------------


def database_setup(url: str, *, fresh: bool, data_dir: Path, prefix: str) -> None:
    """Create (PostgreSQL) and migrate the benchmark database; configure Django for it."""
    if url.startswith("postgres"):
        from cases_scale_fill import database_prepare

        database_prepare(url, fresh=fresh)
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="ecity.conf.test",
        ECITY_DATA_DIR=str(data_dir),
        ECITY_EXCHANGE_TRANSPORT="nats",
        ECITY_NATS_SUBJECT_PREFIX=prefix,
        ECITY_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", "-v", "0")


def publishers_ensure(count: int, *, label: str) -> list[str]:
    """``count`` publishing subsystems of one benchmark member (created when missing)."""
    from ecity.exchange.models import Member, MemberClass, Subsystem

    member, _ = Member.objects.get_or_create(
        instance="CN-DEMO",
        member_class=MemberClass.GOV,
        code="BENCH",
        defaults={"name": "基准测试部门"},
    )
    identifiers = []
    for n in range(count):
        code = f"{label}{n + 1}"
        identifier = f"{member.identifier}/{code}"
        Subsystem.objects.get_or_create(
            member=member,
            code=code,
            defaults={"name": f"基准测试系统{code}", "identifier": identifier},
        )
        identifiers.append(identifier)
    return identifiers


# -- the pipeline --------------------------------------------------------------------------------


class Pipeline:
    """Publisher, relay and consumer processes on one stream (subject prefix) of their own."""

    def __init__(
        self, *, url: str, prefix: str, data_dir: Path, nats_url: str, batch: int = 1
    ) -> None:
        from ecity.exchange.tests import crash_support as crash

        self.crash = crash
        self.prefix = prefix
        self.log = data_dir / f"{prefix}.log"
        self.env = crash.process_env(
            database_url=url,
            prefix=prefix,
            ECITY_DATA_DIR=str(data_dir),
            ECITY_NATS_URL=nats_url,
            ECITY_NATS_BACKOFF_SECONDS="2",
            ECITY_NATS_BATCH_SIZE="500",
            DJANGO_SETTINGS_MODULE="ecity.conf.test",
        )
        self.children: list[subprocess.Popen[bytes]] = []
        self.batch = batch

    def relay(self) -> subprocess.Popen[bytes]:
        child = self.crash.relay_spawn(env=self.env, log=self.log)
        self.children.append(child)
        return child

    def consumer(self) -> subprocess.Popen[bytes]:
        child = self.crash.consumer_spawn(
            env=self.env, log=self.log, durable=f"{self.prefix}-inbox", batch=500
        )
        self.children.append(child)
        return child

    def ready(self, *, timeout: float) -> None:
        """Wait until the relay and consumer processes are connected to the broker."""
        wait_for(
            lambda: self.log.exists() and self.log.read_text().count("connected to") >= 2,
            timeout=timeout,
            what="the relay and the consumer",
        )

    def publishers(
        self, senders: list[str], per_sender: int, *, timeout: float
    ) -> list[subprocess.Popen[bytes]]:
        """Start one publisher process per sender; all begin at once when all are set up."""
        go = self.log.with_name(f"{self.prefix}.go")
        started = []
        for n, sender in enumerate(senders):
            child = self.crash.spawn(
                [
                    *("-m", "ecity.exchange.tests.crash_support", "publish"),
                    *("--count", str(per_sender), "--sender", sender, "--topic", TOPIC),
                    *("--every", "0", "--pause", "0", "--go-file", str(go)),
                    *("--batch", str(self.batch)),
                    *("--ready-file", str(self.log.with_name(f"{self.prefix}.ready{n}"))),
                ],
                env=self.env,
                log=self.log,
            )
            self.children.append(child)
            started.append(child)
        wait_for(
            lambda: all(
                self.log.with_name(f"{self.prefix}.ready{n}").exists() for n in range(len(senders))
            ),
            timeout=timeout,
            what="the publishers' set-up",
        )
        go.touch()
        return started

    def stop(self) -> None:
        for child in self.children:
            self.crash.stop(child)


def effects_of(senders: list[str]) -> list[tuple[Any, Any]]:
    from ecity.exchange.tests.inbox_probe.models import ProbeEffect

    return list(
        ProbeEffect.objects.filter(sender__in=senders).values_list("published_at", "effected_at")
    )


def effect_count(senders: list[str]) -> int:
    from django.db import close_old_connections

    from ecity.exchange.tests.inbox_probe.models import ProbeEffect

    close_old_connections()
    return ProbeEffect.objects.filter(sender__in=senders).count()


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(0.2)


def throughput_run(args: argparse.Namespace, data_dir: Path, prefix: str) -> None:
    """Part 1: N messages from P publishers, end to end, with latency percentiles."""
    senders = publishers_ensure(args.publishers, label=f"PUB{prefix[-4:]}")
    pipeline = Pipeline(
        url=args.database_url,
        prefix=f"{prefix}a",
        data_dir=data_dir,
        nats_url=args.nats_url,
        batch=args.batch,
    )
    per_sender = args.messages // len(senders)
    total = per_sender * len(senders)
    try:
        pipeline.relay()
        pipeline.consumer()
        pipeline.ready(timeout=args.timeout)
        publishers = pipeline.publishers(senders, per_sender, timeout=args.timeout)
        wait_for(
            lambda: all(p.poll() is not None for p in publishers),
            timeout=args.timeout,
            what="the publishers",
        )
        if any(p.returncode for p in publishers):
            raise SystemExit(f"a publisher failed; see {pipeline.log}")
        wait_for(lambda: effect_count(senders) >= total, timeout=args.timeout, what="effects")
    finally:
        pipeline.stop()
    rows = effects_of(senders)
    first = min(published for published, _ in rows)
    last = max(effected for _, effected in rows)
    seconds = (last - first).total_seconds()
    latencies = [(effected - published).total_seconds() * 1000 for published, effected in rows]
    print(
        f"\n1. publish → log → relay → consume → ack: {total} signed messages from "
        f"{len(senders)} publishers ({args.batch} per transaction) in {seconds:.1f} s = "
        f"{total / seconds:,.0f} messages/s "
        f"end to end (goal ≥ 1,000)\n"
        f"   latency publication sealed → effect committed: p50 {percentile(latencies, 0.5):.0f} "
        f"ms, p95 {percentile(latencies, 0.95):.0f} ms, max {max(latencies):.0f} ms; "
        f"effects {len(rows)} of {total}"
    )


def backlog_run(args: argparse.Namespace, data_dir: Path, prefix: str) -> None:
    """Part 1b: the delivery path alone: a backlog published first, then relayed and consumed."""
    senders = publishers_ensure(args.publishers, label=f"BKL{prefix[-4:]}")
    pipeline = Pipeline(
        url=args.database_url,
        prefix=f"{prefix}c",
        data_dir=data_dir,
        nats_url=args.nats_url,
        batch=args.batch,
    )
    per_sender = args.backlog // len(senders)
    total = per_sender * len(senders)
    try:
        publishers = pipeline.publishers(senders, per_sender, timeout=args.timeout)
        publishing = time.monotonic()
        wait_for(
            lambda: all(p.poll() is not None for p in publishers),
            timeout=args.timeout,
            what="the publishers",
        )
        published_in = time.monotonic() - publishing
        started = time.monotonic()
        pipeline.relay()
        pipeline.consumer()
        pipeline.ready(timeout=args.timeout)
        connected = time.time()  # the effect rows carry the consumer's wall clock (same machine)
        wait_for(lambda: effect_count(senders) >= total, timeout=args.timeout, what="effects")
        seconds = time.monotonic() - started
    finally:
        pipeline.stop()
    last = max(effected for _, effected in effects_of(senders)).timestamp()
    print(
        f"\n1a. publishing alone (seal + log, {args.batch} per transaction, {len(senders)} "
        f"processes): {total} in {published_in:.1f} s = {total / published_in:,.0f} messages/s"
        f"\n1b. delivery path alone: a backlog of {total} logged publications relayed → consumed "
        f"→ acked in {seconds:.1f} s = {total / seconds:,.0f} messages/s (process start-up of "
        f"the relay and the consumer included); from both connected to the last effect "
        f"{last - connected:.1f} s = {total / (last - connected):,.0f} messages/s"
    )


def crash_run(args: argparse.Namespace, data_dir: Path, prefix: str) -> None:
    """Part 2: kill -9 the relay and the consumer once each; count lost and duplicated."""
    from ecity.exchange.transport.nats import Broker

    senders = publishers_ensure(args.publishers, label=f"CRA{prefix[-4:]}")
    pipeline = Pipeline(
        url=args.database_url, prefix=f"{prefix}b", data_dir=data_dir, nats_url=args.nats_url
    )
    crash = pipeline.crash
    shared = crash.SharedDatabase(args.database_url)
    before = shared.tally()
    per_sender = args.crash_messages // len(senders)
    total = per_sender * len(senders)
    os.environ["ECITY_NATS_SUBJECT_PREFIX"] = pipeline.prefix
    from django.conf import settings

    settings.ECITY_NATS_SUBJECT_PREFIX = pipeline.prefix
    broker = Broker.connect(url=args.nats_url)
    broker.stream_ensure()
    try:
        relay = pipeline.relay()
        consumer = pipeline.consumer()
        pipeline.ready(timeout=args.timeout)
        publishers = pipeline.publishers(senders, per_sender, timeout=args.timeout)
        wait_for(
            lambda: (broker.stream_info().state.messages or 0) >= total // 4,
            timeout=args.timeout,
            what="a quarter of the messages in the stream",
        )
        relay_mid = any(p.poll() is None for p in publishers)
        crash.kill9(relay)
        pipeline.relay()
        wait_for(
            lambda: effect_count(senders) >= total // 2,
            timeout=args.timeout,
            what="half of the effects",
        )
        consumer_mid = effect_count(senders) < total
        crash.kill9(consumer)
        pipeline.consumer()
        wait_for(
            lambda: all(p.poll() is not None for p in publishers),
            timeout=args.timeout,
            what="the publishers",
        )
        wait_for(lambda: effect_count(senders) >= total, timeout=args.timeout, what="effects")
        time.sleep(1)  # let late redeliveries arrive, so that a duplicate would show
        after = shared.tally()
        stream = broker.stream_info().state.messages
    finally:
        pipeline.stop()
        broker.stream_delete()
        broker.close()
    print(
        f"\n2. kill -9 run ({total} messages; relay killed mid-burst: {relay_mid}, consumer "
        f"killed mid-stream: {consumer_mid}): published {after['published'] - before['published']}"
        f", effects {after['effects'] - before['effects']}, lost {after['lost']}, "
        f"duplicated effects {after['duplicated']}, redeliveries by the broker "
        f"{crash.broker_redeliveries(pipeline.log)} (of which already handled, dropped by the "
        f"inbox: {after['redelivered'] - before['redelivered']}), stream messages {stream}"
    )


# -- gateway request/response vs direct ----------------------------------------------------------


class ProviderHandler(BaseHTTPRequestHandler):
    """A provider's REST service: a small JSON answer per request (what a department serves)."""

    protocol_version = "HTTP/1.1"
    # One write per answer, sent at once: headers and body written separately under Nagle's
    # algorithm meet the client's delayed ACK and every answer waits ~40 ms on loopback.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        body = json.dumps(
            {"id_number": "420102199001011234", "name": "王伟", "address": "武汉市江岸区"},
            ensure_ascii=False,
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return None


def provider_serve() -> None:
    """Serve the provider on a free loopback port; print the port (child process)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), ProviderHandler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


def provider_start() -> tuple[subprocess.Popen[str], str]:
    """Start the provider in its own process (so it never shares the clients' interpreter)."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve-provider"], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    port = int(child.stdout.readline())
    return child, f"http://127.0.0.1:{port}/persons/1.0/read"


def http_load(
    url: str, *, requests: int, clients: int, headers: dict[str, str] | None = None
) -> tuple[float, float]:
    """``requests`` GETs of ``url`` by ``clients`` concurrent httpx clients.

    Returns (requests per second, p50 latency in ms)."""
    import httpx

    latencies: list[float] = []

    async def client(count: int) -> None:
        async with httpx.AsyncClient(headers=headers or {}, timeout=30) as session:
            for _ in range(count):
                started = time.perf_counter()
                response = await session.get(url)
                response.raise_for_status()
                latencies.append((time.perf_counter() - started) * 1000)

    async def main() -> float:
        share = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]
        started = time.perf_counter()
        await asyncio.gather(*(client(n) for n in share))
        return time.perf_counter() - started

    seconds = asyncio.run(main())
    return requests / seconds, statistics.median(latencies)


def group_cpu_seconds(group: int) -> float:
    """CPU seconds (user + system) used so far by the processes of process group ``group``."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # pgrp
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def direct_measure(args: argparse.Namespace, url: str) -> dict[int, tuple[float, float]]:
    """The provider called directly: requests/second and p50 latency at each concurrency."""
    results = {}
    for clients in args.clients:
        http_load(url, requests=min(200, args.requests), clients=clients)  # warm-up
        results[clients] = http_load(url, requests=args.requests, clients=clients)
    return results


GATEWAY_OPENAPI = json.dumps(
    {
        "openapi": "3.0.3",
        "info": {"title": "人口信息", "version": "1"},
        "paths": {"/persons/1.0/read": {"get": {"summary": "读取人口信息"}}},
    },
    ensure_ascii=False,
)


def gateway_parties(provider_url: str) -> tuple[str, str, str, str]:
    """Register the provider's service, a client system with a right and client credentials.

    Returns (gateway path of the call, client subsystem identifier, client ID, secret).
    """
    from ecity.exchange.models import Member, MemberClass, Service, Subsystem
    from ecity.exchange.services.access import access_right_grant
    from ecity.exchange.services.registry import service_register
    from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory
    from ecity.sso.services import system_client_register

    tag = uuid.uuid4().hex[:6].upper()
    police = DepartmentFactory(code=f"G{tag}", name_zh=f"基准公安局{tag}", name_en="Police")
    labour = DepartmentFactory(code=f"R{tag}", name_zh=f"基准人社局{tag}", name_en="Labour")
    platform_admin = StaffRoleFactory(role="platform_admin", department=None).user
    police_admin = StaffRoleFactory(department=police, role="department_admin").user
    application, secret = system_client_register(
        actor=platform_admin, name=f"社保业务系统{tag}", department=labour
    )
    instance = local_instance_code()
    provider_member = Member.objects.create(
        instance=instance,
        member_class=MemberClass.GOV,
        code=f"G{tag}",
        name="公安局",
        department=police,
    )
    client_member = Member.objects.create(
        instance=instance,
        member_class=MemberClass.GOV,
        code=f"R{tag}",
        name="人社局",
        department=labour,
    )
    population = Subsystem.objects.create(
        member=provider_member,
        code="population",
        name="人口系统",
        identifier=f"{provider_member.identifier}/population",
    )
    social = Subsystem.objects.create(
        member=client_member,
        code="social",
        name="社保系统",
        identifier=f"{client_member.identifier}/social",
        application=application,
    )
    base_url, path = provider_url.split("/persons/", 1)
    service = service_register(
        actor=police_admin,
        provider=population,
        code="persons",
        kind=Service.Kind.REST,
        base_url=base_url,
        title_zh="人口信息查询",
        owner_contact="数据科",
        openapi=GATEWAY_OPENAPI,
        rate_limit_per_minute=0,
    )
    access_right_grant(actor=police_admin, client=social, service=service)
    return (
        f"/r1/{service.identifier}/persons/{path}",
        social.identifier,
        application.client_id,
        secret,
    )


def local_instance_code() -> str:
    from ecity.exchange.identifiers import local_instance

    return local_instance()


def gateway_server_start(
    args: argparse.Namespace, data_dir: Path, *, server: str
) -> tuple[Any, str]:
    """Serve the gateway on a free loopback port: ``server`` "view" (the platform under
    gunicorn gthread workers) or "lean" (``manage.py exchange_gateway``)."""
    import socket

    import httpx
    from django.db import connections

    connections.close_all()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ecity.conf.test",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        "ECITY_VAULT_KEY_CHECK_SECONDS": "5",
        "ECITY_LOG_LEVEL": "WARNING",
    }
    if server == "lean":
        command = [
            *(sys.executable, "-m", "django", "exchange_gateway"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(args.lean_workers)),
        ]
    else:
        command = [
            *(sys.executable, "-m", "gunicorn", "ecity.conf.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(args.gateway_workers)),
            *("--worker-class", "gthread", "--threads", str(args.gateway_threads)),
            *("--timeout", "60", "--log-level", "warning"),
        ]
    log = (data_dir / f"gateway-{server}.log").open("w")
    process = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the gateway server exited; see {log.name}")
        try:
            if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the gateway server did not start; see {log.name}")


def gateway_measure(
    args: argparse.Namespace, provider_url: str, data_dir: Path, *, server: str
) -> dict[int, tuple[float, float]]:
    """The same provider through the gateway (``server``: "view" or "lean"): requests/s and
    p50 at each concurrency of ``--clients``.

    Every call is authenticated (bearer token of a client-credentials system), checked against
    the client's access right, forwarded, sealed twice and logged (request and response records
    in the client's chain and a call record) before it is answered.
    """
    import httpx

    path, client, client_id, secret = gateway_parties(provider_url)
    process, base = gateway_server_start(args, data_dir, server=server)
    try:
        token = httpx.post(
            f"{base}/o/token/",
            data={"grant_type": "client_credentials"},
            auth=(client_id, secret),
            timeout=30,
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "X-Road-Client": client}
        results: dict[int, tuple[float, float]] = {}
        for clients in args.clients:
            http_load(
                base + path, requests=min(200, args.requests), clients=clients, headers=headers
            )  # warm-up (every worker process loads its keys)
            cpu_before = group_cpu_seconds(process.pid)
            results[clients] = http_load(
                base + path, requests=args.requests, clients=clients, headers=headers
            )
            cpu_used = group_cpu_seconds(process.pid) - cpu_before
            cpu_per_call_ms[server, clients] = cpu_used * 1000 / args.requests
        return results
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


# CPU of the gateway's processes per call (ms), by server: what bounds the ratio on a shared
# machine (the load generator and the provider need the same CPU with or without the gateway).
cpu_per_call_ms: dict[tuple[str, int], float] = {}

GATEWAY_SERVERS = {
    "view": "the Django view under gunicorn {gateway_workers} gthread workers × {gateway_threads}",
    "lean": "the lean path, manage.py exchange_gateway --workers {lean_workers}",
}


def gateway_run(args: argparse.Namespace, data_dir: Path) -> None:
    """Part 3: the provider directly, then through each gateway in ``--gateway-servers``."""
    provider, url = provider_start()
    results: dict[str, dict[int, tuple[float, float]]] = {}
    try:
        direct = direct_measure(args, url)
        for server in args.gateway_servers.split(","):
            results[server] = gateway_measure(args, url, data_dir, server=server)
        # The provider again after the gateways: the machine's load may have changed meanwhile.
        again = direct_measure(args, url)
    finally:
        provider.terminate()
        provider.wait(timeout=10)
    print(f"\n3. request/response, {args.requests} calls at each concurrency")
    for clients in args.clients:
        (direct_rps, direct_p50), (again_rps, again_p50) = direct[clients], again[clients]
        print(
            f"   {clients} concurrent clients: provider direct {direct_rps:,.0f} requests/s, "
            f"p50 {direct_p50:.1f} ms (again after the gateways: {again_rps:,.0f} requests/s, "
            f"p50 {again_p50:.1f} ms)"
        )
        for server, by_clients in results.items():
            rps, p50 = by_clients[clients]
            print(
                f"     through {GATEWAY_SERVERS[server].format(**vars(args))}: {rps:,.0f} "
                f"requests/s, p50 {p50:.1f} ms: {rps / direct_rps:.2f}× direct; gateway CPU "
                f"{cpu_per_call_ms[server, clients]:.2f} ms per call"
            )
    # The direct side's highest rate of both rounds (before and after the gateways): the
    # stricter comparison.
    peak_direct, at_direct = max(
        (rps, c) for rounds in (direct, again) for c, (rps, _p50) in rounds.items()
    )
    print(
        f"   throughput (the highest rate over {', '.join(map(str, args.clients))} clients, "
        f"direct over both rounds): provider direct {peak_direct:,.0f} requests/s (at {at_direct})"
    )
    for server, by_clients in results.items():
        peak, at = max((rps, c) for c, (rps, _p50) in by_clients.items())
        print(
            f"     through {GATEWAY_SERVERS[server].format(**vars(args))}: {peak:,.0f} "
            f"requests/s (at {at}): {peak / peak_direct:.2f}× direct (goal ≥ 0.6×)"
        )


def main() -> None:
    if sys.argv[1:] == ["--serve-provider"]:
        provider_serve()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="", help="default: a SQLite file in a tmp dir")
    parser.add_argument("--fresh", action="store_true", help="drop the PostgreSQL database first")
    parser.add_argument("--nats-url", default="nats://127.0.0.1:4222")
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--publishers", type=int, default=4)
    parser.add_argument(
        "--batch", type=int, default=1, help="part 1: messages per publishing transaction"
    )
    parser.add_argument("--backlog", type=int, default=10_000, help="part 1b (0: skip)")
    parser.add_argument("--crash-messages", type=int, default=3_000)
    parser.add_argument("--skip-crash", action="store_true")
    parser.add_argument("--requests", type=int, default=5_000, help="part 3 (0: skip)")
    parser.add_argument(
        "--clients",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[16, 32],
        help="part 3: concurrent clients, one or more comma-separated (default 16,32)",
    )
    parser.add_argument("--gateway-workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--gateway-threads", type=int, default=8)
    parser.add_argument("--lean-workers", type=int, default=1)
    parser.add_argument(
        "--gateway-servers",
        default="lean,view",
        help="part 3: gateways to measure, comma-separated: lean (manage.py exchange_gateway), "
        "view (the Django view under gunicorn)",
    )
    parser.add_argument("--gateway-only", action="store_true", help="part 3 only")
    parser.add_argument("--timeout", type=float, default=900, help="bound of every wait (s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecity-exchange-bench-") as tmp:
        data_dir = Path(tmp)
        if not args.database_url:
            args.database_url = f"sqlite:///{data_dir / 'bench.sqlite3'}"
        prefix = f"bench{uuid.uuid4().hex[:8]}"
        started = time.monotonic()
        database_setup(args.database_url, fresh=args.fresh, data_dir=data_dir, prefix=prefix)
        from django.db import connection

        print(
            f"exchange benchmark on {connection.vendor} "
            f"({urllib.parse.urlsplit(args.database_url).path.rsplit('/', 1)[-1]}), NATS "
            f"{args.nats_url}, {os.cpu_count()} CPUs; set-up {time.monotonic() - started:.0f} s"
        )
        from ecity.exchange.transport.nats import Broker

        try:
            if args.gateway_only:
                gateway_run(args, data_dir)
                return
            throughput_run(args, data_dir, prefix)
            if args.backlog:
                backlog_run(args, data_dir, prefix)
            if not args.skip_crash:
                crash_run(args, data_dir, prefix)
        finally:
            for suffix in ("a", "b", "c"):
                os.environ["ECITY_NATS_SUBJECT_PREFIX"] = prefix + suffix
                from django.conf import settings

                settings.ECITY_NATS_SUBJECT_PREFIX = prefix + suffix
                with Broker.connect(url=args.nats_url) as broker:
                    broker.stream_delete()
        if args.requests:
            gateway_run(args, data_dir)


if __name__ == "__main__":
    main()
