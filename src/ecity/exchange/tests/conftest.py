"""Fixtures of the exchange tests: departments, systems, topics, local servers, the NATS broker."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from ecity.exchange.gateway.sealing import keys_forget
from ecity.exchange.services.topics import topic_save, topic_schema_add
from ecity.exchange.tests.factories import MemberFactory, SubsystemFactory
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory
from ecity.org.models import StaffRole
from ecity.testing.services import port_open, service_required


@pytest.fixture(autouse=True)
def _default_language():
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def platform_admin(db):
    return StaffRoleFactory(department=None, role=StaffRole.Role.PLATFORM_ADMIN).user


@pytest.fixture
def department(db):
    return DepartmentFactory(code="GAJ", name_zh="市公安局", name_en="Public Security Bureau")


@pytest.fixture
def department_admin(department):
    return StaffRoleFactory(department=department, role=StaffRole.Role.DEPARTMENT_ADMIN).user


PERSON_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["person", "version", "attributes"],
    "additionalProperties": False,
    "properties": {
        "person": {"type": "string"},
        "version": {"type": "integer", "minimum": 1},
        "attributes": {"type": "array", "items": {"type": "string", "pattern": "^[a-z_]+$"}},
    },
}


@pytest.fixture
def parties(db):
    """The police (publisher of ``gaj.person.changed``) and the labour bureau (subscriber)."""
    police = DepartmentFactory(code="GAJ", name_zh="示范市公安局", name_en="Police")
    labour = DepartmentFactory(code="RSJ", name_zh="示范市人社局", name_en="Labour")
    police_admin = StaffRoleFactory(department=police, role="department_admin").user
    labour_admin = StaffRoleFactory(department=labour, role="department_admin").user
    publisher = SubsystemFactory(
        member=MemberFactory(code="GAJ", department=police), code="hukou", name="户籍系统"
    )
    subscriber = SubsystemFactory(
        member=MemberFactory(code="RSJ", department=labour), code="shebao", name="社保系统"
    )
    topic = topic_save(
        actor=police_admin,
        owner=publisher,
        name="gaj.person.changed",
        description_zh="户籍变更",
        description_en="Household registration changed",
    )
    topic_schema_add(
        actor=police_admin, topic=topic, event_type="person.changed", schema=PERSON_SCHEMA
    )
    return {
        "police": police,
        "labour": labour,
        "police_admin": police_admin,
        "labour_admin": labour_admin,
        "publisher": publisher,
        "subscriber": subscriber,
        "topic": topic,
    }


@dataclass
class Webhook:
    """A real local HTTP server: answers with the next planned status (then 204)."""

    url: str
    received: list[dict] = field(default_factory=list)
    plan: list[int] = field(default_factory=list)

    def answer(self) -> int:
        return self.plan.pop(0) if self.plan else 204


@pytest.fixture
def webhook():
    hook = Webhook(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            hook.received.append(json.loads(body))
            status = hook.answer()
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):  # keep the test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/ecity/webhook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield hook
    server.shutdown()
    server.server_close()


def payload(n: int = 1, attributes=("address",), person: str = "P-1") -> dict:
    return {"person": person, "version": n, "attributes": list(attributes)}


PERSONS_OPENAPI = json.dumps(
    {
        "openapi": "3.0.3",
        "info": {"title": "人口信息", "version": "1"},
        "paths": {
            "/persons/{id}": {"get": {"summary": "读取人口信息"}},
            "/persons": {"post": {"summary": "登记"}, "get": {"summary": "查询"}},
            "/health": {"get": {"summary": "health"}},
        },
    },
    ensure_ascii=False,
)


@dataclass
class Provider:
    """A real HTTP server on the loopback: what it received, and a delay per request."""

    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    delay: float = 0.0


@pytest.fixture
def provider() -> Iterator[Provider]:
    state = Provider()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            state.received.append(
                {
                    "method": self.command,
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": body,
                }
            )
            if state.delay:
                time.sleep(state.delay)
            answer = json.dumps(
                {"id": self.path.rsplit("/", 1)[-1], "name": "王小明"}, ensure_ascii=False
            ).encode()
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except OSError:
                pass  # the gateway gave up (timeout test)

        do_GET = do_POST = _answer

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture(autouse=True)
def _fresh_keys_and_counters(db) -> Iterator[None]:
    keys_forget()  # each test's database has its own keys
    cache.clear()
    yield
    keys_forget()


def bearer_token(application: Any, secret: str) -> str:
    basic = base64.b64encode(f"{application.client_id}:{secret}".encode()).decode()
    response = Client().post(
        "/o/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert response.status_code == 200, response.content
    return str(response.json()["access_token"])


@pytest.fixture
def exchange(db, settings):
    """The police's population system provides; the labour bureau's social-security system calls.

    Both departments have a department administrator; the labour system has client credentials.
    """
    from ecity.exchange.models import Member, MemberClass, Subsystem
    from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory
    from ecity.sso.services import system_client_register

    settings.ECITY_EXCHANGE_INSTANCE = "CN-WH"
    police = DepartmentFactory(code="GAJ", name_zh="武汉市公安局", name_en="Police")
    labour = DepartmentFactory(code="RSJ", name_zh="武汉市人社局", name_en="Labour")
    platform_admin = StaffRoleFactory(role="platform_admin", department=None).user
    police_admin = StaffRoleFactory(department=police, role="department_admin").user
    labour_admin = StaffRoleFactory(department=labour, role="department_admin").user
    application, secret = system_client_register(
        actor=platform_admin, name="社保业务系统", department=labour
    )
    police_member = Member.objects.create(
        instance="CN-WH", member_class=MemberClass.GOV, code="GAJ", name="公安局", department=police
    )
    labour_member = Member.objects.create(
        instance="CN-WH", member_class=MemberClass.GOV, code="RSJ", name="人社局", department=labour
    )
    population = Subsystem.objects.create(
        member=police_member,
        code="population",
        name="人口系统",
        identifier="CN-WH/GOV/GAJ/population",
    )
    social = Subsystem.objects.create(
        member=labour_member,
        code="social",
        name="社保系统",
        identifier="CN-WH/GOV/RSJ/social",
        application=application,
    )
    return {
        "police": police,
        "labour": labour,
        "police_admin": police_admin,
        "labour_admin": labour_admin,
        "platform_admin": platform_admin,
        "application": application,
        "secret": secret,
        "population": population,
        "social": social,
    }


def nats_reachable(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return port_open(parts.hostname or "127.0.0.1", parts.port or 4222, timeout=2)


def nats_required() -> None:
    """Skip (or, with ``CI=true``, fail) a test when the broker is not reachable.

    ``scripts/test.sh`` starts ``nats-server -js`` when nothing listens on the port, so in the
    test command the broker is always there; a developer running one test file without it gets
    a skip that says why.
    """
    url = str(settings.ECITY_NATS_URL)
    service_required(
        f"NATS JetStream at {url} (scripts/test.sh starts nats-server -js)",
        lambda: nats_reachable(url),
    )


@pytest.fixture
def nats_prefix(settings):
    """A subject prefix (and so a stream) of this test alone; the stream is deleted after."""
    nats_required()
    prefix = f"ecitytest{uuid.uuid4().hex[:10]}"
    settings.ECITY_NATS_SUBJECT_PREFIX = prefix
    settings.ECITY_NATS_STREAM = ""
    settings.ECITY_EXCHANGE_TRANSPORT = "nats"
    yield prefix
    from ecity.exchange.transport.nats import Broker

    with Broker.connect() as broker:
        broker.stream_delete()


@pytest.fixture
def broker(nats_prefix):
    """A connection to the test's own stream, created."""
    from ecity.exchange.transport.nats import Broker

    with Broker.connect() as connected:
        connected.stream_ensure()
        yield connected
