"""Kernel views: health check, the error pages, and the guard of staff pages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import connection
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.utils.translation import gettext as _

from ecity.core.errors import NotFound, PermissionDenied
from ecity.core.redirects import safe_redirect_url

View = Callable[..., HttpResponse]


def view_permission(allowed: Callable[[Any], bool]) -> Callable[[View], View]:
    """Guard an HTML view: signed-in users for whom ``allowed(user)`` holds, others get 403.

    The view's domain errors become error pages: ``NotFound`` a 404, ``PermissionDenied`` a 403
    (the services and selectors check the rest; this is only the door).
    """

    def decorator(view: View) -> View:
        @login_required
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not allowed(request.user):
                raise DjangoPermissionDenied
            try:
                return view(request, *args, **kwargs)
            except NotFound as error:
                raise Http404(error.message) from error
            except PermissionDenied as error:
                raise DjangoPermissionDenied(error.message) from error

        return wrapped

    return decorator


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database readiness for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        return JsonResponse({"status": "database unavailable"}, status=503)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 404 page; under ``/api/`` the JSON error envelope, as every other API answer."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "not_found", "message": _("Not found."), "fields": {}},
            status=404,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "core/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "core/500.html", status=500)


DISPLAY_COOKIE = "ecity_display"
DISPLAY_MODES = ("standard", "large")


def display_mode(request: HttpRequest) -> HttpResponse:
    """适老化: switch every page between the standard and the large-text, high-contrast display.

    POST ``mode`` (standard or large) and ``next``; the choice is kept in a cookie for a year
    (no account needed) and the reader goes back to the page they were on.
    """
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    mode = request.POST.get("mode", "")
    if mode not in DISPLAY_MODES:
        return HttpResponseBadRequest(_("Unknown display mode."))
    response = HttpResponseRedirect(
        safe_redirect_url(request, request.POST.get("next"), fallback="/")
    )
    response.set_cookie(
        DISPLAY_COOKIE,
        mode,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response
