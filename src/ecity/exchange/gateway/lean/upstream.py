"""The lean gateway's HTTP/1.1 client to the providers: keep-alive connections per origin.

httpx's async pool walks every pooled connection on each request (its profile showed more CPU
in the pool than in the rest of the call); here a call takes an idle connection of the
provider's origin (or opens one), writes the request in one write, reads the answer (a plain
one with ``http11``'s fast path, any other with h11) and puts the connection back (not one
whose answer h11 read). A connection the provider closed while idle is seen at once (the
stream is at its end) and dropped, and one idle for longer than ``MAX_IDLE_SECONDS`` is not
reused (servers close idle keep-alive connections after a few seconds: gunicorn after 2).

A provider may still close a kept connection just as a request is written to it. When a reused
connection ends (or is reset) before the first byte of an answer, an idempotent request (GET,
HEAD, PUT, DELETE, OPTIONS, TRACE) is sent once more on a new connection; any other fails as
``ProviderUnreachable``, since the provider may have acted on it (RFC 9112, section 9.3.1).
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import h11

from ecity.exchange.gateway.lean import http11

MAX_IDLE_PER_ORIGIN = 100
READ_SIZE = 64 * 1024
MAX_HEAD_BYTES = 16 * 1024  # h11's default bound of an incomplete event
MAX_IDLE_SECONDS = 1.5
IDEMPOTENT_METHODS = frozenset({b"GET", b"HEAD", b"PUT", b"DELETE", b"OPTIONS", b"TRACE"})


class ProviderUnreachable(Exception):
    """The provider's system could not be reached or broke the connection."""


class _NoAnswer(ProviderUnreachable):
    """The connection ended before the first byte of an answer."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.reusable = False  # set when an exchange ended cleanly and keep-alive holds
        self.idle_since = 0.0  # loop time it was put back

    def usable(self) -> bool:
        return not (self.reader.at_eof() or self.writer.is_closing())

    def close(self) -> None:
        self.writer.close()


class _Request:
    """A request to send: its head written (and checked as h11 checks it) and its body."""

    def __init__(
        self, *, method: bytes, target: bytes, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> None:
        self.method, self.target, self.headers, self.body = method, target, headers, body
        self.head = http11.request_head_write(method, target, headers)


async def _h11_exchange(
    connection: _Connection, request: _Request, received: bytes, *, at_eof: bool
) -> Answer:
    """Read an answer that is not a plain one with h11 (the request is already sent)."""
    conn = h11.Connection(h11.CLIENT)
    conn.send(h11.Request(method=request.method, target=request.target, headers=request.headers))
    if request.body:
        conn.send(h11.Data(data=request.body))
    conn.send(h11.EndOfMessage())
    conn.receive_data(received)
    if at_eof:
        conn.receive_data(b"")
    response: h11.Response | None = None
    chunks: list[bytes] = []
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            conn.receive_data(await connection.reader.read(READ_SIZE))
            continue
        if isinstance(event, h11.Response):
            response = event
        elif isinstance(event, h11.Data):
            chunks.append(bytes(event.data))
        elif isinstance(event, h11.EndOfMessage):
            break
        elif isinstance(event, h11.ConnectionClosed):
            raise ProviderUnreachable("the provider closed the connection")
    assert response is not None
    return Answer(
        status=response.status_code,
        headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers],
        body=b"".join(chunks),
    )


@lru_cache(maxsize=256)
def _origin_of(scheme: str, netloc: str) -> tuple[tuple[str, str, int], bytes] | None:
    """The origin (scheme, host, port) and ``Host`` header of a URL's scheme and netloc."""
    parts = urlsplit(f"{scheme}://{netloc}")
    scheme = scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    port = parts.port or (443 if scheme == "https" else 80)
    host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    return (scheme, parts.hostname, port), host.encode("idna")


def _origin(scheme: str, netloc: str, url: str) -> tuple[tuple[str, str, int], bytes]:
    # The providers are few: their origins are parsed once (``parts.port`` and
    # ``parts.hostname`` re-parse the netloc on every access).
    origin = _origin_of(scheme, netloc)
    if origin is None:
        raise ProviderUnreachable(f"not an http(s) URL: {url}")
    return origin


class Upstream:
    """Connections to the providers of one event loop."""

    def __init__(self) -> None:
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._tls: ssl.SSLContext | None = None

    async def request(
        self,
        *,
        method: str,
        url: str,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        timeout: float,
    ) -> Answer:
        """Send one request and read the whole answer within ``timeout`` seconds.

        Raises ``TimeoutError`` and ``ProviderUnreachable``.
        """
        parts = urlsplit(url)
        origin, host = _origin(parts.scheme, parts.netloc, url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = _Request(
            method=method.encode("ascii"),
            target=target.encode("ascii"),
            headers=[
                (b"Host", host),
                *headers,
                (b"Content-Length", str(len(body)).encode("ascii")),
            ],
            body=body,
        )
        async with asyncio.timeout(timeout):
            connection, reused = await self._connection(origin)
            try:
                answer = await self._exchange_or_close(connection, request)
            except _NoAnswer:
                if not (reused and request.method in IDEMPOTENT_METHODS):
                    raise
                connection = await self._connect(origin)  # once more, on a new connection
                answer = await self._exchange_or_close(connection, request)
        self._release(origin, connection)
        return answer

    async def _exchange_or_close(self, connection: _Connection, request: _Request) -> Answer:
        """``_exchange``; the connection is closed when it fails."""
        try:
            return await self._exchange(connection, request)
        except (OSError, h11.ProtocolError) as error:
            connection.close()
            raise ProviderUnreachable(str(error)) from error
        except BaseException:
            connection.close()
            raise

    async def _connection(self, origin: tuple[str, str, int]) -> tuple[_Connection, bool]:
        """An idle connection to ``origin`` (and True), or a new one (and False)."""
        idle = self._idle.get(origin)
        if idle:
            fresh_since = asyncio.get_running_loop().time() - MAX_IDLE_SECONDS
            while idle:
                connection = idle.pop()
                if connection.idle_since >= fresh_since and connection.usable():
                    return connection, True
                connection.close()
        return await self._connect(origin), False

    async def _connect(self, origin: tuple[str, str, int]) -> _Connection:
        scheme, hostname, port = origin
        try:
            reader, writer = await asyncio.open_connection(
                hostname,
                port,
                ssl=self._tls_context() if scheme == "https" else None,
                limit=READ_SIZE,
            )
        except OSError as error:
            raise ProviderUnreachable(str(error)) from error
        return _Connection(reader, writer)

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = ssl.create_default_context()
        return self._tls

    async def _exchange(self, connection: _Connection, request: _Request) -> Answer:
        connection.reusable = False
        try:
            connection.writer.write(request.head + request.body)
            buffer = await connection.reader.read(READ_SIZE)
        except (ConnectionResetError, BrokenPipeError) as error:
            raise _NoAnswer(str(error)) from error
        if not buffer:
            raise _NoAnswer("the provider closed the connection before answering")
        while (end := buffer.find(http11.END_OF_HEAD)) < 0 and len(buffer) <= MAX_HEAD_BYTES:
            data = await connection.reader.read(READ_SIZE)
            if not data:
                return await _h11_exchange(connection, request, buffer, at_eof=True)
            buffer += data
        head = (
            http11.response_head_parse(buffer[:end])
            if 0 <= end <= MAX_HEAD_BYTES and request.method != b"HEAD"
            else None
        )
        if head is None:  # not a plain answer: h11 reads it (and the connection is not reused)
            return await _h11_exchange(connection, request, buffer, at_eof=False)
        body = buffer[end + len(http11.END_OF_HEAD) :]
        while len(body) < head.content_length:
            data = await connection.reader.read(READ_SIZE)
            if not data:
                raise ProviderUnreachable("the provider closed the connection mid-answer")
            body += data
        # Bytes past the declared length are no answer to anything: drop the connection.
        connection.reusable = head.keep_alive and len(body) == head.content_length
        return Answer(
            status=head.status,
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in head.headers],
            body=body[: head.content_length],
        )

    def _release(self, origin: tuple[str, str, int], connection: _Connection) -> None:
        if connection.reusable:
            idle = self._idle.setdefault(origin, [])
            if len(idle) < MAX_IDLE_PER_ORIGIN:
                connection.idle_since = asyncio.get_running_loop().time()
                idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        for idle in self._idle.values():
            for connection in idle:
                connection.close()
        self._idle.clear()
