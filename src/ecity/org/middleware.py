"""Remember each user's staff roles for the length of one request (see ``org.selectors``)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from ecity.org.selectors import roles_memoised


class RolesMemoMiddleware:
    """Role checks within one request read the user's roles and the department tree once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with roles_memoised():
            return self.get_response(request)
