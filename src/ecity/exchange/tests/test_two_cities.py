"""The two-cities proof: two ecity nodes (processes, PostgreSQL databases) exchange as one.

City A (CN-A) and city B (CN-B) each run their own web server (gunicorn) and job runner on the
loopback address, with their own database and data folder. They exchange their signed
federation configurations with the operator commands, B grants A's system its service, A's
system subscribes to B's topic (approved by B's owner). Then A's system calls B's service
through both gateways, and B publishes a burst while its processes are killed with SIGKILL and
restarted: A's inbox ends with each message exactly once, and both message logs verify.

Needs PostgreSQL (two databases, concurrent processes): skipped on SQLite runs, failed under
``CI=true`` when PostgreSQL is unreachable. The databases are ``<test database>_a`` and ``_b``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import connections

from ecity.exchange.tests.crash_support import MANAGE, SRC
from ecity.testing.services import port_open, service_required

pytestmark = [pytest.mark.federation, pytest.mark.postgres]

BURST = 200
CLIENT = "CN-A/GOV/MZJ/shjz"
SERVICE_PATH = "/r1/CN-B/GOV/GAJ/hukou/persons/persons/42"


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Node:
    code: str
    database_url: str
    port: int
    data_dir: Path
    log: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "DJANGO_SETTINGS_MODULE": "ecity.conf.test",
            "PYTHONPATH": os.pathsep.join(p for p in (str(SRC), os.environ.get("PYTHONPATH")) if p),
            "ECITY_DATA_DIR": str(self.data_dir),
            "ECITY_EXCHANGE_INSTANCE": self.code,
            "ECITY_EXCHANGE_GATEWAY_URL": self.url,
            "ECITY_EXCHANGE_TRANSPORT": "database",
            "ECITY_EXCHANGE_DELIVER_EVERY_SECONDS": "1",
            "ECITY_EXCHANGE_RETRY_SECONDS": "1",
            "ECITY_EXCHANGE_VISIBILITY_SECONDS": "3",
            "ECITY_EXCHANGE_MAX_ATTEMPTS": "1000",
        }

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run ``manage.py <args>`` (or ``-m module``) to completion; fail with its output."""
        command = (
            [sys.executable, *args] if args[0] == "-m" else [sys.executable, str(MANAGE), *args]
        )
        done = subprocess.run(  # noqa: S603 - our own commands
            command, env=self.env(), capture_output=True, text=True, timeout=timeout, check=False
        )
        assert done.returncode == 0, f"{self.code} {args}:\n{done.stdout}\n{done.stderr}"
        return done

    def support(self, *args: str) -> dict[str, Any]:
        out = self.run("-m", "ecity.exchange.tests.two_cities_support", *args).stdout
        return dict(json.loads(out.rsplit("RESULT ", 1)[1]))

    def spawn(self, name: str, *args: str) -> None:
        command = (
            [sys.executable, *args] if args[0] == "-m" else [sys.executable, str(MANAGE), *args]
        )
        with self.log.open("ab") as out:
            self.processes[name] = subprocess.Popen(  # noqa: S603 - our own commands
                command,
                env=self.env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: SIGKILL reaches its workers
            )

    def start(self) -> None:
        self.spawn(
            "web",
            "-m",
            "gunicorn",
            "ecity.conf.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "2",
            "--timeout",
            "30",
        )
        self.spawn("jobs", "run_worker")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2),  # noqa: S310
            ):
                return
            if self.processes["web"].poll() is not None:
                break
            time.sleep(0.2)
        pytest.fail(f"node {self.code} did not start:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> list[str]:
        """SIGKILL every process of the node (and its children); return what was running."""
        killed = []
        for name, process in list(self.processes.items()):
            if process.poll() is None:
                killed.append(name)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        self.processes.clear()
        return killed


def _pg_url(name: str) -> str:
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def _pg(url: str):
    return psycopg.connect(url, autocommit=True)


def _scalar(url: str, sql: str) -> int:
    with _pg(url) as connection:
        row = connection.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


@pytest.fixture(scope="module")
def provider_url() -> Iterator[str]:
    """City B's household system (the outside world of the exchange)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(
                {"person": self.path.rsplit("/", 1)[-1], "户号": "H-0042"}, ensure_ascii=False
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def cities(django_db_setup, django_db_blocker, provider_url) -> Iterator[dict[str, Node]]:
    """Two migrated, federated, running nodes; A's system subscribed to B's topic."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("two cities need PostgreSQL: run with DATABASE_URL=postgres://…")
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    service_required(
        "PostgreSQL", lambda: port_open(parts.hostname or "127.0.0.1", parts.port or 5432)
    )
    from django.db import connection

    base = connection.settings_dict["NAME"]
    work = Path(tempfile.mkdtemp(prefix="ecity-two-cities-"))
    nodes = {}
    # Each city's database is a copy of this worker's test database, which pytest-django has
    # just migrated (a copy takes a second; migrating a fresh one takes a minute or more). The
    # copy needs nobody connected to the original: this process closes its connections (Django
    # reconnects for the next test); if a connection is still open, the city is migrated.
    with django_db_blocker.unblock():
        connections.close_all()
    fresh: list[str] = []
    with _pg(_pg_url("postgres")) as admin:
        for code, suffix in (("CN-A", "a"), ("CN-B", "b")):
            name = f"{base}_{suffix}"
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            try:
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{base}"')
            except psycopg.errors.ObjectInUse:
                admin.execute(f'CREATE DATABASE "{name}"')
                fresh.append(code)
            data_dir = work / suffix
            data_dir.mkdir()
            nodes[code] = Node(code, _pg_url(name), _free_port(), data_dir, work / f"{suffix}.log")
    a, b = nodes["CN-A"], nodes["CN-B"]
    try:
        # Migrate the fresh ones (if any) at once (a fresh database takes a while).
        migrations = [
            subprocess.Popen(  # noqa: S603 - our own command
                [sys.executable, str(MANAGE), "migrate", "--no-input", "-v", "0"],
                env=node.env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            for node in (a, b)
            if node.code in fresh
        ]
        for process in migrations:
            output = process.communicate(timeout=600)[0]
            assert process.returncode == 0, output.decode()[-3000:]
        b.support("setup-b", "--provider-url", provider_url)
        a_setup = a.support("setup-a")
        kids = {}
        for node in (a, b):
            done = node.run("exchange_federation_export", "--output", str(work / node.code))
            kids[node.code] = done.stderr.rsplit(": ", 1)[1].strip()
        # Each operator pins the other city's node key ID, told through another channel.
        a.run("exchange_federation_import", str(work / "CN-B"), "--node-kid", kids["CN-B"])
        b.run("exchange_federation_import", str(work / "CN-A"), "--node-kid", kids["CN-A"])
        b.support("grant-b")
        a.start()
        b.start()
        a.support("subscribe-a")
        b.support("approve-b")
        a.secret = a_setup["secret"]  # type: ignore[attr-defined]
        a.client_id = a_setup["client_id"]  # type: ignore[attr-defined]
        yield nodes
    finally:
        for node in (a, b):
            node.kill()
        with _pg(_pg_url("postgres")) as admin:
            for node in (a, b):
                name = urllib.parse.urlsplit(node.database_url).path.lstrip("/")
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _token(a: Node) -> str:
    basic = base64.b64encode(f"{a.client_id}:{a.secret}".encode()).decode()  # type: ignore[attr-defined]
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{a.url}/o/token/",
        data=b"grant_type=client_credentials",
        headers={"Authorization": f"Basic {basic}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        return str(json.load(response)["access_token"])


def test_a_system_of_city_a_calls_a_service_of_city_b_through_both_gateways(cities):
    a, b = cities["CN-A"], cities["CN-B"]

    # When A's civil-affairs system calls B's household service at its own city's gateway
    request = urllib.request.Request(  # noqa: S310 - loopback
        a.url + SERVICE_PATH,
        headers={"Authorization": f"Bearer {_token(a)}", "X-Road-Client": CLIENT},
    )
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - loopback
        status, body, message_id = (
            response.status,
            json.load(response),
            response.headers["X-Road-Id"],
        )

    # Then B's provider answered, and both cities logged the same call in A's system's chain
    assert status == 200
    assert body == {"person": "42", "户号": "H-0042"}
    for node in (a, b):
        with _pg(node.database_url) as connection:
            kinds = connection.execute(
                "SELECT kind, envelope->>'sender' FROM exchange_messagelogrecord"
                " WHERE partition = %s AND (message_id = %s OR envelope->>'correlation_id' = %s)"
                " ORDER BY seq",
                [CLIENT, message_id, message_id],
            ).fetchall()
        assert kinds == [("request", CLIENT), ("response", "CN-B/GOV/GAJ/hukou")], node.code


def test_a_burst_of_city_b_reaches_city_a_exactly_once_across_a_kill_of_node_b(cities):
    a, b = cities["CN-A"], cities["CN-B"]
    started = time.monotonic()
    inbox_sql = "SELECT count(*) FROM exchange_inboxentry"
    published_sql = "SELECT count(*) FROM exchange_publication"

    # Given B's household system publishes a burst on the topic A's system subscribed to
    b.spawn(
        "publisher",
        "-m",
        "ecity.exchange.tests.two_cities_support",
        "publish-b",
        "--count",
        str(BURST),
    )
    # When node B's processes (web, job runner, publisher) are killed with SIGKILL mid-burst
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if _scalar(b.database_url, published_sql) >= BURST // 3 and _scalar(
            a.database_url, inbox_sql
        ):
            break
        time.sleep(0.1)
    killed = b.kill()
    at_kill = (_scalar(b.database_url, published_sql), _scalar(a.database_url, inbox_sql))
    # … and restarted (the publisher starts its burst again: the same message IDs)
    b.start()
    b.spawn(
        "publisher",
        "-m",
        "ecity.exchange.tests.two_cities_support",
        "publish-b",
        "--count",
        str(BURST),
    )
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and _scalar(a.database_url, inbox_sql) < BURST:
        time.sleep(0.2)
    b.processes["publisher"].wait(timeout=30)

    # Then A's inbox holds each message exactly once, handed once to A's subscriber
    published = _scalar(b.database_url, published_sql)
    inbox = _scalar(a.database_url, inbox_sql)
    distinct = _scalar(a.database_url, "SELECT count(DISTINCT message_id) FROM exchange_inboxentry")
    handed = _scalar(a.database_url, "SELECT count(*) FROM exchange_delivery")
    attempts = _scalar(b.database_url, "SELECT sum(attempts) FROM exchange_delivery")
    print(
        f"\ntwo cities: killed {killed} at {at_kill[0]} published / {at_kill[1]} received;"
        f" published {published}, pushes {attempts}, A's inbox {inbox} ({distinct} distinct),"
        f" handed to A's subscriber {handed}; lost {BURST - distinct},"
        f" duplicated {inbox - distinct}; {time.monotonic() - started:.1f} s"
    )
    assert at_kill[0] < BURST, "the kill came after the burst: not a mid-burst proof"
    assert published == BURST
    assert (inbox, distinct, handed) == (BURST, BURST, BURST)
    # And both message logs verify
    for node in (a, b):
        node.run("exchange_log_verify")
