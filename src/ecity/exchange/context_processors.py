"""Template context: whether the portal links to the data-exchange pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest

from ecity.exchange.selectors.pubsub import pubsub_departments


def exchange_links(request: HttpRequest) -> dict[str, Callable[[], bool] | bool]:
    """``can_exchange``: the user administers the exchange systems of some department.

    Lazy: the query runs only on pages whose template asks, once per request.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can_exchange": False}

    @cache
    def exchange() -> bool:
        return pubsub_departments(actor=user).exists()

    return {"can_exchange": exchange}
