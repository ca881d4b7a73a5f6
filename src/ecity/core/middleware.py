"""Security headers on every response (a content security policy among them)."""

from __future__ import annotations

from collections.abc import Callable

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


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The API docs (Swagger UI) need inline bootstrap code; everything else stays strict.
        if not request.path.startswith(("/api/docs", "/api/redoc")):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
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
