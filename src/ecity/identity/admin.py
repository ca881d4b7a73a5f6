"""Back-office administration of organisations and accounts.

Platform administrators (superusers) see everything. Department administrators (staff with the
department_admin role) see and change only the staff roles of their departments, and find only
the staff accounts they may see (``identity.selectors.accounts_visible``), named by login name
and masked real name. Every write goes through ``identity.services`` (staff accounts, role
grants and revokes) so the same rules apply as everywhere else; what the services own (roles,
admin-site flags, enterprise agents) is read-only in the change forms. Opening a page that shows
someone's personal data in full is audited.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
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


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete, labelled by the target admin's ``autocomplete_label`` if any."""

    def serialize_result(self, obj: Any, to_field_name: str) -> dict[str, Any]:
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = str(label(self.request, obj))
        return result


def autocomplete_view(request: HttpRequest) -> HttpResponse:
    return LabelledAutocompleteJsonView.as_view(admin_site=admin.site)(request)


admin.site.autocomplete_view = autocomplete_view  # type: ignore[method-assign]


class _ReadOnlyInline:
    """Shown for the record; written only by the services (grants, revokes, authorisations)."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StaffRoleInline(_ReadOnlyInline, admin.TabularInline):
    model = StaffRole
    fk_name = "user"
    fields = ["role", "department", "is_active"]


class AgentAuthorisationInline(_ReadOnlyInline, admin.TabularInline):
    model = AgentAuthorisation
    fk_name = "user"
    fields = ["legal_entity", "role", "valid_until", "is_active", "granted_by"]


class _PersonalDataReadAudited:
    """Audits every render of a change page that shows personal data in full (``fields``)."""

    personal_fields: tuple[str, ...] = ()

    def personal_subject(self, obj: Any) -> User | None:
        raise NotImplementedError

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        response = super().change_view(  # type: ignore[misc]
            request, object_id, form_url, extra_context
        )
        # 200 is a rendered page (a GET, or a POST shown again with errors); a save redirects.
        if response.status_code == 200:
            obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
            if obj is not None:
                audit_personal_data_read(
                    request=request,
                    subject=self.personal_subject(obj),
                    obj=obj,
                    fields=list(self.personal_fields),
                )
        return response


class _DryRun(Exception):
    pass


class StaffAccountCreationForm(UserCreationForm):
    """A new account made in the back office is a staff account, made by the service."""

    request: HttpRequest | None = None

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "real_name", "phone", "email"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors or self.request is None:
            return data
        try:
            with transaction.atomic():
                services.staff_account_create(**self.service_input())
                raise _DryRun
        except _DryRun:
            pass
        except ApplicationError as error:
            add_application_error(self, error)
        return data

    def service_input(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "actor": self.request.user if self.request is not None else None,
            "username": data.get("username") or "",
            "password": data.get("password1") or "",
            "real_name": data.get("real_name") or "",
            "email": data.get("email") or "",
            "phone": data.get("phone") or "",
        }


@admin.register(User)
class UserAdmin(_PersonalDataReadAudited, DjangoUserAdmin):
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
            {"fields": ["is_active", "is_staff_account", "is_staff", "is_superuser"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    # Admin-site access and superuser status follow the roles granted through the services
    # (audited, segregation of duties); a staff account is made as one. None is set by hand.
    readonly_fields = ["is_staff_account", "is_staff", "is_superuser", "last_login", "date_joined"]
    add_form = StaffAccountCreationForm
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "real_name", "phone", "email", "password1", "password2"],
            },
        ),
    ]
    inlines = [StaffRoleInline, AgentAuthorisationInline]
    personal_fields = ("id_number", "phone", "address")
    # Verification is an audited act of a clerk or a provider (``identity.services``), never an
    # edit here.
    readonly_fields = [
        *readonly_fields,
        "identity_level",
        "identity_method",
        "identity_verified_at",
        "identity_verified_by",
    ]

    def personal_subject(self, obj: User) -> User:
        return obj

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # Login names and the channels of resets and notices: they change only through the
            # owner's account change (re-authenticated, confirmed from the new address, the old
            # one told; ``identity.services.account_changes``), never behind the owner's back.
            fields += ["email", "phone"]
        return fields

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Department administrators may search the accounts they may see (masked) in the staff
        # role form's autocomplete, but not open the account list or any account.
        if super().has_view_permission(request, obj):
            return True
        return (
            obj is None
            and request.path.rstrip("/").endswith("/autocomplete")
            and org_selectors.departments_where(
                user=request.user, role=StaffRole.Role.DEPARTMENT_ADMIN
            ).exists()
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        queryset = super().get_queryset(request)
        if org_selectors.is_platform_admin(user=request.user):
            return queryset
        visible = selectors.accounts_visible(actor=request.user)
        return queryset.filter(pk__in=visible.values("pk"))

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> Any:
        # A new account holds no role or authorisation yet: nothing to show.
        return [] if obj is None else super().get_inline_instances(request, obj)

    def autocomplete_label(self, request: HttpRequest, obj: User) -> str:
        return selectors.account_label(actor=request.user, user=obj)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        return type(form_class.__name__, (form_class,), {"request": request})

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.staff_account_create(**form.service_input())
        for field in User._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created, field.attname))
        obj._state.adding = False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[User], search_term: str
    ) -> tuple[QuerySet[User], bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            exact = selectors.users_with_id_number(term) | selectors.users_with_phone(term)
            results = results | queryset.filter(pk__in=exact.values("pk"))
        return results, may_have_duplicates

    @admin.display(description=_("resident ID number"))
    def id_number_masked(self, obj: User) -> str:
        return obj.id_number_masked

    @admin.display(description=_("mobile phone"))
    def phone_masked(self, obj: User) -> str:
        return obj.phone_masked


class LegalEntityAgentInline(_ReadOnlyInline, admin.TabularInline):
    model = AgentAuthorisation
    fk_name = "legal_entity"
    fields = ["user", "role", "valid_until", "is_active", "granted_by"]


@admin.register(LegalEntity)
class LegalEntityAdmin(_PersonalDataReadAudited, admin.ModelAdmin):
    list_display = ["name", "uscc", "legal_representative_name", "region", "is_verified"]
    list_filter = ["is_verified", "region"]
    search_fields = ["name", "uscc", "legal_representative_name"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    inlines = [LegalEntityAgentInline]
    # The change form shows the legal representative's ID number, the address and the phone.
    personal_fields = ("legal_representative_id_number", "address", "phone")
    # Verified at a counter or by the registry (``identity.services``), never by editing here.
    readonly_fields = ["is_verified", "verification_method", "verified_at", "verified_by"]

    def personal_subject(self, obj: LegalEntity) -> User | None:
        """The legal representative's account, when they have one."""
        return selectors.legal_representative_of(legal_entity=obj)


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

    # The holder of a role is named as the viewer may see them (``account_label``): the column
    # needs the request, so it is made per request (the admin instance is shared by threads).
    def _person(self, request: HttpRequest) -> Any:
        column = getattr(request, "_ecity_person_column", None)
        if column is None:
            actor = request.user

            @admin.display(description=_("account"), ordering="user__username")
            def column(obj: StaffRole) -> str:
                return selectors.account_label(actor=actor, user=obj.user)

            request._ecity_person_column = column  # type: ignore[attr-defined]
        return column

    def get_list_display(self, request: HttpRequest) -> Any:
        return [self._person(request), "role", "department", "is_active", "created_at"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A stored role is only viewed (never edited): its holder named as above.
        if obj is None:
            return self.fields
        return [self._person(request), "role", "department", "is_active"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        return [self._person(request), "role", "department", "is_active"]

    def get_search_fields(self, request: HttpRequest) -> Any:
        if org_selectors.is_platform_admin(user=request.user):
            return self.search_fields
        # Real names are masked for department administrators: not searchable either.
        return [f for f in self.search_fields if f != "user__real_name"]

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
        if db_field.name == "user":
            kwargs["queryset"] = selectors.accounts_visible(actor=request.user)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user":
            actor = request.user
            field.label_from_instance = lambda user: selectors.account_label(actor=actor, user=user)
        return field

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
        for staff_role in queryset.filter(is_active=True).select_related("user"):
            try:
                services.staff_role_revoke(actor=request.user, staff_role=staff_role)  # type: ignore[arg-type]
            except ApplicationError as error:
                holder = selectors.account_label(actor=request.user, user=staff_role.user)
                messages.error(request, f"{holder} · {staff_role.role}: {error.message}")
            else:
                revoked += 1
        if revoked:
            messages.success(request, _("%(count)d roles revoked.") % {"count": revoked})
