"""Admin where departments maintain their service items.

Department administrators see and edit only their department's items; platform administrators
(and superusers) see everything. Published and superseded versions are read-only here too,
with their materials, locations and FAQs: changes go into a new draft (an admin action), and
drafts are published through ``services.version_publish`` (another action).
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecity.catalogue import selectors, services
from ecity.catalogue.form_schema import schema_validate_definition
from ecity.catalogue.joint import admin as joint_admin  # noqa: F401 - registers its admin
from ecity.catalogue.models import (
    FAQ,
    LifeEvent,
    RequiredMaterial,
    ServiceItem,
    ServiceItemVersion,
    ServiceLocation,
    Theme,
)
from ecity.core.errors import ApplicationError
from ecity.org.selectors import is_platform_admin


def _is_editor(request: HttpRequest) -> bool:
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    return is_platform_admin(user=user) or selectors.editable_department_list(user=user).exists()


def _report(request: HttpRequest, error: ApplicationError, label: str) -> None:
    details = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in error.fields.items())
    text = f"{label}: {error.message}" + (f" ({details})" if details else "")
    messages.error(request, text)


class EditorPermissions:
    """Catalogue editors (platform or department administrators) may use these admin pages."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_editor(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_editor(request)


# --- service items ---------------------------------------------------------------------------


class VersionListInline(admin.TabularInline):
    model = ServiceItemVersion
    fields = ["number", "status", "name_zh", "published_at", "published_by"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = gettext_lazy("versions")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ServiceItem)
class ServiceItemAdmin(EditorPermissions, admin.ModelAdmin):
    list_display = ["code", "current_name", "department", "current_number", "is_active"]
    list_filter = ["is_active", "department"]
    search_fields = ["code", "current_version__name_zh", "current_version__name_en"]
    list_select_related = ["department", "current_version"]
    inlines = [VersionListInline]

    @admin.display(description=gettext_lazy("name"))
    def current_name(self, obj: ServiceItem) -> str:
        return obj.current_version.name_zh if obj.current_version else "—"

    @admin.display(description=gettext_lazy("current version"))
    def current_number(self, obj: ServiceItem) -> str:
        return str(obj.current_version.number) if obj.current_version else "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceItem]:
        return selectors.editable_item_list(user=request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code", "department", "current_version"] if obj else ["current_version"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "department":
            kwargs["queryset"] = selectors.editable_department_list(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_editor(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return _is_editor(request)
        return selectors.can_edit_item(user=request.user, item=obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # items are deactivated, never deleted: their versions are history

    def save_model(self, request: HttpRequest, obj: ServiceItem, form: Any, change: bool) -> None:
        if change:
            obj.save(update_fields=["is_active", "updated_at"])
            return
        # New items go through the service so that they start with draft version 1.
        created = services.item_create(
            actor=request.user, code=obj.code, department=obj.department, name_zh=obj.code
        )
        obj.pk = created.pk
        obj.public_id = created.public_id
        obj._state.adding = False


# --- versions --------------------------------------------------------------------------------


class DraftOnlyInline(admin.StackedInline):
    """Inlines that can be changed only while their version is a draft."""

    extra = 0

    def _editable(self, request: HttpRequest, obj: Any) -> bool:
        if obj is None:
            return _is_editor(request)
        return obj.is_draft and selectors.can_edit_item(user=request.user, item=obj.item)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_editor(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(request, obj)


class MaterialInline(DraftOnlyInline):
    model = RequiredMaterial
    fields = [
        ("name_zh", "name_en"),
        ("form", "copies", "is_mandatory", "is_exempt"),
        "source",
        "notes",
        ("template", "example"),
        ("max_size_mb", "accepted_types"),
        "sort_order",
    ]


class LocationInline(DraftOnlyInline):
    model = ServiceLocation
    fields = ["name", "address", "hours", "phone", "sort_order"]


class FAQInline(DraftOnlyInline):
    model = FAQ
    fields = ["question", "answer", "sort_order"]


class VersionAdminForm(forms.ModelForm):
    class Meta:
        model = ServiceItemVersion
        fields = ["form_schema"]
        widgets = {"form_schema": forms.Textarea(attrs={"rows": 16, "cols": 100})}

    def clean_form_schema(self) -> Any:
        schema = self.cleaned_data.get("form_schema") or {}
        problems = schema_validate_definition(schema)
        if problems:
            raise forms.ValidationError(problems)
        return schema


@admin.register(ServiceItemVersion)
class ServiceItemVersionAdmin(EditorPermissions, admin.ModelAdmin):
    form = VersionAdminForm
    list_display = ["__str__", "item", "number", "status", "published_at"]
    list_filter = ["status", "kind", "item__department"]
    search_fields = ["item__code", "name_zh", "name_en"]
    list_select_related = ["item"]
    inlines = [MaterialInline, LocationInline, FAQInline]
    actions = ["create_draft", "publish_draft"]
    filter_horizontal = ["themes", "life_events"]
    fieldsets = [
        (None, {"fields": ["item", "number", "status", "published_at", "published_by"]}),
        (
            gettext_lazy("Service guide"),
            {
                "fields": [
                    ("name_zh", "name_en"),
                    "kind",
                    ("summary_zh", "summary_en"),
                    "legal_basis",
                    "conditions",
                    ("statutory_days", "committed_days"),
                    ("is_free", "fee_description", "fee_basis"),
                    ("is_online", "is_counter", "is_mobile"),
                    ("for_g2c", "for_g2b", "for_g2g"),
                    "themes",
                    "life_events",
                    "process_description",
                    "result_description",
                    ("contact_phone", "complaint_phone"),
                ]
            },
        ),
        (gettext_lazy("Application form"), {"fields": ["form_schema"]}),
        (None, {"fields": ["change_note"]}),
    ]
    always_readonly = ["item", "number", "status", "published_at", "published_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceItemVersion]:
        items = selectors.editable_item_list(user=request.user)
        return (
            super().get_queryset(request).filter(item__in=items).select_related("item__department")
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and not obj.is_draft:
            return [f.name for f in self.model._meta.get_fields() if f.concrete or f.many_to_many]
        return list(self.always_readonly)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # drafts come from "create new draft" or from adding a service item

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return _is_editor(request)
        return obj.is_draft and selectors.can_edit_item(user=request.user, item=obj.item)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return False  # no bulk delete: it would bypass the draft-only rule
        return obj.is_draft and selectors.can_edit_item(user=request.user, item=obj.item)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "form_schema" in form.base_fields:
            form.base_fields["form_schema"].help_text = _(
                "JSON Schema subset: see the catalogue documentation. Example: %(example)s"
            ) % {
                "example": json.dumps(
                    {
                        "type": "object",
                        "properties": {"name": {"type": "string", "title": "姓名"}},
                        "required": ["name"],
                    },
                    ensure_ascii=False,
                )
            }
        return form

    @admin.action(description=gettext_lazy("Create a new draft from this version"))
    def create_draft(self, request: HttpRequest, queryset: QuerySet[ServiceItemVersion]) -> None:
        for version in queryset.select_related("item"):
            try:
                draft = services.version_draft_create(
                    actor=request.user, item=version.item, source=version
                )
            except ApplicationError as error:
                _report(request, error, str(version))
            else:
                messages.success(
                    request,
                    _("Draft %(draft)s created from %(version)s.")
                    % {"draft": draft, "version": version},
                )

    @admin.action(description=gettext_lazy("Publish this draft"))
    def publish_draft(self, request: HttpRequest, queryset: QuerySet[ServiceItemVersion]) -> None:
        for version in queryset.select_related("item"):
            try:
                services.version_publish(actor=request.user, version=version)
            except ApplicationError as error:
                _report(request, error, str(version))
            else:
                messages.success(request, _("%(version)s is published.") % {"version": version})


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "audience", "sort_order"]
    list_filter = ["audience"]
    search_fields = ["code", "name_zh", "name_en"]
    list_editable = ["sort_order"]


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "audience", "sort_order"]
    list_filter = ["audience"]
    search_fields = ["code", "name_zh", "name_en"]
    list_editable = ["sort_order"]
