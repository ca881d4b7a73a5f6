"""The lean gateway's client to the providers: kept connections that the provider closes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from ecity.exchange.gateway.lean import upstream as upstream_module
from ecity.exchange.gateway.lean.upstream import ProviderUnreachable, Upstream

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"


class DroppingProvider:
    """Answers the first request of each connection and keeps it open; at the second request
    on a connection it closes it without answering (as a server whose keep-alive timer ran out
    just as the request arrived)."""

    def __init__(self) -> None:
        self.requests: list[bytes] = []  # request lines received, answered or not
        self.connections = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        answered = 0
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                self.requests.append(head.split(b"\r\n", 1)[0])
                length = next(
                    (
                        int(line.split(b":", 1)[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                if length:
                    await reader.readexactly(length)
                if answered:
                    break
                writer.write(ANSWER)
                await writer.drain()
                answered += 1
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()


@asynccontextmanager
async def dropping_provider() -> AsyncIterator[tuple[DroppingProvider, str]]:
    provider = DroppingProvider()
    server = await asyncio.start_server(provider.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield provider, f"http://127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()


async def _two_calls(method: str) -> tuple[DroppingProvider, object]:
    async with dropping_provider() as (provider, url):
        client = Upstream()
        try:
            first = await client.request(
                method=method, url=f"{url}/a", headers=[], body=b"", timeout=5
            )
            assert first.status == 200
            try:
                second: object = await client.request(
                    method=method, url=f"{url}/b", headers=[], body=b"{}", timeout=5
                )
            except ProviderUnreachable as error:
                second = error
        finally:
            client.close()
    return provider, second


def test_a_get_on_a_kept_connection_the_provider_drops_is_sent_again_on_a_new_one():
    # Before, the second call failed with ProviderUnreachable (a 502 to the client) although the
    # provider was up: its kept connection had just been closed.
    provider, second = asyncio.run(_two_calls("GET"))

    assert getattr(second, "status", None) == 200
    assert provider.requests == [b"GET /a HTTP/1.1", b"GET /b HTTP/1.1", b"GET /b HTTP/1.1"]
    assert provider.connections == 2


def test_a_post_on_a_dropped_connection_is_not_sent_twice():
    provider, second = asyncio.run(_two_calls("POST"))

    assert isinstance(second, ProviderUnreachable)
    assert provider.requests == [b"POST /a HTTP/1.1", b"POST /b HTTP/1.1"]


def test_a_connection_idle_longer_than_the_limit_is_not_reused(monkeypatch):
    monkeypatch.setattr(upstream_module, "MAX_IDLE_SECONDS", 0.0)

    provider, second = asyncio.run(_two_calls("POST"))

    # Not reused: the POST went on a new connection and was answered.
    assert getattr(second, "status", None) == 200
    assert provider.connections == 2
    assert provider.requests == [b"POST /a HTTP/1.1", b"POST /b HTTP/1.1"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_provider_that_closes_a_new_connection_without_answering_is_unreachable(method):
    async def main() -> object:
        async def close_at_once(reader, writer):
            await reader.readuntil(b"\r\n\r\n")
            writer.close()

        server = await asyncio.start_server(close_at_once, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        client = Upstream()
        try:
            await client.request(
                method=method, url=f"http://127.0.0.1:{port}/", headers=[], body=b"", timeout=5
            )
        except ProviderUnreachable as error:
            return error
        finally:
            client.close()
            server.close()
            await server.wait_closed()
        return None

    # A new connection is never retried: the provider is really not answering.
    assert isinstance(asyncio.run(main()), ProviderUnreachable)
