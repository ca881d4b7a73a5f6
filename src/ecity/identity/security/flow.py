"""The two-step login: password, then the second factor (or forced enrolment), then login().

After a correct password the session holds only a *pending* marker (account, purpose, expiry,
where to go next); ``login()`` is called once the second factor is verified, so a session is
never authenticated on the password alone for an account with an authenticator.

* Account with an active authenticator → ``identity:login_verify`` asks for a code.
* Account that must have one but has none → ``identity:mfa_setup`` enrols it first.
* Anyone else → logged in at once.

Session keys written at login:

* ``ecity_mfa``: "verified" (second factor passed) or "password" (password only). Sessions
  without the key were not created by this login page (tests, shells) and are left alone.
* ``ecity_idle_limit``, ``ecity_last_seen``, ``ecity_login_at``: staff idle time-out (see
  ``middleware``). Staff session cookies also end when the browser closes.
* ``ecity_reauth_at``: the password was entered now (``reauth``): account changes right after
  login need no second prompt.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from ecity.identity.models import User
from ecity.identity.security import lockout, mfa, reauth
from ecity.org import selectors as org_selectors

PENDING_KEY = "ecity_login_pending"
MFA_STATE_KEY = "ecity_mfa"
MFA_VERIFIED = "verified"
MFA_PASSWORD_ONLY = "password"  # noqa: S105 - a state name, not a password
IDLE_LIMIT_KEY = "ecity_idle_limit"
LAST_SEEN_KEY = "ecity_last_seen"
LOGIN_AT_KEY = "ecity_login_at"
RECOVERY_CODES_KEY = "ecity_recovery_codes_once"

VERIFY = "verify"
ENROL = "enrol"


@dataclass(frozen=True)
class Pending:
    user: User
    purpose: str
    next_url: str
    backend: str


def pending_begin(request: HttpRequest, user: User, *, purpose: str, next_url: str) -> None:
    """Remember that ``user`` passed the password step; valid for a few minutes."""
    lifetime = (
        settings.ECITY_MFA_ENROL_PENDING_SECONDS
        if purpose == ENROL
        else settings.ECITY_MFA_PENDING_SECONDS
    )
    request.session.cycle_key()  # a new session ID once the password is known to be right
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "purpose": purpose,
        "next": next_url,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
        "expires": time.time() + lifetime,
    }


def pending_get(request: HttpRequest, *, purpose: str | None = None) -> Pending | None:
    """The pending login of this session, if any and not expired (expired ones are dropped)."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    if data.get("expires", 0) < time.time() or (purpose and data.get("purpose") != purpose):
        if data.get("expires", 0) < time.time():
            request.session.pop(PENDING_KEY, None)
        return None
    user = User.objects.filter(pk=int(data.get("user") or 0), is_active=True).first()
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return None
    return Pending(user, data["purpose"], data.get("next", ""), data.get("backend", ""))


def pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def _is_staff(user: User) -> bool:
    return bool(user.is_staff or user.is_superuser or org_selectors.is_staff_member(user=user))


def login_complete(
    request: HttpRequest, user: User, *, backend: str | None = None, mfa_verified: bool
) -> None:
    """Log ``user`` in for real: reset the lock-out count and set the session rules."""
    pending_clear(request)
    login(request, user, backend=backend or getattr(user, "backend", None))
    lockout.login_success_record(user=user)
    session = request.session
    session[MFA_STATE_KEY] = MFA_VERIFIED if mfa_verified else MFA_PASSWORD_ONLY
    reauth.reauth_mark(session)
    if _is_staff(user):
        now = int(time.time())
        session[IDLE_LIMIT_KEY] = settings.ECITY_STAFF_IDLE_SECONDS
        session[LAST_SEEN_KEY] = now
        session[LOGIN_AT_KEY] = now
        # The cookie ends with the browser; the server keeps it at most SESSION_COOKIE_AGE.
        session.set_expiry(0)


def after_password(request: HttpRequest, user: User, *, next_url: str) -> HttpResponse:
    """What follows a correct password: the code page, forced enrolment, or the target page."""
    if mfa.mfa_is_enabled(user=user):
        pending_begin(request, user, purpose=VERIFY, next_url=next_url)
        return HttpResponseRedirect(reverse("identity:login_verify"))
    if mfa.mfa_is_required(user=user):
        pending_begin(request, user, purpose=ENROL, next_url=next_url)
        return HttpResponseRedirect(reverse("identity:mfa_setup"))
    login_complete(request, user, mfa_verified=False)
    return HttpResponseRedirect(next_url)


def recovery_codes_stash(request: HttpRequest, codes: list[str]) -> None:
    """Keep new recovery codes for the one page that shows them."""
    request.session[RECOVERY_CODES_KEY] = codes


def recovery_codes_take(request: HttpRequest) -> list[str]:
    """The new recovery codes, removed from the session: they are shown once."""
    codes: Any = request.session.pop(RECOVERY_CODES_KEY, None)
    return list(codes) if isinstance(codes, list) else []
