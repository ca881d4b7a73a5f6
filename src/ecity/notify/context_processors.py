"""Template context: the unread message count for the header."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest

from ecity.notify.selectors import unread_count as count_unread


def unread_count(request: HttpRequest) -> dict[str, Callable[[], int] | int]:
    """``unread_notifications``: the user's unread in-app messages (0 when logged out).

    Lazy: templates call it, and the count query runs only on pages that show it, once.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}

    @cache
    def lazy_count() -> int:
        return count_unread(user=user)

    return {"unread_notifications": lazy_count}
