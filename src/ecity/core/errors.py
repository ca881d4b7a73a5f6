"""One domain error type for the whole platform, and the catalogue of error codes.

Services raise ``ApplicationError`` (or a subclass); the API exception handler turns it into the
JSON envelope ``{"code", "message", "fields"}`` and HTML views show it as an error summary.

Every ``code`` a client can meet is declared once, as a member of a ``TextChoices`` enum in the
owning app's ``errors.py`` registered with ``error_codes_register`` (the label says what the code
means). The OpenAPI schema lists them all on the ``ErrorEnvelope`` component, so a client can
switch on codes instead of parsing messages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import models
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

_codes: dict[str, tuple[str, object]] = {}  # code -> (owner, label)
_discovered = False


def error_codes_register(codes: type[models.TextChoices]) -> type[models.TextChoices]:
    """Declare an app's error codes (use as a class decorator on its ``TextChoices``).

    A code means one thing platform-wide: declaring an existing code from another enum raises
    ``ValueError``.
    """
    owner = f"{codes.__module__}.{codes.__qualname__}"
    for member in codes:
        known = _codes.get(member.value)
        if known is not None and known[0] != owner:
            raise ValueError(f"error code {member.value!r} is already declared by {known[0]}")
        _codes[member.value] = (owner, member.label)
    return codes


def error_codes() -> dict[str, str]:
    """Every declared error code with its meaning, after importing each app's ``errors`` module."""
    global _discovered
    if not _discovered:
        autodiscover_modules("errors")
        _discovered = True
    return {code: str(label) for code, (_owner, label) in sorted(_codes.items())}


@error_codes_register
class CoreErrorCode(models.TextChoices):
    """Codes of the kernel's errors and of the framework's (DRF) answers."""

    INVALID = "invalid", _("The request could not be processed.")
    VALIDATION_FAILED = "validation_failed", _("Some fields are not valid (see fields).")
    PERMISSION_DENIED = "permission_denied", _("You do not have permission to do this.")
    NOT_FOUND = "not_found", _("The requested object does not exist (or is not yours to see).")
    CONFLICT = "conflict", _("The object was changed by someone else: reload and try again.")
    NOT_AUTHENTICATED = "not_authenticated", _("Log in (or send credentials) first.")
    AUTHENTICATION_FAILED = "authentication_failed", _("The credentials are not valid.")
    METHOD_NOT_ALLOWED = "method_not_allowed", _("This method is not allowed here.")
    NOT_ACCEPTABLE = "not_acceptable", _("The requested response format is not available.")
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type", _("The request body's type is not accepted.")
    PARSE_ERROR = "parse_error", _("The request body could not be read.")
    THROTTLED = "throttled", _("Too many requests: wait and try again.")
    PAYLOAD_TOO_LARGE = "payload_too_large", _("The request body is larger than allowed.")
    SERVER_ERROR = "server_error", _("An unexpected error on the server (it was logged).")
    ERROR = "error", _("Another error (see the message).")


class ApplicationError(Exception):
    """A business rule was broken. ``fields`` maps a field name to its messages."""

    status_code = 400
    default_code: str = CoreErrorCode.INVALID
    default_message = _("The request could not be processed.")

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: Mapping[str, Sequence[str] | str] | None = None,
    ) -> None:
        self.message = str(message if message is not None else self.default_message)
        self.code = str(code or self.default_code)
        self.fields: dict[str, list[str]] = {
            name: [str(m) for m in ([msgs] if isinstance(msgs, str) else msgs)]
            for name, msgs in (fields or {}).items()
        }
        super().__init__(self.message)


class ValidationFailed(ApplicationError):
    default_code: str = CoreErrorCode.VALIDATION_FAILED
    default_message = _("Some fields are not valid. Please correct them and try again.")


class PermissionDenied(ApplicationError):
    status_code = 403
    default_code: str = CoreErrorCode.PERMISSION_DENIED
    default_message = _("You do not have permission to do this.")


class NotFound(ApplicationError):
    status_code = 404
    default_code: str = CoreErrorCode.NOT_FOUND
    default_message = _("The requested object does not exist.")


class Conflict(ApplicationError):
    status_code = 409
    default_code: str = CoreErrorCode.CONFLICT
    default_message = _("The object was changed by someone else. Reload and try again.")
