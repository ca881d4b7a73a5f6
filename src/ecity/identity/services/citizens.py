"""Writes about citizens: registration, real-name verification, profile, acting identity.

Each service validates all its input first and reports every problem at once as
``ValidationFailed(fields=...)``; nothing is written unless everything is valid.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.masking import mask
from ecity.core.validators import (
    normalise_id_number,
    normalise_mobile,
)
from ecity.identity import checks, selectors
from ecity.identity.models import LegalEntity, User

logger = logging.getLogger("ecity.identity")


# --- citizens --------------------------------------------------------------------------------


def citizen_register(
    *,
    username: str,
    password: str,
    real_name: str,
    id_number: str,
    phone: str,
    email: str,
    address: str = "",
    preferred_language: str = "zh-hans",
) -> User:
    """Register a citizen account (level 1, not yet real-name verified) and return it.

    Rules: every field is validated (ID number GB 11643, mainland mobile, e-mail, password policy);
    username, ID number, phone and e-mail are unique. Raises ``ValidationFailed`` listing every
    field problem; nothing is written then.
    """
    username = username.strip()
    real_name = real_name.strip()
    id_number = normalise_id_number(id_number) if id_number else ""
    phone = normalise_mobile(phone)
    email = checks.normalise_email(email)
    errors: checks.Errors = {}
    checks.check_username(errors, username)
    if checks.check_required(errors, "real_name", real_name) and len(real_name) > 100:
        errors.setdefault("real_name", []).append(_("Use at most 100 characters."))
    checks.check_id_number(errors, id_number)
    checks.check_phone(errors, phone)
    checks.check_email(errors, email)
    if preferred_language not in dict(User._meta.get_field("preferred_language").choices or []):
        errors.setdefault("preferred_language", []).append(_("Choose a language from the list."))
    user = User(
        username=username,
        real_name=real_name,
        id_number=id_number,
        phone=phone,
        email=email,
        address=address.strip(),
        preferred_language=preferred_language,
    )
    checks.check_password(errors, password, user)
    checks.raise_if(errors)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            audit_record(actor=user, action="account.registered", obj=user, subject=user)
    except IntegrityError as exc:
        raise checks.unique_violation(exc) from exc
    logger.info("citizen registered: user=%s", user.public_id)
    return user


# Every mask in core.masking hides characters behind a run of at least two stars.
_MASK_PATTERN = "**"


def _unless_masked(
    errors: checks.Errors, field: str, value: str | None, stored: str, kind: str
) -> str | None:
    """``value`` as input, ``None`` (unchanged) if it is the stored value's mask; records an error
    for any other masked-looking value so that a mask is never written over a real value."""
    if value is None:
        return None
    if stored and value.strip() == mask(stored, kind):
        return None
    if _MASK_PATTERN in value:
        errors.setdefault(field, []).append(
            _("Enter the full value, not the masked form shown on the page.")
        )
        return None
    return value


def profile_update(
    *,
    user: User,
    phone: str | None = None,
    email: str | None = None,
    address: str | None = None,
    preferred_language: str | None = None,
) -> User:
    """Change the contact details of ``user``'s own account; ``None`` leaves a field unchanged.

    Real name and ID number are not changed here: they are the identity that was registered and
    verified. Nor are the phone number and e-mail address: a value other than the stored one is
    refused (``services.account_changes`` changes them, with re-authentication and
    confirmation). A masked value (as the account API shows phone, e-mail and address) is never
    taken as input: exactly the mask of the stored value means "unchanged" (a client sending
    back what it read), any other value with the mask pattern is refused. Raises
    ``ValidationFailed`` (a masked-looking value, a new phone or e-mail, an invalid address or
    language).
    """
    errors: checks.Errors = {}
    changes: dict[str, str] = {}
    phone = _unless_masked(errors, "phone", phone, user.phone or "", "phone")
    email = _unless_masked(errors, "email", email, user.email or "", "email")
    address = _unless_masked(errors, "address", address, user.address or "", "address")
    # A new phone number or e-mail address needs re-authentication and confirmation: that is
    # ``account_changes.phone_change_request`` / ``email_change_request``, never this function.
    if phone is not None and normalise_mobile(phone) != (user.phone or ""):
        errors.setdefault("phone", []).append(
            _("Change your mobile number on its own page: it needs your password and a code.")
        )
    if email is not None and checks.normalise_email(email) != (user.email or "").lower():
        errors.setdefault("email", []).append(
            _("Change your e-mail address on its own page: it needs your password and a link.")
        )
    if address is not None:
        address = address.strip()
        if len(address) > 300:
            errors.setdefault("address", []).append(_("Use at most 300 characters."))
        changes["address"] = address
    if preferred_language is not None:
        if preferred_language not in dict(User._meta.get_field("preferred_language").choices or []):
            errors.setdefault("preferred_language", []).append(
                _("Choose a language from the list.")
            )
        changes["preferred_language"] = preferred_language
    checks.raise_if(errors)
    if not changes:
        return user
    for name, value in changes.items():
        setattr(user, name, value)
    try:
        with transaction.atomic():
            user.save(update_fields=list(changes))
            audit_record(
                actor=user,
                action="personal_data.write",
                obj=user,
                subject=user,
                fields=list(changes),
            )
    except IntegrityError as exc:
        raise checks.unique_violation(exc) from exc
    return user


def acting_identity_switch(
    *, user: User, session: MutableMapping[str, Any], legal_entity: LegalEntity | None
) -> selectors.ActingIdentity:
    """Make ``user`` act as ``legal_entity`` (or as themselves when None) in this session.

    Raises ``PermissionDenied`` unless ``user`` is a current agent of ``legal_entity``,
    ``EnterpriseNotVerified`` while the enterprise is not verified, ``IdentityLevelRequired``
    while ``user``'s real-name level is too low to act for an enterprise.
    """
    if legal_entity is None:
        session[selectors.ACTING_SESSION_KEY] = ""
    else:
        selectors.act_for_check(user=user, legal_entity=legal_entity)
        session[selectors.ACTING_SESSION_KEY] = str(legal_entity.public_id)
    identity = selectors.acting_identity(user=user, session=session)
    assert identity is not None  # user is authenticated here
    return identity
