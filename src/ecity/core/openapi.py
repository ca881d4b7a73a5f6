"""The OpenAPI schema generator: every operation lists the platform's error answers.

Kept apart from ``core.api`` because drf-spectacular's generator imports DRF's generic views,
which import the pagination class named in the settings (``core.api.Pagination``).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import permissions

from ecity.core.api import ErrorEnvelope

PLATFORM_ERRORS = {
    "400": "Bad input: `validation_failed` with messages per field, or a malformed body.",
    "401": "No valid access token of a department system (`not_authenticated`).",
    "403": "Not signed in, no right to this operation, or a missing CSRF token.",
    "404": "No such object (or not yours to see), or a page past the end.",
    "413": "The request body is larger than the API accepts (`payload_too_large`).",
    "415": "The request body's media type is not accepted.",
    "429": "Too many requests (`throttled`): wait and try again.",
}


class AutoSchema(SpectacularAutoSchema):
    """The OpenAPI schema of an operation, with every error answer the platform can give it.

    A view declares its own answers (``extend_schema(responses=…)``); the answers that come from
    the platform rather than from the view are added here once, so that no operation answers a
    status its schema does not list: 400 (bad input: a body, a query parameter), 403 (not signed
    in, no right, a missing CSRF token), 404 (an unknown id, a page past the end), 413 and 415 (a
    body too large or of a type not accepted) and 429 (throttled).
    """

    def _error_statuses(self) -> list[str]:
        codes = ["429"]
        unsafe = self.method not in {"GET", "HEAD", "OPTIONS"}
        has_query = bool(self._get_filter_parameters() or self._get_pagination_parameters())
        if unsafe or has_query:
            codes.append("400")
        open_to_all = all(
            isinstance(permission, permissions.AllowAny)
            for permission in self.view.get_permissions()
        )
        if unsafe or not open_to_all:
            codes.append("403")
        # A scheme that names itself in WWW-Authenticate (a bearer token of a department system)
        # makes DRF answer 401, not 403, when the credentials are missing or wrong.
        authenticators = self.view.get_authenticators()
        if not open_to_all and authenticators and authenticators[0].authenticate_header(None):
            codes.append("401")
        if "{" in self.path or self._is_list_view():
            codes.append("404")
        if unsafe and self.method != "DELETE":
            codes += ["413", "415"]
        return codes

    def _get_response_bodies(self, direction: Any = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, response in responses.items():
            # An error declared by the view with a description only still has the envelope body.
            if code.isdigit() and int(code) >= 400 and not response.get("content"):
                envelope = self._get_response_for_code(ErrorEnvelope, code, direction=direction)
                response["content"] = envelope["content"]
        for code in self._error_statuses():
            if code not in responses:
                response = self._get_response_for_code(ErrorEnvelope, code, direction=direction)
                response["description"] = PLATFORM_ERRORS[code]
                responses[code] = response
        return responses
