"""Real local providers for the adapter tests: a spyne SOAP service and a JSON HTTP server.

``household_soap_server`` serves a legacy 户籍查询 (household registration lookup) SOAP
service with spyne over wsgiref on 127.0.0.1; ``QueryHousehold(idNumber)`` answers name,
address, registration date, a fee as a decimal and the members, and a SOAP fault for an
unknown ID number. ``SlowQuery(seconds)`` sleeps before answering (timeouts).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from spyne import (
    Application,
    ComplexModel,
    Date,
    Fault,
    Float,
    Iterable,
    Unicode,
    rpc,
)
from spyne import Decimal as SoapDecimal
from spyne import ServiceBase as SoapService
from spyne.protocol.soap import Soap11
from spyne.server.wsgi import WsgiApplication

NS = "urn:example:huji"
HOUSEHOLDS: dict[str, dict[str, Any]] = {
    "110101199003070015": {
        "name": "王小明",
        "address": "示范市长安路1号",
        "registeredOn": dt.date(2001, 3, 7),
        "fee": Decimal("12.50"),
        "members": [("王小明", "户主"), ("李梅", "配偶")],
    }
}


class Member(ComplexModel):
    __namespace__ = NS
    name = Unicode
    relation = Unicode


class Household(ComplexModel):
    __namespace__ = NS
    name = Unicode
    address = Unicode
    registeredOn = Date
    fee = SoapDecimal
    members = Iterable(Member)


class HouseholdService(SoapService):
    @rpc(Unicode, _returns=Household)
    def QueryHousehold(ctx, idNumber):
        record = HOUSEHOLDS.get(idNumber or "")
        if record is None:
            raise Fault(faultcode="Client.NotFound", faultstring=f"无此户籍记录: {idNumber}")
        return Household(
            name=record["name"],
            address=record["address"],
            registeredOn=record["registeredOn"],
            fee=record["fee"],
            members=[Member(name=n, relation=r) for n, r in record["members"]],
        )

    @rpc(Float, _returns=Unicode)
    def SlowQuery(ctx, seconds):
        time.sleep(seconds)
        return "done"


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


@contextmanager
def household_soap_server() -> Iterator[str]:
    """Serve the legacy household service on a free port; yields the WSDL URL."""
    app = Application(
        [HouseholdService],
        tns=NS,
        name="HouseholdService",
        in_protocol=Soap11(validator="lxml"),
        out_protocol=Soap11(),
    )
    server = make_server(
        "127.0.0.1",
        0,
        WsgiApplication(app),
        server_class=_ThreadingWSGIServer,
        handler_class=_QuietHandler,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/?wsdl"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def json_server(routes: dict[str, tuple[int, object]], delay: float = 0.0) -> Iterator[str]:
    """Serve fixed JSON answers ``{path: (status, body)}`` on a free port; yields the base URL.

    Every request is recorded in ``server.requests`` (method, path, body) of the yielded
    URL's server (``json_server.last``). ``delay`` seconds pass before each answer.
    """
    received: list[tuple[str, str, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            received.append((self.command, self.path, self.rfile.read(length)))
            if delay:
                time.sleep(delay)
            path = self.path.split("?")[0]
            status, body = routes.get(path, (404, {"message": "no such path"}))
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    json_server.received = received  # type: ignore[attr-defined]
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
