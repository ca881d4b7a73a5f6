"""Template context: whether the header links to the disclosure staff's worklist."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest

from ecity.disclosure.selectors.requests import can_handle_any_requests


def disclosure_links(request: HttpRequest) -> dict[str, Callable[[], bool] | bool]:
    """``can_handle_disclosure``: the user handles some department's disclosure requests.

    Lazy: it runs only on pages whose template asks, once per request (the roles are read once
    per request, ``org.selectors.roles_memoised``).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can_handle_disclosure": False}

    @cache
    def handles() -> bool:
        return can_handle_any_requests(actor=user)

    return {"can_handle_disclosure": handles}
