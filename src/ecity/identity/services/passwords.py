"""Password changes: with the current password, or through a reset link.

Issue 8 ("account takeover"): a password change is the last step of taking an account, so it
asks for the current password every time (a re-authentication: limited and audited, see
``security.reauth``), even in a session that re-authenticated a moment ago. After any new
password (changed or reset):

* every other session of the account ends: Django's session hash covers the password hash, so
  other sessions stop authenticating at their next request (the caller keeps its own session
  with ``update_session_auth_hash``);
* pending e-mail and phone changes are cancelled (they were asked for under the old password);
* the account's e-mail address and phone are told, with what to do if it was not the holder;
* the change is audited ("account.password_changed", "account.password_reset").
"""

from __future__ import annotations

import uuid
from collections.abc import MutableMapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import ValidationFailed
from ecity.identity import checks
from ecity.identity.models import User
from ecity.identity.security.notices import account_notice, not_me_context
from ecity.identity.security.reauth import reauthenticate
from ecity.identity.services.account_changes import contact_changes_cancel_pending

Session = MutableMapping[str, Any]


def _password_set(
    *, user: User, new_password: str, action: str, request: HttpRequest | None
) -> User:
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        contact_changes_cancel_pending(user=user)
        account_notice(
            user=user,
            event="password_changed",
            key=f"password_changed:{user.public_id}:{uuid.uuid4()}",
            email=user.email,
            phone=user.phone,
            context=not_me_context(user, old_email_in_force=True),
        )
        audit_record(actor=user, action=action, obj=user, subject=user, request=request)
    return user


def password_change(
    *,
    user: User,
    session: Session,
    current_password: str,
    new_password: str,
    request: HttpRequest | None = None,
) -> User:
    """Change ``user``'s own password; the current password is always asked for.

    Rules: the current password (checked as a re-authentication: limited, audited); the new one
    passes the password policy. Side effects: pending e-mail and phone changes are cancelled;
    every session of the account ends (Django's session hash changes: the caller keeps its own
    session with ``update_session_auth_hash``); the e-mail address and phone are told; audited
    "account.password_changed". Errors: ``ValidationFailed`` (``current_password``,
    ``new_password``), ``TooManyAttempts``.
    """
    if not current_password:
        raise ValidationFailed(fields={"current_password": [_("This field is required.")]})
    reauthenticate(user=user, session=session, password=current_password, request=request)
    errors: checks.Errors = {}
    checks.check_password(errors, new_password, user)
    if "password" in errors:
        errors["new_password"] = errors.pop("password")
    checks.raise_if(errors)
    return _password_set(
        user=user, new_password=new_password, action="account.password_changed", request=request
    )


def password_reset_complete(
    *, user: User, new_password: str, request: HttpRequest | None = None
) -> User:
    """Set the new password chosen through a password-reset link (the caller checked the link).

    Rules: the new password passes the password policy. Side effects as ``password_change``
    (pending contact changes cancelled, other sessions ended, e-mail address and phone told);
    audited "account.password_reset". Errors: ``ValidationFailed`` (``new_password``).
    """
    errors: checks.Errors = {}
    checks.check_password(errors, new_password, user)
    if "password" in errors:
        errors["new_password"] = errors.pop("password")
    checks.raise_if(errors)
    return _password_set(
        user=user, new_password=new_password, action="account.password_reset", request=request
    )
