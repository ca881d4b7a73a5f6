"""HTML pages for accounts and enterprises: thin callers of services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ecity.core.errors import ApplicationError, NotFound
from ecity.core.forms import add_application_error
from ecity.core.languages import city_name
from ecity.core.masking import mask_email, mask_phone
from ecity.core.ratelimit import ratelimit, setting_rate
from ecity.core.redirects import next_url
from ecity.identity import forms, selectors, services
from ecity.identity.models import AgentAuthorisation, ContactChange, LegalEntity
from ecity.identity.registries import legal_entity_registry
from ecity.identity.security import flow, mfa, reauth
from ecity.org import selectors as org_selectors

_login_limit, _login_window = setting_rate("login")
_reset_limit, _reset_window = setting_rate("password_reset")
_register_limit, _register_window = setting_rate("register")


@method_decorator(
    ratelimit(key="ip", limit=_login_limit, window=_login_window, scope="login"), name="dispatch"
)
class LoginView(auth_views.LoginView):
    """Password step. The form refuses locked accounts and blocked addresses and counts failures
    (``security.lockout``); a correct password leads on to the second factor when the account
    has or needs one (``security.flow``), and only then is the session logged in."""

    template_name = "identity/login.html"
    authentication_form = forms.LoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        # The platform's one check of redirect targets (no control characters, no backslash).
        return next_url(self.request, fallback="", param=self.redirect_field_name)

    def form_valid(self, form: forms.LoginForm) -> HttpResponse:  # type: ignore[override]
        return flow.after_password(self.request, form.get_user(), next_url=self.get_success_url())


class LogoutView(auth_views.LogoutView):
    """POST only (Django refuses GET), so that a link or image cannot log anyone out."""

    def get_redirect_url(self) -> str:
        return next_url(self.request, fallback="", param=self.redirect_field_name)


@method_decorator(
    ratelimit(key="ip", limit=_reset_limit, window=_reset_window, scope="password_reset"),
    name="dispatch",
)
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "identity/password_reset_form.html"
    form_class = forms.ResetRequestForm
    email_template_name = "identity/email/password_reset.txt"
    subject_template_name = "identity/email/password_reset_subject.txt"
    success_url = reverse_lazy("identity:password_reset_done")

    @property
    def extra_email_context(self) -> dict[str, str]:  # type: ignore[override]
        return {"site_name": _("%(city)s government services") % {"city": city_name()}}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "identity/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "identity/password_reset_confirm.html"
    form_class = forms.NewPasswordForm
    success_url = reverse_lazy("identity:password_reset_complete")

    def form_valid(self, form: forms.NewPasswordForm) -> HttpResponse:  # type: ignore[override]
        # Django's form would only set the password; the service also cancels pending contact
        # changes, tells the e-mail address and phone, and audits.
        try:
            services.password_reset_complete(
                user=form.user,  # type: ignore[arg-type]
                new_password=form.cleaned_data["new_password1"],
                request=self.request,
            )
        except ApplicationError as error:
            add_application_error(form, error, rename={"new_password": "new_password1"})
            return self.form_invalid(form)
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "identity/password_reset_complete.html"


@login_required
@never_cache
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's password with the current one; every other session of the account ends."""
    form = forms.ChangePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.password_change(
                user=request.user,  # type: ignore[arg-type]
                session=request.session,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password1"],
                request=request,
            )
        except ApplicationError as error:
            add_application_error(form, error, rename={"new_password": "new_password1"})
        else:
            update_session_auth_hash(request, user)  # this session stays logged in
            messages.success(
                request,
                _("Your password has been changed. Your other sessions have been logged out."),
            )
            return redirect("identity:profile")
    status = 400 if form.errors else 200
    return render(request, "identity/password_change.html", {"form": form}, status=status)


@ratelimit(key="ip", limit=_register_limit, window=_register_window, scope="register")
def register(request: HttpRequest) -> HttpResponse:
    """Citizen registration; afterwards the new citizen logs in with the chosen password."""
    if request.user.is_authenticated:
        return redirect("identity:profile")
    form = forms.RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.citizen_register(
                username=data["username"],
                password=data["password1"],
                real_name=data["real_name"],
                id_number=data["id_number"],
                phone=data["phone"],
                email=data["email"],
                preferred_language=(request.LANGUAGE_CODE or "zh-hans").lower(),
            )
        except ApplicationError as error:
            add_application_error(form, error, rename={"password": "password1"})
        else:
            messages.success(request, _("Your account has been created. Please log in."))
            return redirect("identity:login")
    return render(request, "identity/register.html", {"form": form})


def _switch_context(request: HttpRequest) -> dict:
    return {
        "acting": selectors.acting_identity(user=request.user, session=request.session),
        "identities": selectors.acting_identities(user=request.user),  # type: ignore[arg-type]
    }


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The user's own account: identity (masked), contact details, acting identity, roles."""
    pending = selectors.contact_changes_pending(user=request.user)
    context = {
        "account": request.user,
        "pending_email": pending.get(ContactChange.Kind.EMAIL),
        "pending_phone": pending.get(ContactChange.Kind.PHONE),
        "roles": org_selectors.user_roles(user=request.user),
        "is_platform_admin": org_selectors.is_platform_admin(user=request.user),
        "can_verify_at_counter": selectors.can_verify_at_counter(user=request.user),
        **_switch_context(request),
    }
    return render(request, "identity/profile.html", context)


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    """Address and language; e-mail and phone have their own pages (re-authentication)."""
    user = request.user
    form = forms.ProfileForm(request.POST) if request.method == "POST" else None
    if form is None:
        form = forms.ProfileForm.for_user(user)  # type: ignore[arg-type]
    elif form.is_valid():
        try:
            services.profile_update(user=user, **form.cleaned_data)  # type: ignore[arg-type]
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Your details have been saved."))
            return redirect("identity:profile")
    return render(request, "identity/profile_edit.html", {"form": form})


def _reauth_state(request: HttpRequest) -> dict[str, bool]:
    return {
        "needs_reauth": not reauth.reauth_is_recent(request.session),
        "has_mfa": mfa.mfa_is_enabled(user=request.user),  # type: ignore[arg-type]
    }


def _proof(form: forms.ReauthForm) -> dict[str, str]:
    return {
        "current_password": form.cleaned_data.get("current_password") or "",
        "code": form.cleaned_data.get("code") or "",
    }


@login_required
@never_cache
def email_change(request: HttpRequest) -> HttpResponse:
    """Ask for a new e-mail address: password first, then a link to the new address."""
    form = forms.EmailChangeForm(request.POST or None, **_reauth_state(request))
    if request.method == "POST" and form.is_valid():
        try:
            change = services.email_change_request(
                user=request.user,  # type: ignore[arg-type]
                session=request.session,
                email=form.cleaned_data["email"],
                request=request,
                **_proof(form),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            if change is None:
                messages.info(request, _("This is already your e-mail address."))
            else:
                messages.success(
                    request,
                    _(
                        "We sent a link to %(new)s. Your e-mail address changes when you open "
                        "it; until then we keep using your current address."
                    )
                    % {"new": mask_email(change.new_value)},
                )
            return redirect("identity:profile")
    status = 400 if form.errors else 200
    return render(request, "identity/email_change.html", {"form": form}, status=status)


@never_cache
def email_change_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The page of the link sent to a new address: its button confirms. A GET changes nothing,
    so that mail scanners opening links do not confirm on the holder's behalf."""
    error = ""
    if request.method == "POST":
        try:
            services.email_change_confirm(token=token, request=request)
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("Your new e-mail address is now in use."))
            target = "identity:profile" if request.user.is_authenticated else "identity:login"
            return redirect(target)
    return render(
        request,
        "identity/email_change_confirm.html",
        {"token": token, "error": error},
        status=400 if error else 200,
    )


@login_required
@never_cache
def phone_change(request: HttpRequest) -> HttpResponse:
    """Ask for a new mobile number: password first, then a code sent to the new number."""
    form = forms.PhoneChangeForm(request.POST or None, **_reauth_state(request))
    if request.method == "POST" and form.is_valid():
        try:
            change = services.phone_change_request(
                user=request.user,  # type: ignore[arg-type]
                session=request.session,
                phone=form.cleaned_data["phone"],
                request=request,
                **_proof(form),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            if change is None:
                messages.info(request, _("This is already your mobile number."))
                return redirect("identity:profile")
            return redirect("identity:phone_change_confirm")
    status = 400 if form.errors else 200
    return render(request, "identity/phone_change.html", {"form": form}, status=status)


@login_required
@never_cache
def phone_change_confirm(request: HttpRequest) -> HttpResponse:
    """Enter the code sent to the new number."""
    form = forms.PhoneConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.phone_change_confirm(
                user=request.user,  # type: ignore[arg-type]
                code=form.cleaned_data["code"],
                request=request,
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Your new mobile number is now in use."))
            return redirect("identity:profile")
    change = selectors.contact_changes_pending(user=request.user).get(ContactChange.Kind.PHONE)
    if change is None and not form.errors:
        messages.info(request, _("No new mobile number is waiting for a code."))
        return redirect("identity:profile")
    context = {"form": form, "new_phone": mask_phone(change.new_value) if change else ""}
    status = 400 if form.errors else 200
    return render(request, "identity/phone_change_confirm.html", context, status=status)


@login_required
@require_POST
def contact_change_cancel(request: HttpRequest, kind: str) -> HttpResponse:
    """Withdraw a pending e-mail or phone change (its link or code stops working)."""
    if kind not in ContactChange.Kind.values:
        raise Http404
    try:
        services.contact_change_cancel(user=request.user, kind=kind, request=request)  # type: ignore[arg-type]
    except ApplicationError as error:
        messages.info(request, error.message)
    else:
        messages.success(request, _("The change was cancelled."))
    return redirect("identity:profile")


@login_required
@require_POST
def switch_identity(request: HttpRequest) -> HttpResponse:
    """Act as oneself or as one of one's enterprises from now on (stored in the session)."""
    form = forms.IdentitySwitchForm(request.POST)
    form.is_valid()
    key = form.cleaned_data.get("acting_as", "")
    try:
        entity = selectors.legal_entity_get(user=request.user, public_id=key) if key else None
        identity = services.acting_identity_switch(
            user=request.user,  # type: ignore[arg-type]
            session=request.session,
            legal_entity=entity,
        )
    except NotFound:
        messages.error(request, _("You are not an authorised agent of this enterprise."))
        return redirect("identity:profile")
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("identity:profile")
    messages.success(request, _("You now act as %(name)s.") % {"name": identity.display_name})
    return HttpResponseRedirect(next_url(request, fallback=reverse("identity:profile")))


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    """ "My enterprises": every enterprise the user currently acts for, with their role."""
    return render(
        request,
        "identity/enterprise_list.html",
        {"authorisations": selectors.legal_entities_for(user=request.user)},
    )


@login_required
def enterprise_register(request: HttpRequest) -> HttpResponse:
    form = forms.LegalEntityRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            authorisation = services.legal_entity_register(
                actor=request.user,  # type: ignore[arg-type]
                **form.cleaned_data,
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s has been registered; you are its %(role)s.")
                % {
                    "name": authorisation.legal_entity.name,
                    "role": authorisation.get_role_display(),
                },
            )
            return redirect(
                "identity:enterprise_detail", public_id=authorisation.legal_entity.public_id
            )
    return render(request, "identity/enterprise_register.html", {"form": form})


def _entity_or_404(request: HttpRequest, public_id: str) -> LegalEntity:
    try:
        return selectors.legal_entity_get(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _enterprise_page(
    request: HttpRequest, entity: LegalEntity, grant_form: forms.AgentGrantForm | None = None
) -> HttpResponse:
    can_manage = selectors.can_manage_agents(user=request.user, legal_entity=entity)
    context = {
        "entity": entity,
        "own": selectors.authorisation_for(user=request.user, legal_entity=entity),
        "can_manage": can_manage,
        "agents": selectors.agent_list(actor=request.user, legal_entity=entity)
        if can_manage
        else [],
        "grant_form": grant_form or forms.AgentGrantForm(),
        "can_verify_by_registry": not entity.is_verified
        and legal_entity_registry().is_connected
        and selectors.is_legal_representative_of(user=request.user, legal_entity=entity),
    }
    status = 400 if grant_form is not None and grant_form.errors else 200
    return render(request, "identity/enterprise_detail.html", context, status=status)


@login_required
def enterprise_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One enterprise: its data, and for its managers the agents with grant/revoke forms."""
    return _enterprise_page(request, _entity_or_404(request, public_id))


@login_required
@require_POST
def agent_grant(request: HttpRequest, public_id: str) -> HttpResponse:
    entity = _entity_or_404(request, public_id)
    form = forms.AgentGrantForm(request.POST)
    if form.is_valid():
        try:
            authorisation = services.agent_grant(
                actor=request.user,  # type: ignore[arg-type]
                legal_entity=entity,
                **form.cleaned_data,
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s may now act for this enterprise.")
                % {"name": authorisation.user.real_name},
            )
            return redirect("identity:enterprise_detail", public_id=entity.public_id)
    return _enterprise_page(request, entity, grant_form=form)


@login_required
@require_POST
def agent_revoke(request: HttpRequest, public_id: str, authorisation_id: str) -> HttpResponse:
    entity = _entity_or_404(request, public_id)
    authorisation = get_object_or_404(
        AgentAuthorisation, legal_entity=entity, public_id=authorisation_id
    )
    try:
        services.agent_revoke(actor=request.user, authorisation=authorisation)  # type: ignore[arg-type]
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The authorisation of %(name)s has been revoked.")
            % {"name": authorisation.user.real_name or authorisation.user.username},
        )
        if authorisation.user_id == request.user.pk:
            return redirect("identity:enterprise_list")
    return redirect("identity:enterprise_detail", public_id=entity.public_id)
