"""Changing the mobile number: it counts once the 6-digit code sent to it by SMS is entered."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecity.core.errors import ValidationFailed
from ecity.core.masking import mask_phone
from ecity.core.ratelimit import check_rate, peek_rate
from ecity.core.validators import normalise_mobile
from ecity.identity import checks
from ecity.identity.errors import ConfirmationInvalid, NoPendingChange, too_many_attempts
from ecity.identity.models import ContactChange, User
from ecity.identity.services.account_changes.pending import (
    ContactKind,
    Proof,
    Session,
    change_apply,
    change_close,
    change_request,
    rate_limit,
)

PHONE_CODE_MAX_WRONG = 5
_PHONE_CODE_SALT = "ecity.identity.phone_change"


def _phone_code_hash(change: ContactChange, code: str) -> str:
    value = f"{change.public_id}:{code.strip()}"
    return salted_hmac(_PHONE_CODE_SALT, value, algorithm="sha256").hexdigest()


def _sms_code(change: ContactChange) -> Proof:
    """A fresh code for ``change``: only its keyed hash is kept, the code goes by SMS."""
    code = f"{secrets.randbelow(10**6):06d}"
    change.code_hash = _phone_code_hash(change, code)
    minutes = max(1, settings.ECITY_PHONE_CHANGE_CODE_SECONDS // 60)
    return Proof(event="phone_change_code", context={"code": code, "minutes": minutes})


def _stored_phone(user: User) -> str:
    return user.phone or ""


PHONE = ContactKind(
    kind=ContactChange.Kind.PHONE,
    field="phone",
    what=gettext_lazy("mobile number"),
    lifetime_setting="ECITY_PHONE_CHANGE_CODE_SECONDS",
    # The blind index is what login by phone and uniqueness look at.
    saved_fields=("phone", "phone_index"),
    normalise=normalise_mobile,
    stored=_stored_phone,
    check=checks.check_phone,
    mask=mask_phone,
    proof=_sms_code,
    old_email_in_force_after=True,
)


def phone_change_request(
    *,
    user: User,
    session: Session,
    phone: str,
    current_password: str = "",
    code: str = "",
    request: HttpRequest | None = None,
) -> ContactChange | None:
    """Ask to change ``user``'s mobile number; it counts once the code sent to it is entered.

    Rules: re-authentication first (``reauth_require``); a valid mainland mobile number, not
    masked, not another account's; the same number as now changes nothing (returns None). At
    most ``ECITY_RATE_LIMITS["contact_change"]`` requests per account and window. Side effects:
    an earlier pending phone change is cancelled; a 6-digit code (only its keyed hash is kept)
    goes by SMS to the new number only; the old address and phone are told; audited
    "account.phone_change_requested". The account's number does not change here.
    Errors: ``ReauthenticationRequired``, ``ValidationFailed``, ``TooManyAttempts``.
    """
    return change_request(
        PHONE,
        user=user,
        session=session,
        value=phone,
        current_password=current_password,
        code=code,
        request=request,
    )


def phone_change_confirm(*, user: User, code: str, request: HttpRequest | None = None) -> User:
    """Make ``user``'s pending mobile number the account's number once ``code`` matches it.

    Rules: the code sent to the new number, within ``ECITY_PHONE_CHANGE_CODE_SECONDS``;
    ``PHONE_CODE_MAX_WRONG`` wrong codes cancel the change, and after
    ``ECITY_RATE_LIMITS["phone_code"]`` wrong codes per account in the window every code is
    refused until the window ends. Side effects: the number changes (its blind index with it);
    the old number and the e-mail address are told; audited "account.phone_changed".
    Errors: ``NoPendingChange``, ``ConfirmationInvalid`` (on ``code``), ``TooManyAttempts``,
    ``ValidationFailed`` (the number was taken meanwhile).
    """
    limit, window = rate_limit("phone_code")
    key = f"identity.phone_code:{user.pk}"
    if peek_rate(key, window_seconds=window) >= limit:
        raise too_many_attempts(window)
    refusal: NoPendingChange | ConfirmationInvalid | ValidationFailed | None = None
    with transaction.atomic():
        change = (
            ContactChange.objects.select_for_update()
            .filter(user=user, kind=ContactChange.Kind.PHONE, status=ContactChange.Status.PENDING)
            .first()
        )
        now = timezone.now()
        if change is not None and change.expires_at <= now:
            change_close(change, ContactChange.Status.CANCELLED, now)
            change = None
        if change is None:
            refusal = NoPendingChange(
                _("There is no new number waiting for a code, or its code expired. Ask again.")
            )
        elif not constant_time_compare(_phone_code_hash(change, code), change.code_hash):
            check_rate(key, limit=limit, window_seconds=window)
            change.failed_attempts += 1
            if change.failed_attempts >= PHONE_CODE_MAX_WRONG:
                change.status, change.closed_at = ContactChange.Status.CANCELLED, now
                message = _("Too many wrong codes: ask for a new code.")
            else:
                message = _("The code is not correct. Check the text message and try again.")
            change.save(update_fields=["failed_attempts", "status", "closed_at", "updated_at"])
            refusal = ConfirmationInvalid(message, fields={"code": [message]})
        else:
            locked, refusal = change_apply(PHONE, change=change, now=now, request=request)
            if refusal is None:
                for name in PHONE.saved_fields:
                    setattr(user, name, getattr(locked, name))
    if refusal is not None:
        raise refusal
    return user
