"""The account API's one PATCH: profile details at once, new contact details as pending changes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest

from ecity.core.errors import ValidationFailed
from ecity.identity import checks
from ecity.identity.models import ContactChange, User
from ecity.identity.security.reauth import reauth_require
from ecity.identity.services.account_changes.email_address import EMAIL
from ecity.identity.services.account_changes.mobile_number import PHONE
from ecity.identity.services.account_changes.pending import (
    Session,
    change_start,
    request_count,
    wanted_value,
)
from ecity.identity.services.citizens import profile_update


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
    new_email = wanted_value(EMAIL, errors, user, email)
    new_phone = wanted_value(PHONE, errors, user, phone)
    if new_email is not None or new_phone is not None or current_password or code:
        reauth_require(
            user=user,
            session=session,
            current_password=current_password,
            code=code,
            request=request,
        )
    if new_email is not None:
        EMAIL.check(errors, new_email, exclude=user)
    if new_phone is not None:
        PHONE.check(errors, new_phone, exclude=user)
    with transaction.atomic():
        try:
            user = profile_update(user=user, address=address, preferred_language=preferred_language)
        except ValidationFailed as exc:
            for name, messages in exc.fields.items():
                errors.setdefault(name, []).extend(messages)
        checks.raise_if(errors)
        if new_email is not None or new_phone is not None:
            request_count(user)
        email_change = (
            change_start(EMAIL, user=user, new_value=new_email, request=request)
            if new_email is not None
            else None
        )
        phone_change = (
            change_start(PHONE, user=user, new_value=new_phone, request=request)
            if new_phone is not None
            else None
        )
    return AccountUpdate(user=user, email_change=email_change, phone_change=phone_change)
