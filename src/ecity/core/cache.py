"""The shared cache on Redis: Django's backend, without a new client object on every call.

Django's ``RedisCacheClient.get_client`` builds a ``redis.Redis`` around the connection pool for
every cache operation; building one fills its table of response callbacks (about 0.2 ms of CPU),
and an API request that is throttled does it twice (the count is read, then written). A
``redis.Redis`` holds no state of its own besides the pool (connections are taken from the pool
per command) and is safe to share between threads, so one per pool is kept and reused. Keys,
values, timeouts and servers are Django's, unchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    """Django's Redis cache client, reusing one ``redis.Redis`` per connection pool."""

    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # not in stubs
        client = self._clients.get(id(pool))  # pools live as long as this object
        if client is None:
            client = self._clients[id(pool)] = self._client(  # type: ignore[attr-defined]
                connection_pool=pool
            )
        return client


class RedisCache(DjangoRedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with ``RedisCacheClient`` above."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
