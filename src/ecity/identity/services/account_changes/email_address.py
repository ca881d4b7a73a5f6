"""Changing the e-mail address: it counts once the signed link sent to the new address is opened."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy

from ecity.core.masking import mask_email
from ecity.identity import checks
from ecity.identity.errors import ConfirmationInvalid
from ecity.identity.models import ContactChange, User
from ecity.identity.services.account_changes.pending import (
    ContactKind,
    Proof,
    Session,
    change_apply,
    change_request,
)

_EMAIL_TOKEN_SALT = "ecity.identity.email_change"  # noqa: S105 - a signing salt, not a secret


def _address_digest(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:32]


def email_change_token(*, change: ContactChange) -> str:
    """The signed token of the link that confirms ``change`` (bound to its new address)."""
    return signing.dumps(
        {"c": str(change.public_id), "a": _address_digest(change.new_value)}, salt=_EMAIL_TOKEN_SALT
    )


def _confirmation_link(change: ContactChange) -> Proof:
    return Proof(
        event="email_change_confirm",
        context={
            "link_path": reverse(
                "identity:email_change_confirm", args=[email_change_token(change=change)]
            ),
            "valid_hours": max(1, settings.ECITY_EMAIL_CHANGE_LINK_SECONDS // 3600),
        },
    )


def _stored_email(user: User) -> str:
    return (user.email or "").lower()


EMAIL = ContactKind(
    kind=ContactChange.Kind.EMAIL,
    field="email",
    what=gettext_lazy("e-mail address"),
    lifetime_setting="ECITY_EMAIL_CHANGE_LINK_SECONDS",
    saved_fields=("email",),
    normalise=checks.normalise_email,
    stored=_stored_email,
    check=checks.check_email,
    mask=mask_email,
    proof=_confirmation_link,
    # The old address no longer receives resets: no reset link in the notice of the change.
    old_email_in_force_after=False,
)


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
    return change_request(
        EMAIL,
        user=user,
        session=session,
        value=email,
        current_password=current_password,
        code=code,
        request=request,
    )


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
        user, refusal = change_apply(EMAIL, change=change, now=now, request=request)
    if refusal is not None:
        raise refusal
    return user
