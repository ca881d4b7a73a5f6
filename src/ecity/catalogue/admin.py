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

from ecity.catalogue import selectors, services, version_admin
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

# --- service items ---------------------------------------------------------------------------


class VersionListInline(version_admin.VersionListInline):
    model = ServiceItemVersion


@admin.register(ServiceItem)
class ServiceItemAdmin(version_admin.VersionedEntryAdmin):
    list_display = ["code", "current_name", "department", "current_number", "is_active"]
    list_filter = ["is_active", "department"]
    search_fields = ["code", "current_version__name_zh", "current_version__name_en"]
    list_select_related = ["department", "current_version"]
    inlines = [VersionListInline]

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

    def can_edit(self, request: HttpRequest, obj: ServiceItem) -> bool:
        return selectors.can_edit_item(user=request.user, item=obj)

    def active_set(self, request: HttpRequest, obj: ServiceItem) -> None:
        # Through the service: audited, and search follows at once.
        services.item_active_set(actor=request.user, item=obj, active=obj.is_active)

    def create(self, request: HttpRequest, obj: ServiceItem) -> ServiceItem:
        return services.item_create(
            actor=request.user, code=obj.code, department=obj.department, name_zh=obj.code
        )


# --- versions --------------------------------------------------------------------------------


class DraftOnlyInline(version_admin.DraftOnlyInline):
    def can_edit_version(self, request: HttpRequest, version: ServiceItemVersion) -> bool:
        return selectors.can_edit_item(user=request.user, item=version.item)


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
class ServiceItemVersionAdmin(version_admin.VersionAdmin):
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

    def can_edit_version(self, request: HttpRequest, version: ServiceItemVersion) -> bool:
        return selectors.can_edit_item(user=request.user, item=version.item)

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
                version_admin.error_report(request, error, str(version))
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
                version_admin.error_report(request, error, str(version))
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
