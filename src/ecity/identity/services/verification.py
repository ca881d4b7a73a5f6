"""Real-name verification of citizens: at a counter, through an identity provider, by the registry.

Each channel raises an account's real-name level (``IdentityLevel``: 1 registered, 2 real-name
verified, 3 verified in person), never lowers it, and records how, when and by whom
(``identity_method``: ``counter``, ``registry`` or ``idp:<provider>``) with an
``account.identity_verified`` audit entry. A verification that proves someone else than the
account's registered person (another name or ID number) is refused and recorded as
``account.identity_verification_failed``: someone may have registered with another person's ID
number.
"""

from __future__ import annotations

import logging
import secrets
import unicodedata
from collections.abc import Mapping, MutableMapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import PermissionDenied
from ecity.core.validators import normalise_id_number
from ecity.identity import checks
from ecity.identity.errors import VerificationFailed, VerificationUnavailable
from ecity.identity.models import IdentityLevel, User
from ecity.identity.providers import VerificationResult, provider_get
from ecity.identity.registries import Match, person_registry
from ecity.identity.selectors import can_verify_at_counter

logger = logging.getLogger("ecity.identity")

METHOD_COUNTER = "counter"
METHOD_REGISTRY = "registry"
IDP_METHOD_PREFIX = "idp:"

# The session key of an online verification in progress: provider, one-time state, account.
VERIFICATION_SESSION_KEY = "ecity_identity_verification"
VERIFICATION_MAX_AGE_SECONDS = 30 * 60


def same_name(a: str, b: str) -> bool:
    """Whether two real names are the same person's name as written (width and spaces folded)."""

    def fold(value: str) -> str:
        return "".join(unicodedata.normalize("NFKC", value or "").split())

    return bool(fold(a)) and fold(a) == fold(b)


def same_id_number(a: str, b: str) -> bool:
    """Whether two resident ID numbers are the same once normalised (x/X, spaces, 15 digits)."""
    return bool(a and b) and normalise_id_number(a) == normalise_id_number(b)


def _level_raise(*, user: User, level: int, method: str, verified_by: User | None) -> bool:
    """Raise ``user`` (locked) to ``level`` by ``method``; False when already at or above it."""
    if user.identity_level >= level:
        return False
    user.identity_level = level
    user.identity_method = method
    user.identity_verified_at = timezone.now()
    user.identity_verified_by = verified_by
    user.save(
        update_fields=[
            "identity_level",
            "identity_method",
            "identity_verified_at",
            "identity_verified_by",
        ]
    )
    return True


def _failure_record(*, actor: User | None, user: User, method: str, reason: str) -> None:
    """Record a verification that proved someone else (committed even though the act fails)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="account.identity_verification_failed",
            obj=user,
            subject=user,
            data={"method": method, "reason": reason},
        )
    logger.warning(
        "identity verification failed: user=%s method=%s reason=%s", user.public_id, method, reason
    )


# --- at a counter ----------------------------------------------------------------------------


def citizen_verify_at_counter(*, actor: User, user: User, id_number: str, real_name: str) -> User:
    """Record that a clerk saw ``user`` in person with their ID card; raise them to level 3.

    ``id_number`` and ``real_name`` are what the clerk reads on the ID card: both must match
    the account's registered identity (a mismatch is refused and recorded as a failed
    verification). Permissions: a counter clerk of any department (platform administrators hold
    every role); nobody verifies their own account. Side effects: level 3 with method
    ``counter`` and the clerk as ``identity_verified_by``; an ``account.identity_verified``
    audit entry. An account already at level 3 is left as it is (nothing recorded).
    Errors: ``PermissionDenied``, ``ValidationFailed``.
    """
    if not can_verify_at_counter(user=actor):
        raise PermissionDenied(_("Only a counter clerk can verify identities."))
    if actor.pk == user.pk:
        raise PermissionDenied(_("You cannot verify your own identity."))
    errors: checks.Errors = {}
    checks.check_required(errors, "id_number", id_number.strip())
    checks.check_required(errors, "real_name", real_name.strip())
    checks.raise_if(errors)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            errors["user"] = [_("This account is disabled.")]
        elif not (user.real_name and user.id_number):
            errors["user"] = [
                _("Only an account with a real name and an ID number can be verified.")
            ]
        checks.raise_if(errors)
        mismatch = []
        if not same_id_number(id_number, user.id_number):
            mismatch.append("id_number")
        if not same_name(real_name, user.real_name):
            mismatch.append("real_name")
        if not mismatch:
            if _level_raise(
                user=user,
                level=IdentityLevel.IN_PERSON,
                method=METHOD_COUNTER,
                verified_by=actor,
            ):
                audit_record(
                    actor=actor,
                    action="account.identity_verified",
                    obj=user,
                    subject=user,
                    data={"method": METHOD_COUNTER, "level": int(IdentityLevel.IN_PERSON)},
                )
                logger.info("identity verified at a counter: user=%s", user.public_id)
            return user
    _failure_record(actor=actor, user=user, method=METHOD_COUNTER, reason="mismatch")
    messages = {
        "id_number": _("The ID number on the card is not the one registered on this account."),
        "real_name": _("The name on the card is not the one registered on this account."),
    }
    raise VerificationFailed(fields={name: [messages[name]] for name in mismatch})


# --- through an identity provider ------------------------------------------------------------


def citizen_verification_start(
    *,
    user: User,
    provider_name: str,
    session: MutableMapping[str, Any],
    callback_url: str,
    params: Mapping[str, str] | None = None,
) -> str:
    """Begin verifying ``user`` with the identity provider ``provider_name``.

    Keeps a one-time state in ``session`` and returns the address to send the browser to (the
    provider's page), or "" when the provider answered synchronously and the verification is
    already complete (``citizen_verification_complete`` was called with ``params``).
    Errors: ``VerificationUnavailable`` (no such provider enabled), and those of ``_complete``.
    """
    provider = provider_get(provider_name)
    if provider is None:
        raise VerificationUnavailable(_("This identity provider is not available."))
    state = secrets.token_urlsafe(24)
    session[VERIFICATION_SESSION_KEY] = {
        "provider": provider.name,
        "state": state,
        "user": str(user.public_id),
        "started_at": timezone.now().timestamp(),
    }
    start = provider.start(user=user, state=state, callback_url=callback_url, params=params or {})
    if start.redirect_url:
        return start.redirect_url
    citizen_verification_complete(
        user=user, session=session, params={**(params or {}), "state": state}
    )
    return ""


def citizen_verification_complete(
    *, user: User, session: MutableMapping[str, Any], params: Mapping[str, str]
) -> User:
    """Finish the verification begun in this session with the provider's answer ``params``.

    Rules: the answer must carry the session's one-time state (and it is used once), come back
    to the account that started it within 30 minutes, and the provider must still be enabled;
    the person the provider vouches for must be the account's registered person (ID number and
    name), else the attempt is refused and recorded as ``account.identity_verification_failed``.
    Side effects: the account rises to the provider's level with method ``idp:<name>`` and an
    ``account.identity_verified`` audit entry (unless it was already at that level).
    Errors: ``VerificationFailed``, ``VerificationUnavailable``.
    """
    pending = session.pop(VERIFICATION_SESSION_KEY, None)
    state = str(params.get("state") or "")
    if (
        not isinstance(pending, dict)
        or not state
        or not secrets.compare_digest(str(pending.get("state") or ""), state)
        or pending.get("user") != str(user.public_id)
        or timezone.now().timestamp() - float(pending.get("started_at") or 0)
        > VERIFICATION_MAX_AGE_SECONDS
    ):
        raise VerificationFailed(
            _("This verification was not started here or has expired. Please start again.")
        )
    provider = provider_get(str(pending.get("provider") or ""))
    if provider is None:
        raise VerificationUnavailable(_("This identity provider is not available."))
    method = f"{IDP_METHOD_PREFIX}{provider.name}"
    result: VerificationResult = provider.complete(user=user, state=state, params=params)
    if not result.is_verified:
        raise VerificationFailed(result.message or _("The identity provider did not verify you."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        is_same_person = same_id_number(result.id_number, user.id_number) and same_name(
            result.real_name, user.real_name
        )
        if is_same_person and user.is_active:
            if _level_raise(user=user, level=provider.level, method=method, verified_by=None):
                audit_record(
                    actor=user,
                    action="account.identity_verified",
                    obj=user,
                    subject=user,
                    data={
                        "method": method,
                        "level": int(provider.level),
                        "reference": result.reference[:100],
                    },
                )
                logger.info("identity verified by %s: user=%s", method, user.public_id)
            return user
    _failure_record(actor=user, user=user, method=method, reason="mismatch")
    raise VerificationFailed(
        _(
            "The identity provider verified a different person from the one registered on this "
            "account. If someone registered with your ID number, go to a service counter with "
            "your ID card."
        )
    )


# --- by the person registry ------------------------------------------------------------------


def citizen_verify_by_registry(*, user: User) -> User:
    """Match ``user``'s registered identity against the person registry; level 2 on a match.

    The registry (``ecity.identity.registries``) answers MATCH only when its record proves the
    person (not merely that name and ID number exist). Side effects on a match: level 2 with
    method ``registry`` and an ``account.identity_verified`` audit entry; on a mismatch an
    ``account.identity_verification_failed`` entry. Errors: ``VerificationUnavailable`` (no
    registry connected or no answer), ``VerificationFailed`` (mismatch).
    """
    registry = person_registry()
    if not registry.is_connected:
        raise VerificationUnavailable(
            _("No person registry is connected yet: get verified online or at a service counter.")
        )
    answer = registry.person_match(
        real_name=user.real_name, id_number=user.id_number, phone=user.phone or ""
    )
    if answer.outcome == Match.UNKNOWN:
        raise VerificationUnavailable(
            _("The person registry could not confirm your identity: get verified at a counter.")
        )
    if answer.outcome == Match.MISMATCH:
        _failure_record(actor=user, user=user, method=METHOD_REGISTRY, reason="mismatch")
        raise VerificationFailed(
            _("The person registry does not match the identity registered on this account.")
        )
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if _level_raise(
            user=user, level=IdentityLevel.REAL_NAME, method=METHOD_REGISTRY, verified_by=None
        ):
            audit_record(
                actor=user,
                action="account.identity_verified",
                obj=user,
                subject=user,
                data={
                    "method": METHOD_REGISTRY,
                    "level": int(IdentityLevel.REAL_NAME),
                    "reference": answer.reference[:100],
                },
            )
    return user
