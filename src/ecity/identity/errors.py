"""Error codes of accounts, enterprises and sign-in security (see ``ecity.core.errors``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ecity.core.errors import ApplicationError, PermissionDenied, error_codes_register


@error_codes_register
class IdentityErrorCode(models.TextChoices):
    REAUTHENTICATION_REQUIRED = (
        "reauthentication_required",
        _("Confirm it is you: send your current password (or a code from your app) with it."),
    )
    TOO_MANY_ATTEMPTS = (
        "too_many_attempts",
        _("Too many wrong passwords or codes, or too many requests: wait and try again."),
    )
    CONFIRMATION_INVALID = (
        "confirmation_invalid",
        _("The confirmation link or code is wrong, expired or already used."),
    )
    NO_PENDING_CHANGE = "no_pending_change", _("There is no change waiting for confirmation.")

    IDENTITY_LEVEL_REQUIRED = (
        "identity_level_required",
        _("Your identity must be verified (real-name level) before you can do this."),
    )
    ENTERPRISE_NOT_VERIFIED = (
        "enterprise_not_verified",
        _("The enterprise must be verified before anyone can act for it."),
    )
    VERIFICATION_FAILED = (
        "verification_failed",
        _("The identity could not be verified (see the message)."),
    )
    VERIFICATION_UNAVAILABLE = (
        "verification_unavailable",
        _("This way of verifying is not available (see the message)."),
    )


class ReauthenticationRequired(ApplicationError):
    """The change needs the current password (or a code) entered recently in this session."""

    status_code = 403
    default_code: str = IdentityErrorCode.REAUTHENTICATION_REQUIRED
    default_message = _("Enter your current password to confirm it is you.")


class TooManyAttempts(ApplicationError):
    """Too many wrong answers or requests in the window (answered 429)."""

    status_code = 429
    default_code: str = IdentityErrorCode.TOO_MANY_ATTEMPTS
    default_message = _("Too many attempts. Please wait a while and try again.")


def too_many_attempts(window_seconds: int) -> TooManyAttempts:
    """The refusal after too many wrong answers, saying how long to wait (the window)."""
    minutes = max(1, window_seconds // 60)
    return TooManyAttempts(
        ngettext(
            "Too many wrong attempts. Please wait %(minutes)d minute and try again.",
            "Too many wrong attempts. Please wait %(minutes)d minutes and try again.",
            minutes,
        )
        % {"minutes": minutes}
    )


class ConfirmationInvalid(ApplicationError):
    """A confirmation link or code that is wrong, expired, used or superseded."""

    default_code: str = IdentityErrorCode.CONFIRMATION_INVALID
    default_message = _(
        "This confirmation link is not valid: it is wrong, expired or already used. "
        "Ask for the change again from your account page."
    )


class NoPendingChange(ApplicationError):
    default_code: str = IdentityErrorCode.NO_PENDING_CHANGE
    default_message = _("There is no change waiting for confirmation. Ask for the change again.")


class IdentityLevelRequired(PermissionDenied):
    """The account's real-name level is below what the act needs; the message says how to rise."""

    default_code = IdentityErrorCode.IDENTITY_LEVEL_REQUIRED


class EnterpriseNotVerified(PermissionDenied):
    """The enterprise is not verified yet: nobody may act for it except to verify it."""

    default_code = IdentityErrorCode.ENTERPRISE_NOT_VERIFIED


class VerificationFailed(ApplicationError):
    """A verification was tried and did not prove the identity."""

    status_code = 400
    default_code = IdentityErrorCode.VERIFICATION_FAILED


class VerificationUnavailable(ApplicationError):
    """The verification channel asked for is not configured (no provider, no registry)."""

    status_code = 400
    default_code = IdentityErrorCode.VERIFICATION_UNAVAILABLE
