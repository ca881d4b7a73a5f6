"""Account-security messages: tell the e-mail address and phone of an account what happened.

They go to explicit addresses through the notify outbox (``identity/notifications.py``), not
through the account's notification preferences: a confirmation goes only to the new address or
number, a notice of a change to the old ones, and account security messages cannot be switched
off. Each notice carries the "this wasn't me" advice (``_not_me.txt``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.urls import reverse

from ecity.identity.models import User
from ecity.notify.rendering import localised_path
from ecity.notify.services import notification_enqueue


def _language(user: User) -> str:
    return (user.preferred_language or settings.LANGUAGE_CODE).lower()


def account_notice(
    *,
    user: User,
    event: str,
    key: str,
    email: str = "",
    phone: str = "",
    context: Mapping[str, Any],
) -> None:
    """Queue ``event`` about ``user``'s account to ``email`` and/or ``phone`` (in the outbox).

    Call it inside the change's transaction. ``key`` is the notification's idempotency key.
    The text is in the account's preferred language and greets its holder by name.
    """
    if not (email or phone):
        return
    notification_enqueue(
        recipient=None,
        event=event,
        context={"recipient_name": user.real_name, "username": user.username, **context},
        obj=user,
        email=email,
        phone=phone,
        idempotency_key=key,
        language=_language(user),
    )


def not_me_context(user: User, *, old_email_in_force: bool) -> dict[str, Any]:
    """Template values for the "this wasn't me" advice.

    A password-reset link is offered only while the e-mail address the reset goes to is still
    the one the notice is sent to (not after the address itself was changed).
    """
    reset = ""
    if old_email_in_force:
        path = localised_path(reverse("identity:password_reset"), _language(user))
        reset = settings.ECITY_SITE_URL.rstrip("/") + path
    return {"reset_link": reset, "link_path": reverse("identity:profile")}
