"""API conventions shared by every app: pagination and the error envelope.

Every error answer has the same shape::

    {"code": "validation_failed", "message": "…", "fields": {"name": ["…"]}}

Messages are translated into the request's language (``Accept-Language`` or ``?lang=``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ecity.core.errors import ApplicationError, error_codes

logger = logging.getLogger("ecity.api")


class ErrorEnvelope(serializers.Serializer):
    """Every error answer: a stable code, a translated message, messages per field."""

    code = serializers.CharField(help_text="A declared error code (see the enum).")
    message = serializers.CharField()
    # DRF's metaclass takes declared fields out of the class, so this does not hide .fields.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Messages per field; "__all__" for the request as a whole.',
    )


# The error envelope for ``extend_schema(responses={400: ERROR_ENVELOPE_SCHEMA, …})``: one
# component (``ErrorEnvelope``) whose code lists every declared error code.
ERROR_ENVELOPE_SCHEMA = ErrorEnvelope


def error_codes_schema_hook(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """drf-spectacular postprocessing hook: list every declared error code on the envelope."""
    envelope = result.get("components", {}).get("schemas", {}).get("ErrorEnvelope")
    if envelope is not None:
        with translation.override("en"):  # the schema is written in English
            codes = error_codes()
        envelope["properties"]["code"]["enum"] = list(codes)
        envelope["properties"]["code"]["description"] = "\n".join(
            f"* `{code}`: {meaning}" for code, meaning in codes.items()
        )
    return result


class Pagination(PageNumberPagination):
    """``?page=N&page_size=M`` (at most 100) with ``count``, ``next``, ``previous``, ``results``."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _flatten(value)]
    if isinstance(detail, list):
        return [m for value in detail for m in _flatten(value)]
    return [str(detail)]


def _fields(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error detail into ``{"a.b.0.c": [messages]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "non_field_errors" and prefix == "":
                name = "__all__"
            if isinstance(value, dict) or (
                isinstance(value, list) and value and isinstance(value[0], dict | list)
            ):
                out.update(_fields(value, name))
            else:
                out[name] = _flatten(value)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                out.update(_fields(value, f"{prefix}.{index}" if prefix else str(index)))
            elif value:
                out.setdefault(prefix or "__all__", []).append(str(value))
    return out


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"code": code, "message": message, "fields": fields or {}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every error, ours or the framework's, as the ecity envelope."""
    if isinstance(exc, ApplicationError):
        if exc.code not in error_codes():
            logger.warning("undeclared error code %r (declare it in the app's errors.py)", exc.code)
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        fields = (
            {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"__all__": [str(m) for m in exc.messages]}
        )
        return Response(
            error_body(
                "validation_failed",
                _("Some fields are not valid. Please correct them and try again."),
                fields,
            ),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        # A bug or an outage: the client still gets the envelope (never an HTML page, never
        # the exception's text); the traceback goes to the log.
        logger.exception("unexpected error in %s", context.get("view").__class__.__name__)
        return Response(
            error_body(
                "server_error",
                _("Something went wrong on our side. Please try again later."),
            ),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(
            "validation_failed",
            _("Some fields are not valid. Please correct them and try again."),
            _fields(exc.detail),
        )
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        code = exc.get_codes() if not isinstance(detail, dict | list) else exc.default_code
        response.data = error_body(str(code), " ".join(_flatten(detail)))
    return response
