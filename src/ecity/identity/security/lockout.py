"""Login throttling: per-account lock-out and per-address blocking, kept in the database.

Policy (numbers in settings, see conf/accounts.py and docs/security.md):

* Per account: ``ECITY_LOCKOUT_THRESHOLD`` (5) consecutive failures — wrong password or wrong
  second factor — lock the account for ``ECITY_LOCKOUT_BASE_SECONDS`` (15 min); each further lock
  before a successful login doubles the time, up to ``ECITY_LOCKOUT_MAX_SECONDS`` (24 h). A
  successful login resets the count and the doubling. While locked, no password is checked: the
  page says the account is locked and until when (the lock is not a secret).
* Per address: ``ECITY_IP_FAILURE_LIMIT`` (20) failures within ``ECITY_IP_FAILURE_WINDOW_SECONDS``
  (10 min) block further attempts from that address until ``ECITY_IP_BLOCK_SECONDS`` (10 min)
  after its latest failure. Failures with an unknown login name get the same message as a
  wrong password, so the page does not reveal whether an account exists.
* An unknown login name "locks" like an account (same threshold, doubling and message), so that
  the lock message does not tell existing names from unknown ones either. Its count is kept in the
  cache under a hash of the name (there is no account row to hold it).
* Refused attempts (locked account, blocked address) are not counted again.

The state lives in the database (``LoginFailure`` rows, one ``AccountLockout`` row per account,
updated under a row lock), so every web process sees the same counts. Locks and unlocks are
audited ("auth.locked", "auth.unlocked"); Django's signals already audit each failed password.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import PermissionDenied
from ecity.identity.models import AccountLockout, LoginFailure, User
from ecity.identity.selectors import phone_index
from ecity.org import selectors as org_selectors

logger = logging.getLogger("ecity.identity.security")


def audit(**kwargs: Any) -> None:
    """Record an audit entry through ecity.audit."""
    audit_record(**kwargs)


@dataclass(frozen=True)
class LoginGate:
    """What is known before the password is checked: the account (if any) and any refusal."""

    user: User | None
    ip: str
    refused_until: datetime | None = None
    reason: str = ""  # "account_locked" or "address_blocked"
    message: str = ""


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def format_until(moment: datetime) -> str:
    """A lock's end as local date and time, e.g. 2025-03-01 14:30."""
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def locked_message(until: datetime) -> str:
    return _(
        "This account is temporarily locked after too many failed login attempts. "
        "Try again after %(time)s, or ask the service desk to unlock it."
    ) % {"time": format_until(until)}


def blocked_message(until: datetime) -> str:
    return _("Too many failed login attempts came from your network. Try again after %(time)s.") % {
        "time": format_until(until)
    }


def account_for_login_name(login_name: str) -> User | None:
    """The one account a login name (username, phone or e-mail) designates, else None.

    Same matching as ``ecity.identity.backends.LoginNameBackend``.
    """
    login = (login_name or "").strip()
    if not login:
        return None
    condition = Q(username__iexact=login) | Q(email__iexact=login)
    index = phone_index(login)
    if index:  # "" would match every account without a phone number
        condition |= Q(phone_index=index)  # encrypted: found by its blind index
    matches = list(User.objects.filter(condition)[:2])
    return matches[0] if len(matches) == 1 else None


def address_blocked_until(*, ip: str, now: datetime | None = None) -> datetime | None:
    """When the address may try again, if it has too many recent failures; else None."""
    moment = _now(now)
    window_start = moment - timedelta(seconds=settings.ECITY_IP_FAILURE_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(ip_address=ip, occurred_at__gt=window_start)
    if recent.count() < settings.ECITY_IP_FAILURE_LIMIT:
        return None
    latest = recent.order_by("-occurred_at").values_list("occurred_at", flat=True).first()
    assert latest is not None
    until = latest + timedelta(seconds=settings.ECITY_IP_BLOCK_SECONDS)
    return until if until > moment else None


def account_locked_until(*, user: User, now: datetime | None = None) -> datetime | None:
    """When the account unlocks, if it is locked now; else None."""
    until = AccountLockout.objects.filter(user=user).values_list("locked_until", flat=True).first()
    return until if until is not None and until > _now(now) else None


def _unknown_name_key(login_name: str) -> str:
    digest = hashlib.sha256((login_name or "").strip().casefold().encode()).hexdigest()[:40]
    return f"ecity:lockout:name:{digest}"


def _unknown_name_locked_until(login_name: str, now: datetime | None) -> datetime | None:
    until = (cache.get(_unknown_name_key(login_name)) or {}).get("locked_until")
    return until if until is not None and until > _now(now) else None


def _unknown_name_failure_record(login_name: str, moment: datetime) -> datetime | None:
    """Count a failure for a name with no account, as ``AccountLockout`` does for an account."""
    key = _unknown_name_key(login_name)
    state = cache.get(key) or {"failed_count": 0, "lock_count": 0, "locked_until": None}
    state["failed_count"] += 1
    locked_until = None
    if state["failed_count"] >= settings.ECITY_LOCKOUT_THRESHOLD:
        state["lock_count"] += 1
        locked_until = moment + timedelta(seconds=lock_seconds(state["lock_count"]))
        state["locked_until"] = locked_until
        state["failed_count"] = 0
    # Kept as long as the longest lock, so the doubling matches an account's.
    cache.set(key, state, timeout=int(settings.ECITY_LOCKOUT_MAX_SECONDS) * 2)
    return locked_until


def login_gate(*, login_name: str, ip: str, now: datetime | None = None) -> LoginGate:
    """Decide, before checking a password, whether this attempt may go ahead at all.

    An unknown login name is refused like a locked account once it had as many failures.
    """
    user = account_for_login_name(login_name)
    blocked = address_blocked_until(ip=ip, now=now)
    if blocked is not None:
        return LoginGate(user, ip, blocked, "address_blocked", blocked_message(blocked))
    locked: datetime | None
    if user is None:
        locked = _unknown_name_locked_until(login_name, now)
        if locked is not None:
            return LoginGate(user, ip, locked, "account_locked", locked_message(locked))
    else:
        locked = account_locked_until(user=user, now=now)
        if locked is not None:
            return LoginGate(user, ip, locked, "account_locked", locked_message(locked))
    return LoginGate(user, ip)


def lock_seconds(lock_number: int) -> int:
    """Length of the ``lock_number``-th lock (1, 2, …): the base time doubled each time, capped."""
    base = settings.ECITY_LOCKOUT_BASE_SECONDS
    return int(min(base * 2 ** max(0, lock_number - 1), settings.ECITY_LOCKOUT_MAX_SECONDS))


@transaction.atomic
def login_failure_record(
    *,
    user: User | None,
    ip: str,
    step: str = LoginFailure.Step.PASSWORD,
    request: Any = None,
    now: datetime | None = None,
    login_name: str = "",
) -> datetime | None:
    """Count one failed login step; lock the account when it reaches the threshold.

    Without an account, ``login_name`` (the unknown name that was tried) is counted and "locked"
    the same way, so that both get the same answer.
    Returns the account's (or name's) unlock time if this failure locked it, else None. Audits
    the lock ("auth.locked", subject = the account) and the moment an address becomes blocked
    ("auth.locked" with ``scope: address``).
    """
    moment = _now(now)
    LoginFailure.objects.create(user=user, ip_address=ip, step=step, occurred_at=moment)
    window_start = moment - timedelta(seconds=settings.ECITY_IP_FAILURE_WINDOW_SECONDS)
    address_failures = LoginFailure.objects.filter(
        ip_address=ip, occurred_at__gt=window_start
    ).count()
    if address_failures == settings.ECITY_IP_FAILURE_LIMIT:
        audit(
            actor=None,
            action="auth.locked",
            request=request,
            data={
                "scope": "address",
                "ip": ip,
                "failures": address_failures,
                "seconds": settings.ECITY_IP_BLOCK_SECONDS,
            },
        )
    if user is None:
        return _unknown_name_failure_record(login_name, moment) if login_name.strip() else None
    AccountLockout.objects.get_or_create(user=user)
    state = AccountLockout.objects.select_for_update().get(user=user)
    state.failed_count += 1
    state.last_failure_at = moment
    locked_until = None
    if state.failed_count >= settings.ECITY_LOCKOUT_THRESHOLD:
        state.lock_count += 1
        seconds = lock_seconds(state.lock_count)
        locked_until = moment + timedelta(seconds=seconds)
        state.locked_until = locked_until
        failures = state.failed_count
        state.failed_count = 0
        audit(
            actor=None,
            action="auth.locked",
            obj=user,
            subject=user,
            request=request,
            data={
                "scope": "account",
                "failures": failures,
                "lock_number": state.lock_count,
                "seconds": seconds,
                "locked_until": locked_until.isoformat(),
                "step": str(step),
            },
        )
        logger.warning("account %s locked for %d s", user.pk, seconds)
    state.save()
    return locked_until


def login_success_record(*, user: User) -> None:
    """Forget the account's failures and lock history after a complete, successful login."""
    AccountLockout.objects.filter(user=user).exclude(
        failed_count=0, lock_count=0, locked_until=None
    ).update(failed_count=0, lock_count=0, locked_until=None)


@transaction.atomic
def account_unlock(*, actor: User, user: User, request: Any = None) -> bool:
    """Lift an account's lock now (platform administrators, in the admin). Audited.

    Returns False when the account was not locked. The failure count starts again from zero;
    the doubling history is kept until the next successful login.
    """
    if not org_selectors.is_platform_admin(user=actor):
        raise PermissionDenied(_("Only platform administrators can unlock accounts."))
    state = AccountLockout.objects.select_for_update().filter(user=user).first()
    if state is None or not state.is_locked():
        return False
    previous = state.locked_until
    state.locked_until = None
    state.failed_count = 0
    state.save(update_fields=["locked_until", "failed_count"])
    audit(
        actor=actor,
        action="auth.unlocked",
        obj=user,
        subject=user,
        request=request,
        data={"locked_until": previous.isoformat() if previous else None},
    )
    return True


def login_failures_prune(*, now: datetime | None = None, keep_seconds: int = 86_400) -> int:
    """Delete failure rows older than ``keep_seconds`` (they no longer count); return how many."""
    cutoff = _now(now) - timedelta(seconds=keep_seconds)
    deleted, _details = LoginFailure.objects.filter(occurred_at__lt=cutoff).delete()
    return deleted
