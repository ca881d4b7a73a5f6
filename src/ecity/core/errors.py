"""One domain error type for the whole platform.

Services raise ``ApplicationError`` (or a subclass); the API exception handler turns it into the
JSON envelope ``{"code", "message", "fields"}`` and HTML views show it as an error summary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A business rule was broken. ``fields`` maps a field name to its messages."""

    status_code = 400
    default_code = "invalid"
    default_message = _("The request could not be processed.")

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: Mapping[str, Sequence[str] | str] | None = None,
    ) -> None:
        self.message = str(message if message is not None else self.default_message)
        self.code = code or self.default_code
        self.fields: dict[str, list[str]] = {
            name: [str(m) for m in ([msgs] if isinstance(msgs, str) else msgs)]
            for name, msgs in (fields or {}).items()
        }
        super().__init__(self.message)


class ValidationFailed(ApplicationError):
    default_code = "validation_failed"
    default_message = _("Some fields are not valid. Please correct them and try again.")


class PermissionDenied(ApplicationError):
    status_code = 403
    default_code = "permission_denied"
    default_message = _("You do not have permission to do this.")


class NotFound(ApplicationError):
    status_code = 404
    default_code = "not_found"
    default_message = _("The requested object does not exist.")


class Conflict(ApplicationError):
    status_code = 409
    default_code = "conflict"
    default_message = _("The object was changed by someone else. Reload and try again.")
