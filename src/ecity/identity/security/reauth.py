"""Re-authentication ("sudo mode"): prove the password again, and remember when in the session.

A stolen session cookie is not the password. Changes that would let its holder keep the account
(e-mail address, phone number, password) need the password (or, for an account with an
authenticator app, a fresh TOTP code) entered within ``ECITY_REAUTH_SECONDS`` in this session.
The moment is kept in Django's session under ``ecity_reauth_at`` (a Unix time): it is set at
login (``flow.login_complete``) and by ``identity.services.account_changes.reauthenticate``,
and goes with the session (a logout or a new login starts afresh).
"""

from __future__ import annotations

import time
from collections.abc import MutableMapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import ValidationFailed
from ecity.core.ratelimit import check_rate, peek_rate
from ecity.identity.errors import ReauthenticationRequired, too_many_attempts
from ecity.identity.models import User
from ecity.identity.security import mfa, totp

REAUTH_AT_KEY = "ecity_reauth_at"

Session = MutableMapping[str, Any]


def reauth_mark(session: MutableMapping[str, Any], *, now: float | None = None) -> None:
    """Record that the password (or a code) was just entered in this session."""
    session[REAUTH_AT_KEY] = int(time.time() if now is None else now)


def reauth_is_recent(session: MutableMapping[str, Any], *, now: float | None = None) -> bool:
    """Whether this session proved the password within ``ECITY_REAUTH_SECONDS``."""
    marked = session.get(REAUTH_AT_KEY)
    if not isinstance(marked, int | float) or isinstance(marked, bool):
        return False
    elapsed = (time.time() if now is None else now) - marked
    return 0 <= elapsed <= int(settings.ECITY_REAUTH_SECONDS)


def reauth_clear(session: MutableMapping[str, Any]) -> None:
    """Forget the moment (the next sensitive change asks again)."""
    session.pop(REAUTH_AT_KEY, None)


def _limit(name: str) -> tuple[int, int]:
    limit, window = settings.ECITY_RATE_LIMITS[name]
    return int(limit), int(window)


def reauthenticate(
    *,
    user: User,
    session: Session,
    password: str = "",
    code: str = "",
    request: HttpRequest | None = None,
) -> None:
    """Check ``user``'s current password (or a fresh TOTP code) and mark the session.

    Rules: the password, or for an account with an authenticator app a current TOTP code
    (recovery codes are not accepted here); after ``ECITY_RATE_LIMITS["reauth"]`` wrong answers
    per account in the window every answer is refused until the window ends. Side effects: the
    session is marked re-authenticated (``security.reauth``); success and failure are audited
    ("auth.reauthenticated", "auth.reauth_failed"). Call it outside the change's transaction, so
    that a refusal's audit entry stays. Errors: ``ValidationFailed`` on ``current_password`` (or
    ``code``), ``TooManyAttempts``.
    """
    limit, window = _limit("reauth")
    key = f"identity.reauth:{user.pk}"
    if peek_rate(key, window_seconds=window) >= limit:
        raise too_many_attempts(window)
    field = "code" if code and not password else "current_password"
    accepted = False
    if password:
        accepted = user.check_password(password)
    elif code and totp.looks_like_totp(code) and mfa.mfa_is_enabled(user=user):
        accepted = mfa.mfa_code_check(user=user, code=code) == "totp"
    if not accepted:
        check_rate(key, limit=limit, window_seconds=window)
        audit_record(
            actor=user,
            action="auth.reauth_failed",
            obj=user,
            subject=user,
            request=request,
            data={"with": field},
        )
        message = (
            _("The code is not correct, or it has already been used.")
            if field == "code"
            else _("The password is not correct.")
        )
        raise ValidationFailed(fields={field: [message]})
    reauth_mark(session)
    audit_record(
        actor=user,
        action="auth.reauthenticated",
        obj=user,
        subject=user,
        request=request,
        data={"with": field},
    )


def reauth_require(
    *,
    user: User,
    session: Session,
    current_password: str = "",
    code: str = "",
    request: HttpRequest | None = None,
) -> None:
    """Make sure this session proved ``user``'s password recently, or prove it now.

    With ``current_password`` (or ``code``) it re-authenticates (see ``reauthenticate``);
    without, the session must have been re-authenticated within ``ECITY_REAUTH_SECONDS``.
    Errors: ``ReauthenticationRequired`` (403), ``ValidationFailed``, ``TooManyAttempts``.
    """
    if current_password or code:
        reauthenticate(
            user=user, session=session, password=current_password, code=code, request=request
        )
        return
    if not reauth_is_recent(session):
        raise ReauthenticationRequired(
            fields={"current_password": [_("Enter your current password to confirm it is you.")]}
        )
