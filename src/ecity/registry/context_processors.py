"""Template context: whether the portal links to the data-sharing pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest

from ecity.registry.selectors.sharing import sharing_departments


def sharing_links(request: HttpRequest) -> dict[str, Callable[[], bool] | bool]:
    """``can_share_data``: the user is a data administrator of some department.

    Lazy: the query runs only on pages whose template asks, once per request.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can_share_data": False}

    @cache
    def share() -> bool:
        return sharing_departments(actor=user).exists()

    return {"can_share_data": share}
