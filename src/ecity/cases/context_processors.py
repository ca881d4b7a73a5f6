"""Template context: which staff pages the header links to."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest

from ecity.org.models import StaffRole
from ecity.org.selectors import is_platform_admin, is_staff_member, user_has_role


def staff_links(request: HttpRequest) -> dict[str, Callable[[], bool] | bool]:
    """``can_use_workbench`` (any active staff role) and ``can_supervise`` (supervisors, admins).

    Lazy: the queries run only on pages whose template asks, once per request.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can_use_workbench": False, "can_supervise": False}

    @cache
    def workbench() -> bool:
        return is_staff_member(user=user)

    @cache
    def supervise() -> bool:
        return is_platform_admin(user=user) or user_has_role(
            user=user, role=StaffRole.Role.SUPERVISOR
        )

    return {"can_use_workbench": workbench, "can_supervise": supervise}
