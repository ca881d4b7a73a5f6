"""Template context: which hotline work pages the signed-in staff member may open."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest

from ecity.org import selectors as org_selectors
from ecity.org.models import StaffRole


def hotline_links(request: HttpRequest) -> dict[str, Callable[[], dict[str, bool]] | dict]:
    """``hotline_roles``: the hotline pages of the user's roles (agent, dispatcher, handler).

    Lazy: the queries run only on pages whose template asks, once per request.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"hotline_roles": {}}

    @cache
    def roles() -> dict[str, bool]:
        def has(role: str) -> bool:
            return org_selectors.user_has_role(user=user, role=role)

        return {
            "agent": has(StaffRole.Role.HOTLINE_AGENT),
            "dispatcher": has(StaffRole.Role.HOTLINE_DISPATCHER),
            "handler": has(StaffRole.Role.TICKET_HANDLER),
        }

    return {"hotline_roles": roles}
