"""Second factor: enrol an authenticator app, verify codes, recovery codes, disable, reset.

Mandatory for accounts that can change other people's data or see much of it: holders of the
roles in ``ECITY_MFA_REQUIRED_ROLES`` (approver, department administrator, supervisor, platform
administrator, auditor) and of every role that sees personal data unmasked
(``identity.selectors.UNMASKING_ROLES``: the case-handling roles), superusers and anyone who can
open the admin site (``is_staff``). Everybody else may turn it on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.identity.models import MfaDevice, RecoveryCode, User
from ecity.identity.security import totp
from ecity.identity.security.lockout import audit
from ecity.identity.selectors import UNMASKING_ROLES
from ecity.org import selectors as org_selectors


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


# --- reads ----------------------------------------------------------------------------------


def mfa_required_roles() -> frozenset[str]:
    """The staff roles whose holders must use a second factor.

    Those listed in ``ECITY_MFA_REQUIRED_ROLES`` and, by rule, every role that sees personal
    data unmasked (``UNMASKING_ROLES``), whatever the setting says.
    """
    return frozenset(settings.ECITY_MFA_REQUIRED_ROLES) | UNMASKING_ROLES


def mfa_is_required(*, user: User | Any) -> bool:
    """Whether ``user`` must use a second factor (a role in ``mfa_required_roles()``,
    superusers, admin-site staff)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return org_selectors.user_roles(user=user).filter(role__in=mfa_required_roles()).exists()


def mfa_device_for(*, user: User) -> MfaDevice | None:
    """The user's confirmed (active) authenticator, if any."""
    return MfaDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def mfa_is_enabled(*, user: User) -> bool:
    """Whether ``user`` has a confirmed authenticator."""
    return MfaDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def recovery_codes_left(*, user: User) -> int:
    """How many unused recovery codes ``user`` has."""
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def provisioning_uri_for(*, device: MfaDevice) -> str:
    """The otpauth:// address for ``device`` (shown as a QR code during enrolment only)."""
    return totp.provisioning_uri(
        device.secret, account_name=device.user.get_username(), issuer=settings.ECITY_MFA_ISSUER
    )


# --- writes ---------------------------------------------------------------------------------


def _invalid_code() -> ValidationFailed:
    return ValidationFailed(
        _("The code is not correct. Enter the current 6-digit code from your app."),
        fields={
            "code": [_("The code is not correct. Enter the current 6-digit code from your app.")]
        },
    )


@transaction.atomic
def mfa_enrolment_start(*, user: User) -> MfaDevice:
    """Create (or return the pending) unconfirmed authenticator for ``user`` with a new secret.

    Raises ``Conflict`` when the user already has an active one (disable it first).
    """
    device = MfaDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.is_confirmed:
        raise Conflict(_("Two-step verification is already turned on for this account."))
    if device is None:
        device = MfaDevice.objects.create(user=user, secret=totp.new_secret())
    return device


def _recovery_codes_replace(*, user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [totp.new_recovery_code() for _ in range(totp.RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=totp.hash_recovery_code(code)) for code in codes]
    )
    return codes


@transaction.atomic
def mfa_enrolment_confirm(
    *, user: User, code: str, request: Any = None, now: datetime | None = None
) -> list[str]:
    """Activate the pending authenticator once the user enters a correct code from it.

    Returns ten new recovery codes (shown once; only their hashes are kept). Audited as
    "auth.mfa_enabled". ``ValidationFailed`` on a wrong code, ``Conflict`` without a pending one.
    """
    moment = _now(now)
    device = MfaDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.is_confirmed:
        raise Conflict(
            _("Start the set-up again: there is no authenticator waiting to be confirmed.")
        )
    step = totp.matching_step(device.secret, code, now=moment)
    if step is None:
        raise _invalid_code()
    device.confirmed_at = moment
    device.last_used_step = step
    device.last_used_at = moment
    device.save(update_fields=["confirmed_at", "last_used_step", "last_used_at", "updated_at"])
    codes = _recovery_codes_replace(user=user)
    audit(actor=user, action="auth.mfa_enabled", obj=user, subject=user, request=request)
    return codes


def _use_totp(device: MfaDevice, code: str, moment: datetime) -> bool:
    step = totp.matching_step(device.secret, code, now=moment)
    if step is None:
        return False
    # Conditional update: of two requests with the same code only one wins, in any process.
    won = MfaDevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(
        last_used_step=step, last_used_at=moment
    )
    return won == 1


def _use_recovery_code(user: User, code: str, moment: datetime) -> bool:
    candidate = totp.normalise_recovery_code(code)
    if len(candidate) != 10:
        return False
    for stored in RecoveryCode.objects.filter(user=user, used_at__isnull=True):
        if totp.recovery_code_matches(candidate, stored.code_hash):
            return (
                RecoveryCode.objects.filter(pk=stored.pk, used_at__isnull=True).update(
                    used_at=moment
                )
                == 1
            )
    return False


def mfa_code_check(*, user: User, code: str, now: datetime | None = None) -> str | None:
    """Check a second-factor code and consume it: "totp", "recovery" or None (refused).

    A TOTP code is accepted for the current 30-second step ± 1, and only for a step later than
    the last accepted one (a code cannot be used twice). A recovery code works once.
    """
    moment = _now(now)
    device = mfa_device_for(user=user)
    if device is None:
        return None
    if totp.looks_like_totp(code):
        return "totp" if _use_totp(device, code, moment) else None
    return "recovery" if _use_recovery_code(user, code, moment) else None


def _check_password_and_code(*, user: User, password: str, code: str, request: Any) -> None:
    errors: dict[str, list[str]] = {}
    if not user.check_password(password or ""):
        errors["password"] = [_("The password is not correct.")]
    if mfa_code_check(user=user, code=code) is None:
        errors["code"] = [_("The code is not correct, or it has already been used.")]
    if errors:
        audit(
            actor=user,
            action="auth.mfa_failed",
            obj=user,
            subject=user,
            request=request,
            data={"where": "manage", "fields": sorted(errors)},
        )
        raise ValidationFailed(fields=errors)


def recovery_codes_regenerate(
    *, user: User, password: str, code: str, request: Any = None
) -> list[str]:
    """Replace all recovery codes with ten new ones; needs the password and a current code.

    A refused attempt is audited ("auth.mfa_failed") and raises ``ValidationFailed``.
    """
    if not mfa_is_enabled(user=user):
        raise Conflict(_("Two-step verification is not turned on for this account."))
    # Checked outside the transaction so that the audit entry of a refusal is kept.
    _check_password_and_code(user=user, password=password, code=code, request=request)
    with transaction.atomic():
        codes = _recovery_codes_replace(user=user)
        audit(
            actor=user,
            action="auth.mfa_recovery_codes_regenerated",
            obj=user,
            subject=user,
            request=request,
        )
    return codes


def mfa_disable(*, user: User, password: str, code: str, request: Any = None) -> None:
    """Turn the second factor off; needs the password and a current code (or recovery code).

    For accounts that must use a second factor, the caller sends them straight back to set up a
    new authenticator (this is how a member of staff moves to a new phone).
    """
    if not mfa_is_enabled(user=user):
        raise Conflict(_("Two-step verification is not turned on for this account."))
    _check_password_and_code(user=user, password=password, code=code, request=request)
    with transaction.atomic():
        MfaDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        audit(actor=user, action="auth.mfa_disabled", obj=user, subject=user, request=request)


@transaction.atomic
def mfa_reset(*, actor: User, user: User, request: Any = None) -> None:
    """Remove a user's authenticator and recovery codes (lost phone). Platform admins only.

    The user sets up a new authenticator at their next login (mandatory accounts) or may do so.
    """
    if not org_selectors.is_platform_admin(user=actor):
        raise PermissionDenied(_("Only platform administrators can reset two-step verification."))
    MfaDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit(actor=actor, action="auth.mfa_reset", obj=user, subject=user, request=request)
