"""Security headers on every response (a content security policy among them), and no caching
of personal data."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

# Self-hosted assets only: no inline scripts, no third-party origins.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# The API documentation pages (Swagger UI, Redoc) load only local sidecar assets and no inline
# script (core/api_docs_*.html). Their renderers insert <style> elements at run time (Redoc's
# styled-components) and Redoc's search runs in a worker built from a blob: URL; nothing else
# is relaxed, and scripts stay 'self' only.
API_DOCS_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
API_DOCS_PATHS = ("/api/docs/", "/api/redoc/")

# An editors' admin (paths in ``ECITY_EDITOR_ADMIN_PATHS``: Wagtail's, ecity.cms): its markup
# has style attributes, its image previews are blob: URLs and its live preview shows the page in
# a same-origin frame. Scripts stay 'self' only (ecity.cms starts its pickers from a file).
EDITOR_ADMIN_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)

#: Answers that hold personal data: no shared cache (proxy, CDN) may keep them and the browser
#: may not write them to disk (a shared computer in a service hall).
PRIVATE_CACHE_CONTROL = "private, no-store"


def response_private(response: HttpResponse) -> HttpResponse:
    """Mark ``response`` as personal data (``Cache-Control: private, no-store``); returns it.

    For answers to anonymous requests that still carry personal data (the case lookup by case
    number and query code); answers to signed-in users get it from ``PrivateCacheMiddleware``.
    """
    response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every answer to a signed-in user or API client.

    A view that wants an answer cached sets its own ``Cache-Control`` (Django's
    ``cache_control``); that choice is kept. Anonymous answers are left alone (public pages,
    the catalogue) except where a view calls ``response_private``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" in response.headers:
            return response
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        # DRF and the OIDC endpoints authenticate in the view (a bearer token, a client
        # secret): any request that carries credentials is personal too.
        if signed_in or "HTTP_AUTHORIZATION" in request.META:
            response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response


def _policy_for(path: str) -> str:
    if path.startswith(API_DOCS_PATHS):
        return API_DOCS_CONTENT_SECURITY_POLICY
    if path.startswith(tuple(settings.ECITY_EDITOR_ADMIN_PATHS)):
        return EDITOR_ADMIN_CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", _policy_for(request.path))
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class ApiLanguageMiddleware:
    """Let API clients choose the language of messages.

    HTML pages take their language from the URL (``/en/…``; no prefix means zh-Hans). API URLs
    carry no language prefix, so for them ``?lang=`` or the ``Accept-Language`` header decides.
    Runs after Django's LocaleMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            requested = request.GET.get("lang", "")
            try:
                language = translation.get_supported_language_variant(requested)
            except LookupError:
                language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            response.headers["Content-Language"] = request.LANGUAGE_CODE
        return response
