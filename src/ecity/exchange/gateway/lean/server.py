"""A small HTTP/1.1 server for the lean gateway's ASGI application (asyncio + h11).

The platform's web processes run under gunicorn (WSGI); the lean gateway needs an event loop
and no ASGI server is a dependency of ecity, so this module serves the ASGI application with
h11 (already installed with httpx), keep-alive connections and ``TCP_NODELAY``; plain
requests and their answers are parsed and written by ``http11``'s fast path, everything else
by h11. It is meant to
sit behind the load balancer like the web processes (TLS ends there). ``serve`` runs
``workers`` processes that share one listening socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
from typing import Any
from urllib.parse import unquote

import h11

from ecity.exchange.gateway.lean import http11
from ecity.exchange.gateway.lean.app import AsgiApp, Message

logger = logging.getLogger("ecity.exchange.gateway")

READ_SIZE = 64 * 1024
MAX_HEADER_BYTES = 32 * 1024


class _Connection:
    """One client connection: requests in turn (HTTP/1.1 keep-alive), each handed to the app."""

    def __init__(
        self, app: AsgiApp, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.app, self.reader, self.writer = app, reader, writer
        self.conn = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEADER_BYTES)
        self.buffer = b""  # bytes read and not yet parsed (fast path)
        self.at_eof = False
        sock = writer.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.client = writer.get_extra_info("peername")
        self.server = writer.get_extra_info("sockname")

    async def _event(self) -> Any:
        while True:
            event = self.conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            data = await self.reader.read(READ_SIZE)
            self.conn.receive_data(data)  # b"" marks the end of the stream

    async def run(self) -> None:
        try:
            while True:  # plain requests on the fast path (``http11``)
                head = await self._fast_head()
                if head is None:
                    break
                if not await self._fast_request(head):
                    return
            if not self.buffer and self.at_eof:
                return
            # Anything else: h11 from the first byte of this request, for the rest of the
            # connection.
            if self.buffer:
                self.conn.receive_data(self.buffer)
                self.buffer = b""
            if self.at_eof:
                self.conn.receive_data(b"")
            while True:
                try:
                    event = await self._event()
                except h11.RemoteProtocolError:
                    await self._refuse()
                    return
                if not isinstance(event, h11.Request):
                    return  # ConnectionClosed (or nothing more to read)
                await self._request(event)
                if self.conn.our_state is not h11.DONE:
                    return
                while self.conn.their_state is not h11.DONE:  # a body the app did not read
                    drained = await self._event()
                    if isinstance(drained, h11.ConnectionClosed):
                        return
                if h11.MUST_CLOSE in (self.conn.our_state, self.conn.their_state):
                    return
                self.conn.start_next_cycle()
        except (ConnectionError, h11.LocalProtocolError, h11.RemoteProtocolError):
            return
        finally:
            self.writer.close()

    async def _fill(self) -> bool:
        """Read more into the buffer; False at the end of the stream."""
        data = await self.reader.read(READ_SIZE)
        if not data:
            self.at_eof = True
            return False
        self.buffer += data
        return True

    async def _fast_head(self) -> http11.Head | None:
        """The next request's head if it is a plain one (consumed), else None (not consumed)."""
        while True:
            end = self.buffer.find(http11.END_OF_HEAD)
            if end > MAX_HEADER_BYTES:
                return None
            if end >= 0:
                head = http11.request_head_parse(self.buffer[:end])
                if head is not None:
                    self.buffer = self.buffer[end + len(http11.END_OF_HEAD) :]
                return head
            if len(self.buffer) > MAX_HEADER_BYTES or not await self._fill():
                return None

    async def _fast_request(self, head: http11.Head) -> bool:
        """Serve a plain request; whether the connection may serve the next one."""
        target = head.target.decode("latin-1")
        path, _sep, query = target.partition("?")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": head.method.decode("ascii"),
            "scheme": "http",
            "path": unquote(path),
            "raw_path": path.encode("latin-1"),
            "query_string": query.encode("latin-1"),
            "root_path": "",
            "headers": head.headers,
            "client": self.client,
            "server": self.server,
        }
        finished = asyncio.Event()
        remaining = head.content_length
        body_done = remaining == 0
        body_started = False
        disconnected = False
        started: dict[str, Any] = {}
        answer: dict[str, Any] = {"sent": False, "complete": False, "close": False}
        framing: dict[str, Any] = {"length": None, "written": 0, "chunked": False, "body": True}

        async def receive() -> Message:
            nonlocal remaining, body_done, body_started, disconnected
            if body_done and body_started:
                await finished.wait()  # ASGI: no disconnect before the answer (Django listens)
                return {"type": "http.disconnect"}
            body_started = True
            if remaining == 0:
                body_done = True
                return {"type": "http.request", "body": b"", "more_body": False}
            if not self.buffer and not await self._fill():
                body_done = disconnected = True
                return {"type": "http.disconnect"}
            chunk, self.buffer = self.buffer[:remaining], self.buffer[remaining:]
            remaining -= len(chunk)
            body_done = remaining == 0
            return {"type": "http.request", "body": chunk, "more_body": not body_done}

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
                return
            if message["type"] != "http.response.body" or answer["complete"]:
                return
            out = b""
            if started:
                out = self._fast_response_head(started, body_done, answer, framing)
                started.clear()
                answer["sent"] = True
            body = message.get("body", b"")
            more = message.get("more_body", False)
            if body and framing["body"]:
                framing["written"] += len(body)
                if framing["length"] is not None and framing["written"] > framing["length"]:
                    raise h11.LocalProtocolError("Too much data for declared Content-Length")
                out += b"%x\r\n%s\r\n" % (len(body), body) if framing["chunked"] else body
            if not more:
                if framing["length"] is not None and framing["written"] != framing["length"]:
                    raise h11.LocalProtocolError("Too little data for declared Content-Length")
                if framing["chunked"]:
                    out += b"0\r\n\r\n"
                answer["complete"] = True
            self.writer.write(out)  # one write (one segment) per message, not one per part
            await self.writer.drain()

        try:
            await self.app(scope, receive, send)
        except Exception:
            logger.exception("the gateway application failed on %s", path)
            if not answer["sent"]:
                self.writer.write(http11.response_head_write(500, [(b"content-length", b"0")]))
                await self.writer.drain()
            return False
        finally:
            finished.set()
        return answer["complete"] and not answer["close"] and not disconnected

    @staticmethod
    def _fast_response_head(
        started: dict[str, Any], body_done: bool, answer: dict[str, Any], framing: dict[str, Any]
    ) -> bytes:
        """The answer's head, framed as h11 frames it (length, or chunked without one)."""
        status = started["status"]
        headers = []
        for name, value in started.get("headers", []):
            lowered = name.lower()
            if lowered == b"content-length":
                if http11.DIGITS.fullmatch(value) is None:
                    raise h11.LocalProtocolError("bad Content-Length")
                framing["length"] = int(value)
            elif lowered == b"transfer-encoding":
                continue  # framed here, as h11 does
            elif lowered == b"connection" and b"close" in value.lower():
                answer["close"] = True
            headers.append((name, value))
        if status in (204, 304):
            framing["body"], framing["length"] = False, None
        elif framing["length"] is None:
            framing["chunked"] = True
            headers.append((b"transfer-encoding", b"chunked"))
        if not body_done and not answer["close"]:
            headers.append((b"connection", b"close"))  # unread body: do not reuse
            answer["close"] = True
        return http11.response_head_write(status, headers)

    async def _refuse(self) -> None:
        try:
            self.writer.write(
                self.conn.send(h11.Response(status_code=400, headers=[("Content-Length", "0")]))
            )
            self.writer.write(self.conn.send(h11.EndOfMessage()))
            await self.writer.drain()
        except h11.LocalProtocolError:
            pass

    async def _request(self, request: h11.Request) -> None:
        target = request.target.decode("latin-1")
        path, _sep, query = target.partition("?")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": request.http_version.decode("ascii"),
            "method": request.method.decode("ascii"),
            "scheme": "http",
            "path": unquote(path),
            "raw_path": path.encode("latin-1"),
            "query_string": query.encode("latin-1"),
            "root_path": "",
            "headers": [(name.lower(), value) for name, value in request.headers],
            "client": self.client,
            "server": self.server,
        }
        finished = asyncio.Event()
        body_done = False
        started: dict[str, Any] = {}

        async def receive() -> Message:
            nonlocal body_done
            if body_done:
                await finished.wait()  # ASGI: no disconnect before the answer (Django listens)
                return {"type": "http.disconnect"}
            if self.conn.they_are_waiting_for_100_continue:
                # A client that sent "Expect: 100-continue" (curl does for bodies over 1 KB)
                # waits for this before sending the body: tell it to go on.
                self.writer.write(
                    self.conn.send(h11.InformationalResponse(status_code=100, headers=[]))
                )
            event = await self._event()
            if isinstance(event, h11.Data):
                return {"type": "http.request", "body": bytes(event.data), "more_body": True}
            body_done = True
            if isinstance(event, h11.EndOfMessage):
                return {"type": "http.request", "body": b"", "more_body": False}
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
                return
            if message["type"] != "http.response.body":
                return
            out = b""
            if started:
                headers = list(started.get("headers", []))
                if self.conn.their_state is not h11.DONE and not body_done:
                    headers.append((b"connection", b"close"))  # unread body: do not reuse
                out = self.conn.send(h11.Response(status_code=started["status"], headers=headers))
                started.clear()
            body = message.get("body", b"")
            if body:
                out += self.conn.send(h11.Data(data=body))
            if not message.get("more_body", False):
                out += self.conn.send(h11.EndOfMessage())
            self.writer.write(out)  # one write (one segment) per message, not one per part
            await self.writer.drain()

        try:
            await self.app(scope, receive, send)
        except Exception:
            logger.exception("the gateway application failed on %s", path)
            if self.conn.our_state is h11.SEND_RESPONSE:
                self.writer.write(
                    self.conn.send(h11.Response(status_code=500, headers=[("Content-Length", "0")]))
                )
                self.writer.write(self.conn.send(h11.EndOfMessage()))
        finally:
            finished.set()


async def serve_socket(app: AsgiApp, sock: socket.socket) -> None:
    """Serve ``app`` on the listening ``sock`` until cancelled (one process, one event loop)."""
    lifespan: asyncio.Queue[Message] = asyncio.Queue()
    await lifespan.put({"type": "lifespan.startup"})
    sent: asyncio.Queue[Message] = asyncio.Queue()

    async def lifespan_send(message: Message) -> None:
        await sent.put(message)

    lifespan_task = asyncio.ensure_future(
        app({"type": "lifespan", "asgi": {"version": "3.0"}}, lifespan.get, lifespan_send)
    )
    await sent.get()  # startup complete

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _Connection(app, reader, writer).run()

    server = await asyncio.start_server(connection, sock=sock, limit=READ_SIZE)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with server:
        await stop.wait()
    await lifespan.put({"type": "lifespan.shutdown"})
    await asyncio.wait_for(lifespan_task, timeout=30)


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket listening on ``host:port`` (shared by the worker processes)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def serve(*, host: str, port: int, workers: int) -> None:
    """Serve the lean gateway with ``workers`` processes (forked; 1: this process)."""
    from django.db import connections

    from ecity.exchange.gateway.lean.app import application_make

    sock = listening_socket(host, port)
    connections.close_all()  # no connection may be shared across the fork

    def child() -> None:
        asyncio.run(serve_socket(application_make(), sock))

    if workers <= 1:
        child()
        return
    pids = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            try:
                child()
            finally:
                os._exit(0)
        pids.append(pid)

    def forward(signum: int, _frame: Any) -> None:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    for pid in pids:
        os.waitpid(pid, 0)
