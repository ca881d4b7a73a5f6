"""Fixtures of the exchange tests: departments, administrators, systems, a topic, a webhook."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.utils import translation

from ecity.exchange.services.topics import topic_save, topic_schema_add
from ecity.exchange.tests.factories import MemberFactory, SubsystemFactory
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory
from ecity.org.models import StaffRole


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
