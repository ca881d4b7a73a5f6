"""The lean gateway's HTTP/1.1 fast path: plain messages parsed directly, all others by h11.

Unit tests of ``gateway.lean.http11`` (what counts as plain), then the server and the
upstream client over real loopback sockets: plain and non-plain messages mixed on one
keep-alive connection get the same answers.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import h11
import pytest

from ecity.exchange.gateway.lean import http11
from ecity.exchange.gateway.lean.server import serve_socket
from ecity.exchange.gateway.lean.upstream import Upstream

PLAIN = (
    b"POST /r1/x?a=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n"
    b"X-Road-Client:  CN/GOV/1/social \r\nConnection: keep-alive"
)


def test_a_plain_request_head_is_parsed_with_lowercased_names_and_its_length():
    head = http11.request_head_parse(PLAIN)

    assert head is not None
    assert (head.method, head.target, head.content_length) == (b"POST", b"/r1/x?a=1", 5)
    assert head.headers == [
        (b"host", b"127.0.0.1"),
        (b"content-length", b"5"),
        (b"x-road-client", b"CN/GOV/1/social"),
        (b"connection", b"keep-alive"),
    ]


@pytest.mark.parametrize(
    "head",
    [
        b"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked",
        b"GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue",
        b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close",
        b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1",
        b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1",
        b"GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n folded",
        b"GET / HTTP/1.1\r\nHost: a\r\nX-A : 1",
        b"GET / HTTP/1.1\r\nHost: a\r\nX-A: a\rb",
        b"GET / HTTP/1.1\r\nAccept: */*",
        b"GET / HTTP/1.0\r\nHost: a",
        b"HEAD / HTTP/1.1\r\nHost: a",
        b"GET /a b HTTP/1.1\r\nHost: a",
    ],
)
def test_any_other_request_head_is_left_to_h11(head):
    assert http11.request_head_parse(head) is None


def test_a_plain_answer_head_is_parsed_and_close_ends_keep_alive():
    head = http11.response_head_parse(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2"
    )
    closing = http11.response_head_parse(b"HTTP/1.1 404 \r\nContent-Length: 0\r\nConnection: close")

    assert head is not None and closing is not None
    assert (head.status, head.content_length, head.keep_alive) == (200, 2, True)
    assert head.headers == [(b"content-type", b"application/json"), (b"content-length", b"2")]
    assert (closing.status, closing.keep_alive) == (404, False)


@pytest.mark.parametrize(
    "head",
    [
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked",
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain",
        b"HTTP/1.1 204 No Content\r\nContent-Length: 0",
        b"HTTP/1.1 100 Continue",
        b"HTTP/1.0 200 OK\r\nContent-Length: 2",
        b"HTTP/1.1 20 OK\r\nContent-Length: 2",
    ],
)
def test_any_other_answer_head_is_left_to_h11(head):
    assert http11.response_head_parse(head) is None


def test_a_head_with_a_line_break_in_a_value_is_refused_as_h11_refuses_it():
    with pytest.raises(h11.LocalProtocolError):
        http11.response_head_write(200, [(b"x-a", b"1\r\nSet-Cookie: a=b")])
    with pytest.raises(h11.LocalProtocolError):
        http11.request_head_write(b"GET", b"/a\r\nb", [(b"host", b"a")])
    assert http11.response_head_write(200, [(b"content-length", b"0")]) == (
        b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"
    )


async def _echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """An ASGI app answering the method, path and body it received."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    answer = b"%s %s %s" % (scope["method"].encode(), scope["path"].encode(), body)
    headers = [(b"content-type", b"text/plain")]
    if scope["path"] != "/stream":
        headers.append((b"content-length", str(len(answer)).encode()))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": answer})


def _read_answers(sock: socket.socket, count: int) -> list[tuple[int, bytes]]:
    conn = h11.Connection(h11.CLIENT)
    conn.send(h11.Request(method="GET", target="/", headers=[("Host", "a")]))
    conn.send(h11.EndOfMessage())
    answers: list[tuple[int, bytes]] = []
    status, body = 0, b""
    while len(answers) < count:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            conn.receive_data(sock.recv(65536))
        elif isinstance(event, h11.Response):
            status = event.status_code
        elif isinstance(event, h11.Data):
            body += bytes(event.data)
        elif isinstance(event, h11.EndOfMessage):
            answers.append((status, body))
            status, body = 0, b""
            if len(answers) < count:
                conn.start_next_cycle()
                conn.send(h11.Request(method="GET", target="/", headers=[("Host", "a")]))
                conn.send(h11.EndOfMessage())
        else:
            raise AssertionError(event)
    return answers


def test_plain_and_chunked_requests_on_one_connection_are_all_answered():
    # Given the lean server, and one connection carrying (pipelined) a plain POST, a chunked
    # POST (h11's), a plain GET whose answer streams without a length
    requests = (
        b"POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
        b"POST /b HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
        b"GET /stream HTTP/1.1\r\nHost: a\r\n\r\n"
    )

    async def main() -> list[tuple[int, bytes]]:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.setblocking(False)
        server = asyncio.create_task(serve_socket(_echo, sock))
        try:
            client = socket.create_connection(sock.getsockname(), timeout=5)
            with client:
                client.sendall(requests)
                return await asyncio.to_thread(_read_answers, client, 3)
        finally:
            server.cancel()
            sock.close()

    # When they are sent, then each gets its own answer, in order
    assert asyncio.run(main()) == [
        (200, b"POST /a hello"),
        (200, b"POST /b abcde"),
        (200, b"GET /stream "),
    ]


def test_the_upstream_client_reuses_a_kept_alive_connection_and_reads_chunked_answers():
    # Given a provider answering HTTP/1.1 with a length, then chunked, on one connection
    answers = [
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nnew",
    ]
    connections: list[int] = []

    async def provide(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        while answers and await reader.readuntil(b"\r\n\r\n"):
            writer.write(answers.pop(0))
            await writer.drain()
        writer.close()

    async def main() -> list[Any]:
        server = await asyncio.start_server(provide, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        upstream = Upstream()
        got = []
        async with server:
            for _ in range(3):
                answer = await upstream.request(
                    method="GET", url=f"http://127.0.0.1:{port}/p", headers=[], body=b"", timeout=5
                )
                got.append((answer.status, answer.body))
            upstream.close()
        return got

    # When three calls go through the client, then the first connection serves the first two
    # (the chunked answer through h11) and a new one the third (h11's connection is not reused)
    assert asyncio.run(main()) == [(200, b"ok"), (201, b"abc"), (200, b"new")]
    assert len(connections) == 2
