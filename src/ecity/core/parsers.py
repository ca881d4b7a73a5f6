"""The API's JSON parser: DRF's, with limits on size, nesting depth and number constants.

Kept apart from ``ecity.core.api`` because DRF imports the parser classes while its own views
module loads, and ``core.api`` imports that module.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers, status

#: Containers nested deeper than this are refused: no legitimate request needs more, and deep
#: documents exhaust the stack of whatever walks them later (serializers, JSON Schema).
MAX_JSON_DEPTH = 32


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = _("The request body is too large.")


def _too_deep(value: Any, limit: int) -> bool:
    """Whether ``value`` nests lists/objects more than ``limit`` deep (iteratively)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


class JSONRejected(ValueError):
    """A JSON text breaks a limit or is not JSON; ``message`` says which, for people."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def json_loads_limited(text: str | bytes) -> Any:
    """Decode JSON with the API's limits (depth, no NaN/Infinity); raise ``JSONRejected``.

    For JSON that arrives inside another format (a multipart field), so it meets the same rules
    as a JSON body.
    """
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise JSONRejected(str(_("The JSON document is nested too deeply."))) from exc
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise JSONRejected(str(_("The request body is not valid JSON."))) from exc
    if _too_deep(data, MAX_JSON_DEPTH):
        raise JSONRejected(str(_("The JSON document is nested too deeply.")))
    return data


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with limits: body size, nesting depth, no NaN or Infinity, an object.

    The size is checked before anything is read into memory (``Content-Length``) and while
    reading (at most the limit plus one byte), so a huge body costs nothing.
    """

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        limit = settings.ECITY_API_MAX_JSON_BYTES
        request = (parser_context or {}).get("request")
        meta = getattr(request, "META", {})
        try:
            declared = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            raise PayloadTooLarge()
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge()
        encoding = (parser_context or {}).get("encoding", "utf-8")
        try:
            data = json_loads_limited(raw.decode(encoding))
        except UnicodeDecodeError as exc:
            raise exceptions.ParseError(_("The request body is not valid JSON.")) from exc
        except JSONRejected as exc:
            raise exceptions.ParseError(exc.message) from exc
        if not isinstance(data, dict):
            # Every operation takes an object: an array, string, number or null at the top
            # would otherwise reach views and serializers that call ``request.data.get``.
            raise exceptions.ParseError(_("The request body must be a JSON object."))
        return data
