"""Registration of department applications by platform administrators.

DOT's own Application admin is replaced: every registration and change goes through
``ecity.sso.services`` (validation, policy, audit). The client secret is shown once, on the page
that answers the registration, and is stored only hashed.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AbstractApplication, get_application_model

from ecity.core.errors import ApplicationError
from ecity.core.forms import add_application_error
from ecity.org import selectors as org_selectors
from ecity.org.models import Department
from ecity.sso import services
from ecity.sso.claims import ClaimGroup
from ecity.sso.models import ClientPolicy, DepartmentApplication, Federation

with contextlib.suppress(NotRegistered):
    admin.site.unregister(get_application_model())


class _PlatformAdminOnly:
    def _allowed(self, request: HttpRequest) -> bool:
        return org_selectors.is_platform_admin(user=request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)


class DepartmentApplicationForm(forms.ModelForm):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True)
    )
    redirect_uris = forms.CharField(
        label=_("Redirect addresses"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line. https:// only; http:// is accepted for 127.0.0.1 or localhost (testing)."
        ),
    )
    post_logout_redirect_uris = forms.CharField(
        label=_("Addresses after logout"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where the application may send people after logging out. One per line."),
    )
    allowed_claims = forms.MultipleChoiceField(
        label=_("Data it may receive"),
        required=False,
        choices=ClaimGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People are still asked for consent the first time they sign in."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact = forms.CharField(
        label=pgettext_lazy("department application", "Contact"),
        required=False,
        max_length=200,
        help_text=_("Who runs the application (name, phone, e-mail)."),
    )
    is_active = forms.BooleanField(
        label=_("Active"), required=False, initial=True, help_text=_("Untick to stop sign-ins.")
    )

    class Meta:
        model = DepartmentApplication
        fields = ["name", "client_type", "redirect_uris", "post_logout_redirect_uris"]
        labels = {
            "name": pgettext_lazy("department application", "Name"),
            "client_type": _("Client type"),
        }
        help_texts = {
            "client_type": _(
                "Confidential: a server-side application that keeps a secret. Public: a mobile or "
                "browser application (PKCE only, no secret)."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["client_type"].choices = AbstractApplication.CLIENT_TYPES  # type: ignore[attr-defined]
        instance = self.instance
        if instance.pk:
            self.initial["redirect_uris"] = "\n".join(instance.redirect_uris.split())
            self.initial["post_logout_redirect_uris"] = "\n".join(
                instance.post_logout_redirect_uris.split()
            )
            policy = ClientPolicy.objects.filter(application_id=instance.pk).first()
            if policy is not None:
                self.initial.update(
                    {
                        "department": policy.department_id,
                        "allowed_claims": policy.allowed_claims,
                        "description": policy.description,
                        "contact": policy.contact,
                        "is_active": policy.is_active,
                    }
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            services.validate_client_fields(
                name=data.get("name") or "",
                client_type=data.get("client_type") or "",
                redirect_uris=services.split_uris(data.get("redirect_uris") or ""),
                post_logout_redirect_uris=services.split_uris(
                    data.get("post_logout_redirect_uris") or ""
                ),
                allowed_claims=data.get("allowed_claims") or [],
                department=data.get("department"),
            )
        except ApplicationError as error:
            add_application_error(self, error)
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "department": data["department"],
            "client_type": data["client_type"],
            "redirect_uris": services.split_uris(data["redirect_uris"]),
            "post_logout_redirect_uris": services.split_uris(
                data.get("post_logout_redirect_uris") or ""
            ),
            "allowed_claims": data.get("allowed_claims") or [],
            "description": data.get("description") or "",
            "contact": data.get("contact") or "",
            "is_active": bool(data.get("is_active")),
        }


@admin.register(DepartmentApplication)
class DepartmentApplicationAdmin(_PlatformAdminOnly, admin.ModelAdmin):
    form = DepartmentApplicationForm
    list_display = ["name", "department", "client_id", "client_type", "is_active", "created"]
    search_fields = ["name", "client_id", "ecity_policy__department__name_zh"]
    list_filter = ["client_type", "ecity_policy__is_active"]
    readonly_fields = ["client_id"]
    actions = ["reset_secret"]
    fieldsets = [
        (None, {"fields": ["name", "department", "description", "contact", "is_active"]}),
        (
            _("Sign-in"),
            {"fields": ["client_type", "redirect_uris", "post_logout_redirect_uris"]},
        ),
        (_("Data"), {"fields": ["allowed_claims"]}),
    ]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return [(None, {"fields": ["client_id"]}), *fieldsets]
        return fieldsets

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("ecity_policy__department")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: links and the audit trail refer to the application

    @admin.display(description=_("department"))
    def department(self, obj: Any) -> str:
        policy = getattr(obj, "ecity_policy", None)
        return policy.department.name if policy else "—"

    @admin.display(description=_("active"), boolean=True)
    def is_active(self, obj: Any) -> bool:
        policy = getattr(obj, "ecity_policy", None)
        return bool(policy and policy.is_active)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        arguments = form.service_arguments()
        if change:
            services.client_update(
                actor=request.user,  # type: ignore[arg-type]
                application=obj,
                request=request,
                **arguments,
            )
            obj.refresh_from_db()
            return
        application, secret = services.client_register(
            actor=request.user,  # type: ignore[arg-type]
            request=request,
            **arguments,
        )
        obj.pk = application.pk
        obj.client_id = application.client_id
        obj._state.adding = False
        request._ecity_client_secret = secret  # type: ignore[attr-defined]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        return None  # the services saved everything

    def response_add(
        self, request: HttpRequest, obj: Any, post_url_continue: Any = None
    ) -> HttpResponse:
        return self._secret_page(request, obj, getattr(request, "_ecity_client_secret", ""))

    def _secret_page(self, request: HttpRequest, obj: Any, secret: str) -> HttpResponse:
        response = TemplateResponse(
            request,
            "admin/sso/client_secret.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Client registered: copy the secret now"),
                "opts": self.model._meta,
                "application": obj,
                "client_id": obj.client_id,
                "secret": secret,
                "change_url": reverse("admin:sso_departmentapplication_change", args=[obj.pk]),
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Issue a new client secret (shown once)"))
    def reset_secret(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, gettext("Choose exactly one application."), messages.ERROR)
            return None
        application = queryset.get()
        try:
            secret = services.client_secret_reset(
                actor=request.user,  # type: ignore[arg-type]
                application=application,
                request=request,
            )
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return None
        return self._secret_page(request, application, secret)


@admin.register(Federation)
class FederationAdmin(_PlatformAdminOnly, admin.ModelAdmin):
    list_display = ["user", "application", "linked_at", "last_sign_in_at", "revoked_at"]
    list_filter = ["application"]
    search_fields = ["user__username", "user__real_name", "application__name"]
    list_select_related = ["user", "application"]
    readonly_fields = [
        "user",
        "application",
        "linked_at",
        "consented_claims",
        "last_sign_in_at",
        "revoked_at",
    ]
    exclude = ["acting_for"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
