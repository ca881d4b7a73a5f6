"""One mechanism for both kinds of contact change: open a pending change, prove it, apply it.

A ``ContactKind`` holds what differs between the e-mail address and the mobile number (the
field, how a value is normalised and checked, how the new value proves itself, which fields a
change writes); everything else (re-authentication, the rate limit, cancelling an earlier
change, telling the old contact details, the audit entries) is done here, once, for both.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import ValidationFailed
from ecity.core.ratelimit import check_rate
from ecity.identity import checks
from ecity.identity.errors import NoPendingChange, TooManyAttempts
from ecity.identity.models import ContactChange, User
from ecity.identity.security.notices import account_notice, not_me_context
from ecity.identity.security.reauth import reauth_require
from ecity.identity.services.citizens import _unless_masked

logger = logging.getLogger("ecity.identity")

Session = MutableMapping[str, Any]


class ValueCheck(Protocol):
    """A field check of ``identity.checks`` (valid, and not another account's)."""

    def __call__(self, errors: checks.Errors, value: str, /, *, exclude: User | None = ...) -> None:
        """Record the problems of ``value`` in ``errors``."""


@dataclass(frozen=True)
class Proof:
    """What goes to the new value to prove that it reaches the account's holder."""

    event: str  # the account notice sent to the new value
    context: Mapping[str, Any]


@dataclass(frozen=True)
class ContactKind:
    """What differs between the kinds of contact change; the rest is this module's."""

    kind: str  # a ContactChange.Kind
    field: str  # the User field it changes, also the field of errors and audit entries
    what: Promise  # how the notices name it
    lifetime_setting: str  # the setting giving a pending change's life in seconds
    saved_fields: tuple[str, ...]  # the User fields written when the change counts
    normalise: Callable[[str], str]
    stored: Callable[[User], str]  # the account's value in the same normal form
    check: ValueCheck
    mask: Callable[[str], str]
    # Sets what the change needs to be proven (before it is saved) and says what to send.
    proof: Callable[[ContactChange], Proof]
    # Whether the e-mail address the old contact details are told at still receives password
    # resets once the change counts (not when the address itself changed).
    old_email_in_force_after: bool

    @property
    def lifetime(self) -> int:
        return int(getattr(settings, self.lifetime_setting))


def rate_limit(name: str) -> tuple[int, int]:
    """The limit and window (seconds) of ``ECITY_RATE_LIMITS[name]``."""
    limit, window = settings.ECITY_RATE_LIMITS[name]
    return int(limit), int(window)


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


def change_close(change: ContactChange, status: str, now: datetime) -> None:
    """Close ``change`` (confirmed or cancelled) so that its link or code no longer works."""
    change.status, change.closed_at = status, now
    change.save(update_fields=["status", "closed_at", "updated_at"])


def request_count(user: User) -> None:
    """Count one change request of ``user``; raise ``TooManyAttempts`` past the limit."""
    limit, window = rate_limit("contact_change")
    if not check_rate(
        f"identity.contact_change:{user.pk}", limit=limit, window_seconds=window
    ).allowed:
        raise TooManyAttempts(
            _("You asked for too many changes. Please wait an hour and try again.")
        )


def wanted_value(
    contact: ContactKind, errors: checks.Errors, user: User, value: str | None
) -> str | None:
    """The new value asked for, or None when unchanged (same value or its mask)."""
    stored = getattr(user, contact.field) or ""
    value = _unless_masked(errors, contact.field, value, stored, contact.field)
    if value is None:
        return None
    value = contact.normalise(value)
    return None if value == contact.stored(user) else value


def change_start(
    contact: ContactKind, *, user: User, new_value: str, request: HttpRequest | None
) -> ContactChange:
    """Open a pending change to ``new_value``, send its proof there and tell the old details.

    Call inside a transaction, after the checks. An earlier pending change of the same kind is
    cancelled. Audited "account.<field>_change_requested".
    """
    # The account row is locked so that two requests cannot both leave a pending change.
    User.objects.select_for_update().filter(pk=user.pk).first()
    contact_changes_cancel_pending(user=user, kinds=(contact.kind,))
    change = ContactChange(
        user=user,
        kind=contact.kind,
        new_value=new_value,
        expires_at=timezone.now() + timedelta(seconds=contact.lifetime),
    )
    proof = contact.proof(change)
    change.save()
    account_notice(
        user=user,
        event=proof.event,
        key=f"{proof.event}:{change.public_id}",
        context=proof.context,
        **{contact.field: new_value},
    )
    account_notice(
        user=user,
        event="contact_change_requested",
        key=f"contact_change_requested:{change.public_id}",
        email=user.email,
        phone=user.phone,
        context={
            "what": contact.what,
            "new_value": contact.mask(new_value),
            **not_me_context(user, old_email_in_force=True),
        },
    )
    audit_record(
        actor=user,
        action=f"account.{contact.field}_change_requested",
        obj=user,
        subject=user,
        request=request,
        fields=[contact.field],
    )
    logger.info("contact change requested: kind=%s user=%s", contact.kind, user.public_id)
    return change


def change_request(
    contact: ContactKind,
    *,
    user: User,
    session: Session,
    value: str,
    current_password: str,
    code: str,
    request: HttpRequest | None,
) -> ContactChange | None:
    """Re-authenticate, check ``value`` and start its change (None when it changes nothing)."""
    reauth_require(
        user=user, session=session, current_password=current_password, code=code, request=request
    )
    errors: checks.Errors = {}
    wanted = wanted_value(contact, errors, user, value)
    if wanted is not None:
        contact.check(errors, wanted, exclude=user)
    checks.raise_if(errors)
    if wanted is None:
        return None
    request_count(user)
    with transaction.atomic():
        return change_start(contact, user=user, new_value=wanted, request=request)


def change_apply(
    contact: ContactKind, *, change: ContactChange, now: datetime, request: HttpRequest | None
) -> tuple[User, ValidationFailed | None]:
    """Make the proven, locked pending ``change`` the account's value; return the locked account.

    Call inside the transaction that locked ``change``. When another account took the value
    meanwhile, the change is cancelled and the refusal returned (to raise after the commit, so
    that the cancellation stays). Otherwise the value changes, the old contact details are told
    and the change is audited "account.<field>_changed".
    """
    locked = User.objects.select_for_update().get(pk=change.user_id)
    errors: checks.Errors = {}
    contact.check(errors, change.new_value, exclude=locked)
    if errors:
        change_close(change, ContactChange.Status.CANCELLED, now)
        return locked, ValidationFailed(fields=errors)
    # The notice goes to the old value of the field that changed and the current other one.
    recipients = {"email": locked.email, "phone": locked.phone}
    recipients[contact.field] = getattr(locked, contact.field)
    setattr(locked, contact.field, change.new_value)
    try:
        with transaction.atomic():
            locked.save(update_fields=list(contact.saved_fields))
    except IntegrityError as exc:
        raise checks.unique_violation(exc) from exc
    change_close(change, ContactChange.Status.CONFIRMED, now)
    account_notice(
        user=locked,
        event="contact_changed",
        key=f"contact_changed:{change.public_id}",
        context={
            "what": contact.what,
            "new_value": contact.mask(change.new_value),
            **not_me_context(locked, old_email_in_force=contact.old_email_in_force_after),
        },
        **recipients,
    )
    audit_record(
        actor=locked,
        action=f"account.{contact.field}_changed",
        obj=locked,
        subject=locked,
        request=request,
        fields=[contact.field],
    )
    logger.info("contact changed: kind=%s user=%s", contact.kind, locked.public_id)
    return locked, None


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
        change_close(change, ContactChange.Status.CANCELLED, timezone.now())
        audit_record(
            actor=user,
            action="account.contact_change_cancelled",
            obj=user,
            subject=user,
            request=request,
            fields=[kind],
        )
    return change
