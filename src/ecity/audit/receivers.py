"""Audit Django's authentication events (log in, failed log in, log out).

These are Django's own events, only published as signals; everything else in ecity calls
``audit_record`` explicitly from its services.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import signals
from django.http import HttpRequest

from ecity.audit import services


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    services.audit_record(actor=user, action="auth.login", request=request)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already masked the password in ``credentials``; only the login name is kept.
    login_name = credentials.get("username") or credentials.get("login") or ""
    services.audit_login_failed(login_name=str(login_name), request=request)


def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None and getattr(user, "is_authenticated", False):
        services.audit_record(actor=user, action="auth.logout", request=request)


def connect() -> None:
    signals.user_logged_in.connect(on_logged_in, dispatch_uid="ecity.audit.logged_in")
    signals.user_login_failed.connect(on_login_failed, dispatch_uid="ecity.audit.login_failed")
    signals.user_logged_out.connect(on_logged_out, dispatch_uid="ecity.audit.logged_out")
