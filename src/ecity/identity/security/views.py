"""Pages of the second factor: the login's code step, set-up, recovery codes, management."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ecity.core.errors import ApplicationError
from ecity.core.forms import add_application_error
from ecity.core.ratelimit import client_ip, ratelimit, setting_rate
from ecity.identity.models import LoginFailure, User
from ecity.identity.security import flow, lockout, mfa, totp
from ecity.identity.security.forms import (
    EnrolmentConfirmForm,
    PasswordAndCodeForm,
    SecondFactorForm,
)

AFTER_CODES_KEY = "ecity_after_recovery_codes"
_verify_limit, _verify_window = setting_rate("mfa_verify")


def _back_to_login(request: HttpRequest, message: str) -> HttpResponse:
    flow.pending_clear(request)
    messages.error(request, message)
    return redirect("identity:login")


@never_cache
@ratelimit(key="ip", limit=_verify_limit, window=_verify_window, scope="mfa_verify")
def login_verify(request: HttpRequest) -> HttpResponse:
    """Second login step: a TOTP code or a recovery code, then the session is authenticated."""
    pending = flow.pending_get(request, purpose=flow.VERIFY)
    if pending is None:
        messages.info(request, _("Please log in with your password first."))
        return redirect("identity:login")
    user = pending.user
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        blocked = lockout.address_blocked_until(ip=ip)
        if blocked is not None:
            return _back_to_login(request, lockout.blocked_message(blocked))
        locked = lockout.account_locked_until(user=user)
        if locked is not None:
            return _back_to_login(request, lockout.locked_message(locked))
        kind = mfa.mfa_code_check(user=user, code=form.cleaned_data["code"])
        if kind is not None:
            flow.login_complete(request, user, backend=pending.backend, mfa_verified=True)
            if kind == "recovery":
                messages.warning(
                    request,
                    _(
                        "You logged in with a recovery code; it cannot be used again. "
                        "%(count)d recovery codes are left."
                    )
                    % {"count": mfa.recovery_codes_left(user=user)},
                )
            return HttpResponseRedirect(
                pending.next_url or resolve_url(settings.LOGIN_REDIRECT_URL)
            )
        lockout.audit(
            actor=None,
            action="auth.mfa_failed",
            obj=user,
            subject=user,
            request=request,
            data={"where": "login"},
        )
        locked_until = lockout.login_failure_record(
            user=user, ip=ip, step=LoginFailure.Step.SECOND_FACTOR, request=request
        )
        if locked_until is not None:
            return _back_to_login(request, lockout.locked_message(locked_until))
        form.add_error(
            "code",
            _(
                "The code is not correct or has already been used. Wait for the next code "
                "in your app and try again."
            ),
        )
    status = 400 if form.errors else 200
    return render(request, "identity/login_verify.html", {"form": form}, status=status)


def _enrolling_user(request: HttpRequest) -> tuple[User | None, flow.Pending | None]:
    if request.user.is_authenticated:
        return request.user, None
    pending = flow.pending_get(request, purpose=flow.ENROL)
    return (pending.user, pending) if pending else (None, None)


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), confirm with a code."""
    user, pending = _enrolling_user(request)
    if user is None:
        return redirect_to_login(request.get_full_path(), reverse("identity:login"))
    if mfa.mfa_is_enabled(user=user):
        messages.info(request, _("Two-step verification is already turned on for this account."))
        return redirect("identity:mfa_manage")
    form = EnrolmentConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = mfa.mfa_enrolment_confirm(
                user=user, code=form.cleaned_data["code"], request=request
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            if pending is not None:
                flow.login_complete(request, user, backend=pending.backend, mfa_verified=True)
                request.session[AFTER_CODES_KEY] = pending.next_url
            else:
                request.session[flow.MFA_STATE_KEY] = flow.MFA_VERIFIED
                request.session[AFTER_CODES_KEY] = reverse("identity:mfa_manage")
            flow.recovery_codes_stash(request, codes)
            messages.success(request, _("Two-step verification is now turned on."))
            return redirect("identity:mfa_recovery_codes")
    device = mfa.mfa_enrolment_start(user=user)
    context = {
        "form": form,
        "qr_code": totp.qr_svg(
            mfa.provisioning_uri_for(device=device),
            label=_("QR code to scan with your authenticator app"),
        ),
        "secret": _grouped(device.secret),
        "is_required": mfa.mfa_is_required(user=user),
        "is_pending_login": pending is not None,
    }
    return render(request, "identity/mfa_setup.html", context, status=400 if form.errors else 200)


@never_cache
def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Show new recovery codes, once."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("identity:login"))
    codes = flow.recovery_codes_take(request)
    if not codes:
        return redirect("identity:mfa_manage")
    next_url = request.session.pop(AFTER_CODES_KEY, "") or reverse("identity:mfa_manage")
    response = render(
        request, "identity/mfa_recovery_codes.html", {"codes": codes, "next_url": next_url}
    )
    response["Cache-Control"] = "no-store"
    return response


def _manage_page(
    request: HttpRequest,
    *,
    disable_form: PasswordAndCodeForm | None = None,
    regenerate_form: PasswordAndCodeForm | None = None,
) -> HttpResponse:
    user = request.user
    device = mfa.mfa_device_for(user=user)  # type: ignore[arg-type]
    context = {
        "device": device,
        "codes_left": mfa.recovery_codes_left(user=user) if device else 0,  # type: ignore[arg-type]
        "is_required": mfa.mfa_is_required(user=user),
        "disable_form": disable_form or PasswordAndCodeForm(prefix="disable"),
        "regenerate_form": regenerate_form or PasswordAndCodeForm(prefix="regenerate"),
    }
    failed = bool(
        (disable_form and disable_form.errors) or (regenerate_form and regenerate_form.errors)
    )
    return render(request, "identity/mfa_manage.html", context, status=400 if failed else 200)


@login_required
@never_cache
def mfa_manage(request: HttpRequest) -> HttpResponse:
    """Two-step verification status, with forms to get new recovery codes or turn it off."""
    return _manage_page(request)


@login_required
@require_POST
@ratelimit(key="user", limit=10, window=15 * 60, scope="mfa_manage")
def mfa_disable(request: HttpRequest) -> HttpResponse:
    form = PasswordAndCodeForm(request.POST, prefix="disable")
    if form.is_valid():
        try:
            mfa.mfa_disable(user=request.user, request=request, **form.cleaned_data)  # type: ignore[arg-type]
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            if mfa.mfa_is_required(user=request.user):
                request.session[flow.MFA_STATE_KEY] = flow.MFA_PASSWORD_ONLY
                messages.info(
                    request,
                    _("Your role requires two-step verification: set up your new device now."),
                )
                return redirect("identity:mfa_setup")
            messages.success(request, _("Two-step verification is now turned off."))
            return redirect("identity:mfa_manage")
    return _manage_page(request, disable_form=form)


@login_required
@require_POST
@ratelimit(key="user", limit=10, window=15 * 60, scope="mfa_manage")
def mfa_recovery_regenerate(request: HttpRequest) -> HttpResponse:
    form = PasswordAndCodeForm(request.POST, prefix="regenerate")
    if form.is_valid():
        try:
            codes = mfa.recovery_codes_regenerate(
                user=request.user,  # type: ignore[arg-type]
                request=request,
                **form.cleaned_data,
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            flow.recovery_codes_stash(request, codes)
            request.session[AFTER_CODES_KEY] = reverse("identity:mfa_manage")
            messages.success(
                request, _("New recovery codes were made; the old ones no longer work.")
            )
            return redirect("identity:mfa_recovery_codes")
    return _manage_page(request, regenerate_form=form)
