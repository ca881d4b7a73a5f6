"""Error codes of accounts and enterprises (see ``ecity.core.errors``), and their error types."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecity.core.errors import ApplicationError, PermissionDenied, error_codes_register


@error_codes_register
class IdentityErrorCode(models.TextChoices):
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
