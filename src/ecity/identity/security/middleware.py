"""Session rules enforced on every request: staff idle time-out, second factor for staff.

Both act only on sessions created by the login page (they carry the keys set by
``flow.login_complete``); sessions made otherwise (tests' ``force_login``, shells) are left alone.
Both sit after the authentication and message middleware.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from ecity.core.api import error_body
from ecity.identity.security import flow, mfa

# Write the "last seen" time at most this often (each write saves the session).
_TOUCH_EVERY_SECONDS = 60


class StaffIdleTimeoutMiddleware:
    """Log staff out after ``ECITY_STAFF_IDLE_SECONDS`` without a request, and at the latest
    ``ECITY_STAFF_SESSION_MAX_SECONDS`` after login. The request then goes on as anonymous
    (pages that need a login send the person to the login page, with a message)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        session = getattr(request, "session", None)
        limit = session.get(flow.IDLE_LIMIT_KEY) if session is not None else None
        if limit and request.user.is_authenticated:
            assert session is not None
            now = int(time.time())
            last_seen = int(session.get(flow.LAST_SEEN_KEY, 0))
            login_at = int(session.get(flow.LOGIN_AT_KEY, now))
            if now - last_seen > int(limit) or (
                now - login_at > settings.ECITY_STAFF_SESSION_MAX_SECONDS
            ):
                logout(request)
                messages.info(
                    request,
                    _("You were logged out after %(minutes)d minutes without activity.")
                    % {"minutes": int(limit) // 60},
                )
            elif now - last_seen >= _TOUCH_EVERY_SECONDS:
                session[flow.LAST_SEEN_KEY] = now
        return self.get_response(request)


# Pages a person who must still set up a second factor may open (namespace, URL name).
_ENROLMENT_EXEMPT = {
    ("identity", "mfa_setup"),
    ("identity", "mfa_recovery_codes"),
    ("identity", "logout"),
    ("identity", "login"),
    ("identity", "login_verify"),
    ("", "set_language"),
    ("", "healthz"),
}


class MfaEnrolmentMiddleware:
    """Send staff who must use a second factor but logged in without one to set it up.

    This happens when a role that needs a second factor is granted during a session, or when
    such a person turns their authenticator off (moving to a new phone). If they do have an
    authenticator (enabled in another session), they log in again with it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        session = getattr(request, "session", None)
        if session is None or session.get(flow.MFA_STATE_KEY) != flow.MFA_PASSWORD_ONLY:
            return None
        if not request.user.is_authenticated or not mfa.mfa_is_required(user=request.user):
            return None
        match = request.resolver_match
        if match is not None and (match.namespace, match.url_name) in _ENROLMENT_EXEMPT:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                error_body(
                    "mfa_required",
                    _("Set up two-step verification before using this account."),
                ),
                status=403,
            )
        if mfa.mfa_is_enabled(user=request.user):
            # The second factor was turned on in another session: log in again with it.
            next_url = request.get_full_path()
            logout(request)
            messages.info(request, _("Please log in again with your authenticator app."))
            return HttpResponseRedirect(
                f"{reverse('identity:login')}?{urlencode({'next': next_url})}"
            )
        messages.warning(
            request,
            _("Your role requires two-step verification. Set it up to continue."),
        )
        return HttpResponseRedirect(reverse("identity:mfa_setup"))
