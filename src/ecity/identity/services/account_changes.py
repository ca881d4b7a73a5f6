"""Changes that would hand an account to someone else: e-mail address and phone number.

Issue 8 ("account takeover"): with a stolen session the e-mail address could be changed without
the password or any confirmation, and a password reset sent to the new address then took the
account. The rules here close that path, whatever calls them (HTML pages, API, future clients):

* **Re-authentication.** Changing the e-mail address, phone number or password needs the current
  password (or, for an account with an authenticator app, a fresh TOTP code) entered within
  ``ECITY_REAUTH_SECONDS`` in this session (``security.reauth``); an API client sends
  ``current_password`` with the change. Wrong answers are limited per account
  (``ECITY_RATE_LIMITS["reauth"]``) and audited.
* **Confirmation.** A new e-mail address counts only after the link sent to it is opened: a
  signed token (``django.core.signing``) naming the pending change and a digest of the new
  address, expiring after ``ECITY_EMAIL_CHANGE_LINK_SECONDS`` and usable once (the change row
  is closed by it). A new phone number counts after the 6-digit code sent to it by SMS is
  entered (``ECITY_PHONE_CHANGE_CODE_SECONDS``; 5 wrong codes cancel the change, and
  ``ECITY_RATE_LIMITS["phone_code"]`` limits wrong codes per account). Until then the old
  value stays in force for login, password reset and notifications.
* **The old address and phone are told** of every request and every change, with what to do if
  it was not the account's holder (``identity/notifications.py``).
* **Password changes** (``services.passwords``) need the current password too and cancel the
  pending changes made here.

Everything is audited (``identity/audit_actions.py``).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecity.audit.services import audit_record
from ecity.core.errors import ValidationFailed
from ecity.core.masking import mask_email, mask_phone
from ecity.core.ratelimit import check_rate, peek_rate
from ecity.core.validators import normalise_mobile
from ecity.identity import checks
from ecity.identity.errors import (
    ConfirmationInvalid,
    NoPendingChange,
    TooManyAttempts,
    too_many_attempts,
)
from ecity.identity.models import ContactChange, User
from ecity.identity.security.notices import account_notice, not_me_context
from ecity.identity.security.reauth import reauth_require
from ecity.identity.services.citizens import _unless_masked, profile_update

logger = logging.getLogger("ecity.identity")

Session = MutableMapping[str, Any]

PHONE_CODE_MAX_WRONG = 5
_EMAIL_TOKEN_SALT = "ecity.identity.email_change"  # noqa: S105 - a signing salt, not a secret
_PHONE_CODE_SALT = "ecity.identity.phone_change"

_WHAT = {
    ContactChange.Kind.EMAIL: gettext_lazy("e-mail address"),
    ContactChange.Kind.PHONE: gettext_lazy("mobile number"),
}


def _limit(name: str) -> tuple[int, int]:
    limit, window = settings.ECITY_RATE_LIMITS[name]
    return int(limit), int(window)


# --- shared helpers ---------------------------------------------------------------------------


def contact_changes_cancel_pending(*, user: User, kinds: tuple[str, ...] | None = None) -> int:
    """Cancel ``user``'s pending changes (of ``kinds``, default all) without a trace of their own.

    For the services that make them moot: a new request of the same kind, a password change.
    Returns how many were cancelled.
    """
    kinds = kinds or tuple(ContactChange.Kind.values)
    now = timezone.now()
    return ContactChange.objects.filter(
        user=user, kind__in=kinds, status=ContactChange.Status.PENDING
    ).update(status=ContactChange.Status.CANCELLED, closed_at=now, updated_at=now)


def _count_request(user: User) -> None:
    limit, window = _limit("contact_change")
    if not check_rate(
        f"identity.contact_change:{user.pk}", limit=limit, window_seconds=window
    ).allowed:
        raise TooManyAttempts(
            _("You asked for too many changes. Please wait an hour and try again.")
        )


def _wanted_email(errors: checks.Errors, user: User, email: str | None) -> str | None:
    """The new address asked for, or None when unchanged (same value or its mask)."""
    email = _unless_masked(errors, "email", email, user.email or "", "email")
    if email is None:
        return None
    email = checks.normalise_email(email)
    return None if email == (user.email or "").lower() else email


def _wanted_phone(errors: checks.Errors, user: User, phone: str | None) -> str | None:
    phone = _unless_masked(errors, "phone", phone, user.phone or "", "phone")
    if phone is None:
        return None
    phone = normalise_mobile(phone)
    return None if phone == (user.phone or "") else phone


def _open_change(*, user: User, kind: str, new_value: str, lifetime: int) -> ContactChange:
    # The account row is locked so that two requests cannot both leave a pending change.
    User.objects.select_for_update().filter(pk=user.pk).first()
    contact_changes_cancel_pending(user=user, kinds=(kind,))
    return ContactChange(
        user=user,
        kind=kind,
        new_value=new_value,
        expires_at=timezone.now() + timedelta(seconds=lifetime),
    )


# --- e-mail address ---------------------------------------------------------------------------


def _address_digest(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:32]


def email_change_token(*, change: ContactChange) -> str:
    """The signed token of the link that confirms ``change`` (bound to its new address)."""
    return signing.dumps(
        {"c": str(change.public_id), "a": _address_digest(change.new_value)}, salt=_EMAIL_TOKEN_SALT
    )


def _email_change_start(*, user: User, email: str, request: HttpRequest | None) -> ContactChange:
    change = _open_change(
        user=user,
        kind=ContactChange.Kind.EMAIL,
        new_value=email,
        lifetime=settings.ECITY_EMAIL_CHANGE_LINK_SECONDS,
    )
    change.save()
    account_notice(
        user=user,
        event="email_change_confirm",
        key=f"email_change_confirm:{change.public_id}",
        email=email,
        context={
            "link_path": reverse(
                "identity:email_change_confirm", args=[email_change_token(change=change)]
            ),
            "valid_hours": max(1, settings.ECITY_EMAIL_CHANGE_LINK_SECONDS // 3600),
        },
    )
    account_notice(
        user=user,
        event="contact_change_requested",
        key=f"contact_change_requested:{change.public_id}",
        email=user.email,
        phone=user.phone,
        context={
            "what": _WHAT[ContactChange.Kind.EMAIL],
            "new_value": mask_email(email),
            **not_me_context(user, old_email_in_force=True),
        },
    )
    audit_record(
        actor=user,
        action="account.email_change_requested",
        obj=user,
        subject=user,
        request=request,
        fields=["email"],
    )
    logger.info("e-mail change requested: user=%s", user.public_id)
    return change


def email_change_request(
    *,
    user: User,
    session: Session,
    email: str,
    current_password: str = "",
    code: str = "",
    request: HttpRequest | None = None,
) -> ContactChange | None:
    """Ask to change ``user``'s e-mail address; it counts once confirmed from the new address.

    Rules: re-authentication first (``reauth_require``); the address must be valid, not masked
    and not another account's; the same address as now changes nothing (returns None). At most
    ``ECITY_RATE_LIMITS["contact_change"]`` requests per account and window. Side effects: an
    earlier pending e-mail change is cancelled (its link stops working); a confirmation link
    goes to the new address only; the old address and phone are told; audited
    "account.email_change_requested". The account's address does not change here.
    Errors: ``ReauthenticationRequired``, ``ValidationFailed``, ``TooManyAttempts``.
    """
    reauth_require(
        user=user, session=session, current_password=current_password, code=code, request=request
    )
    errors: checks.Errors = {}
    wanted = _wanted_email(errors, user, email)
    if wanted is not None:
        checks.check_email(errors, wanted, exclude=user)
    checks.raise_if(errors)
    if wanted is None:
        return None
    _count_request(user)
    with transaction.atomic():
        return _email_change_start(user=user, email=wanted, request=request)


def email_change_confirm(*, token: str, request: HttpRequest | None = None) -> User:
    """Make the pending e-mail address named by ``token`` the account's address; return it.

    The token is the one sent to the new address (``email_change_token``): signed, bound to
    that address, valid for ``ECITY_EMAIL_CHANGE_LINK_SECONDS`` and once only; a change that was
    cancelled or superseded is refused. Opening the link proves the new address; no login is
    needed (the change itself was asked for with the password). Side effects: the address
    changes; the old address and the phone are told; audited "account.email_changed".
    Errors: ``ConfirmationInvalid``, ``ValidationFailed`` (the address was taken meanwhile).
    """
    try:
        data = signing.loads(
            token, salt=_EMAIL_TOKEN_SALT, max_age=settings.ECITY_EMAIL_CHANGE_LINK_SECONDS
        )
        public_id = uuid.UUID(str(data["c"]))
        digest = str(data["a"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise ConfirmationInvalid() from exc
    refusal: Exception | None = None
    with transaction.atomic():
        change = (
            ContactChange.objects.select_for_update()
            .filter(public_id=public_id, kind=ContactChange.Kind.EMAIL)
            .first()
        )
        now = timezone.now()
        if (
            change is None
            or change.status != ContactChange.Status.PENDING
            or change.expires_at <= now
            or not constant_time_compare(_address_digest(change.new_value), digest)
        ):
            raise ConfirmationInvalid()
        user = User.objects.select_for_update().get(pk=change.user_id)
        errors: checks.Errors = {}
        checks.check_email(errors, change.new_value, exclude=user)
        if errors:
            change.status, change.closed_at = ContactChange.Status.CANCELLED, now
            change.save(update_fields=["status", "closed_at", "updated_at"])
            refusal = ValidationFailed(fields=errors)
        else:
            old_email = user.email
            user.email = change.new_value
            try:
                with transaction.atomic():
                    user.save(update_fields=["email"])
            except IntegrityError as exc:
                raise checks.unique_violation(exc) from exc
            change.status, change.closed_at = ContactChange.Status.CONFIRMED, now
            change.save(update_fields=["status", "closed_at", "updated_at"])
            account_notice(
                user=user,
                event="contact_changed",
                key=f"contact_changed:{change.public_id}",
                email=old_email,
                phone=user.phone,
                context={
                    "what": _WHAT[ContactChange.Kind.EMAIL],
                    "new_value": mask_email(change.new_value),
                    # The old address no longer receives resets: no reset link in this notice.
                    **not_me_context(user, old_email_in_force=False),
                },
            )
            audit_record(
                actor=user,
                action="account.email_changed",
                obj=user,
                subject=user,
                request=request,
                fields=["email"],
            )
    if refusal is not None:
        raise refusal
    logger.info("e-mail changed: user=%s", user.public_id)
    return user


# --- phone number -----------------------------------------------------------------------------


def _phone_code_hash(change: ContactChange, code: str) -> str:
    value = f"{change.public_id}:{code.strip()}"
    return salted_hmac(_PHONE_CODE_SALT, value, algorithm="sha256").hexdigest()


def _phone_change_start(*, user: User, phone: str, request: HttpRequest | None) -> ContactChange:
    lifetime = settings.ECITY_PHONE_CHANGE_CODE_SECONDS
    change = _open_change(
        user=user, kind=ContactChange.Kind.PHONE, new_value=phone, lifetime=lifetime
    )
    code = f"{secrets.randbelow(10**6):06d}"
    change.code_hash = _phone_code_hash(change, code)
    change.save()
    account_notice(
        user=user,
        event="phone_change_code",
        key=f"phone_change_code:{change.public_id}",
        phone=phone,
        context={"code": code, "minutes": max(1, lifetime // 60)},
    )
    account_notice(
        user=user,
        event="contact_change_requested",
        key=f"contact_change_requested:{change.public_id}",
        email=user.email,
        phone=user.phone,
        context={
            "what": _WHAT[ContactChange.Kind.PHONE],
            "new_value": mask_phone(phone),
            **not_me_context(user, old_email_in_force=True),
        },
    )
    audit_record(
        actor=user,
        action="account.phone_change_requested",
        obj=user,
        subject=user,
        request=request,
        fields=["phone"],
    )
    return change


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
    reauth_require(
        user=user, session=session, current_password=current_password, code=code, request=request
    )
    errors: checks.Errors = {}
    wanted = _wanted_phone(errors, user, phone)
    if wanted is not None:
        checks.check_phone(errors, wanted, exclude=user)
    checks.raise_if(errors)
    if wanted is None:
        return None
    _count_request(user)
    with transaction.atomic():
        return _phone_change_start(user=user, phone=wanted, request=request)


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
    limit, window = _limit("phone_code")
    key = f"identity.phone_code:{user.pk}"
    if peek_rate(key, window_seconds=window) >= limit:
        raise too_many_attempts(window)
    refusal: Exception | None = None
    with transaction.atomic():
        change = (
            ContactChange.objects.select_for_update()
            .filter(user=user, kind=ContactChange.Kind.PHONE, status=ContactChange.Status.PENDING)
            .first()
        )
        now = timezone.now()
        if change is not None and change.expires_at <= now:
            change.status, change.closed_at = ContactChange.Status.CANCELLED, now
            change.save(update_fields=["status", "closed_at", "updated_at"])
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
            locked = User.objects.select_for_update().get(pk=user.pk)
            errors: checks.Errors = {}
            checks.check_phone(errors, change.new_value, exclude=locked)
            if errors:
                change.status, change.closed_at = ContactChange.Status.CANCELLED, now
                change.save(update_fields=["status", "closed_at", "updated_at"])
                refusal = ValidationFailed(fields=errors)
            else:
                old_phone = locked.phone
                locked.phone = change.new_value
                try:
                    with transaction.atomic():
                        # The blind index is what login by phone and uniqueness look at.
                        locked.save(update_fields=["phone", "phone_index"])
                except IntegrityError as exc:
                    raise checks.unique_violation(exc) from exc
                change.status, change.closed_at = ContactChange.Status.CONFIRMED, now
                change.save(update_fields=["status", "closed_at", "updated_at"])
                account_notice(
                    user=locked,
                    event="contact_changed",
                    key=f"contact_changed:{change.public_id}",
                    email=locked.email,
                    phone=old_phone,
                    context={
                        "what": _WHAT[ContactChange.Kind.PHONE],
                        "new_value": mask_phone(change.new_value),
                        **not_me_context(locked, old_email_in_force=True),
                    },
                )
                audit_record(
                    actor=locked,
                    action="account.phone_changed",
                    obj=locked,
                    subject=locked,
                    request=request,
                    fields=["phone"],
                )
                user.phone, user.phone_index = locked.phone, locked.phone_index
    if refusal is not None:
        raise refusal
    return user


def contact_change_cancel(
    *, user: User, kind: str, request: HttpRequest | None = None
) -> ContactChange:
    """Cancel ``user``'s pending change of ``kind`` ("email" or "phone"); its link or code dies.

    Audited "account.contact_change_cancelled". Errors: ``NoPendingChange``.
    """
    with transaction.atomic():
        change = (
            ContactChange.objects.select_for_update()
            .filter(user=user, kind=kind, status=ContactChange.Status.PENDING)
            .first()
        )
        if change is None:
            raise NoPendingChange()
        change.status, change.closed_at = ContactChange.Status.CANCELLED, timezone.now()
        change.save(update_fields=["status", "closed_at", "updated_at"])
        audit_record(
            actor=user,
            action="account.contact_change_cancelled",
            obj=user,
            subject=user,
            request=request,
            fields=[kind],
        )
    return change


# --- the account API's one PATCH --------------------------------------------------------------


@dataclass(frozen=True)
class AccountUpdate:
    """What one account update did: the account, and the changes now waiting for confirmation."""

    user: User
    email_change: ContactChange | None = None
    phone_change: ContactChange | None = None


def account_update(
    *,
    user: User,
    session: Session,
    phone: str | None = None,
    email: str | None = None,
    address: str | None = None,
    preferred_language: str | None = None,
    current_password: str = "",
    code: str = "",
    request: HttpRequest | None = None,
) -> AccountUpdate:
    """Change ``user``'s own details in one go; ``None`` (or the stored value's mask) keeps one.

    Address and language change at once (``profile_update``). A new e-mail address or phone
    number needs re-authentication first (``reauth_require``: send ``current_password``) and
    then only starts a change that counts once confirmed (``email_change_request``,
    ``phone_change_request``). Every field problem is reported at once; nothing is written then.
    Errors: ``ReauthenticationRequired``, ``ValidationFailed``, ``TooManyAttempts``.
    """
    errors: checks.Errors = {}
    new_email = _wanted_email(errors, user, email)
    new_phone = _wanted_phone(errors, user, phone)
    if new_email is not None or new_phone is not None or current_password or code:
        reauth_require(
            user=user,
            session=session,
            current_password=current_password,
            code=code,
            request=request,
        )
    if new_email is not None:
        checks.check_email(errors, new_email, exclude=user)
    if new_phone is not None:
        checks.check_phone(errors, new_phone, exclude=user)
    with transaction.atomic():
        try:
            user = profile_update(user=user, address=address, preferred_language=preferred_language)
        except ValidationFailed as exc:
            for name, messages in exc.fields.items():
                errors.setdefault(name, []).extend(messages)
        checks.raise_if(errors)
        if new_email is not None or new_phone is not None:
            _count_request(user)
        email_change = (
            _email_change_start(user=user, email=new_email, request=request)
            if new_email is not None
            else None
        )
        phone_change = (
            _phone_change_start(user=user, phone=new_phone, request=request)
            if new_phone is not None
            else None
        )
    return AccountUpdate(user=user, email_change=email_change, phone_change=phone_change)
