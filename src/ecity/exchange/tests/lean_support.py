"""Drive the lean gateway's ASGI application from synchronous tests.

The application runs on an event loop in a thread of its own (as in ``exchange_gateway``); its
database work runs in its own threads, so tests that use it need a transactional database.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpx

from ecity.exchange.gateway.lean.app import GatewayApplication

T = TypeVar("T")


class LeanResponse:
    """An httpx response that reads like Django's test response (``response["X-Road-Id"]``)."""

    def __init__(self, response: httpx.Response) -> None:
        self.raw = response
        self.status_code = response.status_code
        self.content = response.content

    def __getitem__(self, name: str) -> str:
        return self.raw.headers[name]

    def json(self) -> Any:
        return self.raw.json()


class LeanGateway:
    """The lean gateway application on a background event loop."""

    def __init__(self, *, access_seconds: float) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.app = self.run(self._make(access_seconds))
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://testserver"
        )

    @staticmethod
    async def _make(access_seconds: float) -> GatewayApplication:
        return GatewayApplication(access_seconds=access_seconds)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    def request(self, method: str, path: str, **extra: Any) -> LeanResponse:
        """A request in the Django test client's terms (``HTTP_X_…`` headers, ``data``)."""
        return self.run(self.arequest(method, path, **extra))

    async def arequest(self, method: str, path: str, **extra: Any) -> LeanResponse:
        headers: dict[str, str] = {}
        body: bytes | None = None
        data = extra.pop("data", None)
        content_type = extra.pop("content_type", None)
        for key, value in extra.items():
            assert key.startswith("HTTP_"), key
            headers[key[5:].replace("_", "-").lower()] = value
        if data is not None:
            if isinstance(data, bytes):
                body = data
            else:
                body = data.encode() if isinstance(data, str) else json.dumps(data).encode()
            headers["content-type"] = content_type or "application/json"
        response = await self.client.request(method.upper(), path, headers=headers, content=body)
        return LeanResponse(response)

    def close(self) -> None:
        self.run(self.client.aclose())
        self.run(self.app.aclose())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
