"""Back-office administration of organisations and accounts.

Platform administrators (superusers) see everything. Department administrators (staff with the
department_admin role) see and change only the staff roles of their departments; granting and
revoking go through ``identity.services`` so the same rules apply as everywhere else.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ecity.audit.services import audit_personal_data_read
from ecity.core.errors import ApplicationError
from ecity.core.forms import add_application_error
from ecity.identity import selectors, services
from ecity.identity.models import AgentAuthorisation, LegalEntity, User

# Registers lock-outs, second-factor devices and the admin site's login (authentication hardening).
from ecity.identity.security import admin as _security_admin  # noqa: F401
from ecity.org import selectors as org_selectors
from ecity.org.models import StaffRole


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    fk_name = "user"
    extra = 0
    fields = ["role", "department", "is_active"]
    autocomplete_fields = ["department"]


class AgentAuthorisationInline(admin.TabularInline):
    model = AgentAuthorisation
    fk_name = "user"
    extra = 0
    fields = ["legal_entity", "role", "valid_until", "is_active", "granted_by"]
    readonly_fields = ["granted_by"]
    autocomplete_fields = ["legal_entity"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "real_name",
        "id_number_masked",
        "phone_masked",
        "email",
        "identity_level",
        "is_staff",
        "is_active",
    ]
    list_filter = ["identity_level", "is_staff", "is_superuser", "is_active"]
    # ID and phone numbers are encrypted: an exact number is found through its blind index
    # (get_search_results); the other fields are searched as usual.
    search_fields = ["username", "real_name", "email"]
    ordering = ["username"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (
            _("Identity"),
            {
                "fields": [
                    "real_name",
                    "id_number",
                    "identity_level",
                    "identity_method",
                    "identity_verified_at",
                    "identity_verified_by",
                ]
            },
        ),
        (_("Contact"), {"fields": ["phone", "email", "address", "preferred_language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "real_name",
                    "id_number",
                    "phone",
                    "email",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]
    inlines = [StaffRoleInline, AgentAuthorisationInline]
    # Verification is an audited act of a clerk or a provider (``identity.services``), never an
    # edit here.
    readonly_fields = [
        "identity_level",
        "identity_method",
        "identity_verified_at",
        "identity_verified_by",
    ]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Department administrators may search accounts (names only) in the staff role form's
        # autocomplete, but not open the account list or any account.
        if super().has_view_permission(request, obj):
            return True
        return (
            obj is None
            and request.path.rstrip("/").endswith("/autocomplete")
            and org_selectors.departments_where(
                user=request.user, role=StaffRole.Role.DEPARTMENT_ADMIN
            ).exists()
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[User], search_term: str
    ) -> tuple[QuerySet[User], bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            exact = selectors.users_with_id_number(term) | selectors.users_with_phone(term)
            results = results | queryset.filter(pk__in=exact.values("pk"))
        return results, may_have_duplicates

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            # The change form shows the ID number, phone and address in full.
            subject = self.get_object(request, object_id)
            if subject is not None:
                audit_personal_data_read(
                    request=request,
                    subject=subject,
                    obj=subject,
                    fields=["id_number", "phone", "address"],
                )
        return response

    @admin.display(description=_("resident ID number"))
    def id_number_masked(self, obj: User) -> str:
        return obj.id_number_masked

    @admin.display(description=_("mobile phone"))
    def phone_masked(self, obj: User) -> str:
        return obj.phone_masked


class LegalEntityAgentInline(admin.TabularInline):
    model = AgentAuthorisation
    fk_name = "legal_entity"
    extra = 0
    fields = ["user", "role", "valid_until", "is_active", "granted_by"]
    readonly_fields = ["granted_by"]
    autocomplete_fields = ["user"]


@admin.register(LegalEntity)
class LegalEntityAdmin(admin.ModelAdmin):
    list_display = ["name", "uscc", "legal_representative_name", "region", "is_verified"]
    list_filter = ["is_verified", "region"]
    search_fields = ["name", "uscc", "legal_representative_name"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    inlines = [LegalEntityAgentInline]
    # Verified at a counter or by the registry (``identity.services``), never by editing here.
    readonly_fields = ["is_verified", "verification_method", "verified_at", "verified_by"]


class _DryRun(Exception):
    pass


class StaffRoleForm(forms.ModelForm):
    """Checks the grant with the real service inside a rolled-back transaction."""

    request: HttpRequest | None = None

    class Meta:
        model = StaffRole
        fields = ["user", "role", "department"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors or self.request is None:
            return data
        try:
            with transaction.atomic():
                services.staff_role_grant(
                    actor=self.request.user,  # type: ignore[arg-type]
                    user=data["user"],
                    role=data["role"],
                    department=data.get("department"),
                )
                raise _DryRun
        except _DryRun:
            pass
        except ApplicationError as error:
            add_application_error(self, error)
        return data


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    form = StaffRoleForm

    list_display = ["user", "role", "department", "is_active", "created_at"]
    list_filter = ["role", "is_active", "department"]
    search_fields = ["user__username", "user__real_name", "department__code", "department__name_zh"]
    list_select_related = ["user", "department"]
    autocomplete_fields = ["user", "department"]
    fields = ["user", "role", "department"]
    actions = ["revoke_selected"]

    # Department administrators are staff without model permissions: their access is decided
    # by their role, through the same selectors the services use.
    def _is_department_admin(self, request: HttpRequest) -> bool:
        return org_selectors.departments_where(
            user=request.user, role=StaffRole.Role.DEPARTMENT_ADMIN
        ).exists()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or self._is_department_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if super().has_view_permission(request, obj):
            return True
        if obj is None:
            return self._is_department_admin(request)
        return obj.department is not None and org_selectors.can_manage_staff(
            actor=request.user, department=obj.department
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) or self._is_department_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a role is granted or revoked, never edited in place

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked roles are kept for the record

    def get_queryset(self, request: HttpRequest) -> QuerySet[StaffRole]:
        queryset = super().get_queryset(request)
        if org_selectors.is_platform_admin(user=request.user):
            return queryset
        departments = org_selectors.departments_where(
            user=request.user, role=StaffRole.Role.DEPARTMENT_ADMIN
        )
        return queryset.filter(department__in=departments)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "department" and not org_selectors.is_platform_admin(user=request.user):
            kwargs["queryset"] = org_selectors.departments_where(
                user=request.user, role=StaffRole.Role.DEPARTMENT_ADMIN
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role" and not org_selectors.is_platform_admin(user=request.user):
            kwargs["choices"] = [
                c
                for c in StaffRole.Role.choices
                if c[0] in org_selectors.DEPARTMENT_GRANTABLE_ROLES
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        return type(form_class.__name__, (form_class,), {"request": request})

    def save_model(self, request: HttpRequest, obj: StaffRole, form: Any, change: bool) -> None:
        granted = services.staff_role_grant(
            actor=request.user,  # type: ignore[arg-type]
            user=obj.user,
            role=obj.role,
            department=obj.department,
        )
        obj.pk = granted.pk
        obj.public_id = granted.public_id

    @admin.action(description=_("Revoke the selected roles"))
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[StaffRole]) -> None:
        revoked = 0
        for staff_role in queryset.filter(is_active=True):
            try:
                services.staff_role_revoke(actor=request.user, staff_role=staff_role)  # type: ignore[arg-type]
            except ApplicationError as error:
                messages.error(request, f"{staff_role}: {error.message}")
            else:
                revoked += 1
        if revoked:
            messages.success(request, _("%(count)d roles revoked.") % {"count": revoked})
