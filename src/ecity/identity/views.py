"""HTML pages for accounts and enterprises: thin callers of services and selectors."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecity.core.errors import ApplicationError, NotFound
from ecity.core.forms import add_application_error
from ecity.core.ratelimit import ratelimit, setting_rate
from ecity.identity import forms, selectors, services
from ecity.identity.models import AgentAuthorisation, LegalEntity
from ecity.identity.registries import legal_entity_registry
from ecity.identity.security import flow
from ecity.org import selectors as org_selectors


def _safe_next(request: HttpRequest, fallback: str) -> str:
    """Return ``next`` when it points into this site, else ``fallback`` (no open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


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

    def form_valid(self, form: forms.LoginForm) -> HttpResponse:  # type: ignore[override]
        return flow.after_password(self.request, form.get_user(), next_url=self.get_success_url())


class LogoutView(auth_views.LogoutView):
    """POST only (Django refuses GET), so that a link or image cannot log anyone out."""


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
        return {"site_name": _("%(city)s government services") % {"city": settings.ECITY_CITY_NAME}}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "identity/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "identity/password_reset_confirm.html"
    form_class = forms.NewPasswordForm
    success_url = reverse_lazy("identity:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "identity/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "identity/password_change.html"
    form_class = forms.ChangePasswordForm
    success_url = reverse_lazy("identity:profile")

    def form_valid(self, form: forms.ChangePasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


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
    context = {
        "account": request.user,
        "roles": org_selectors.user_roles(user=request.user),
        "is_platform_admin": org_selectors.is_platform_admin(user=request.user),
        "can_verify_at_counter": selectors.can_verify_at_counter(user=request.user),
        **_switch_context(request),
    }
    return render(request, "identity/profile.html", context)


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
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
    return HttpResponseRedirect(_safe_next(request, reverse("identity:profile")))


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
        from django.http import Http404

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
