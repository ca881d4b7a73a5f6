"""Admin where a lead department maintains its joint applications (一件事一次办).

Like the service guides: department administrators see and edit only the joint applications
their department leads; published and superseded versions are read-only; drafts are edited
here (names, members, shared fields and materials) and every save shows what the rules of
``checks`` still find wrong; publishing and "update the member services to their current
versions" go through the services, which check everything again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecity.catalogue import selectors as catalogue_selectors
from ecity.catalogue import version_admin
from ecity.catalogue.joint import selectors, services
from ecity.catalogue.joint.checks import joint_version_errors
from ecity.catalogue.models import (
    JointService,
    JointServiceMember,
    JointServiceVersion,
    JointSharedField,
    JointSharedMaterial,
    RequiredMaterial,
    ServiceItemVersion,
)
from ecity.core.errors import ApplicationError

_PARENT = "_ecity_joint_version"


class _VersionListInline(version_admin.VersionListInline):
    model = JointServiceVersion


@admin.register(JointService)
class JointServiceAdmin(version_admin.VersionedEntryAdmin):
    list_display = ["code", "current_name", "life_event", "department", "is_active"]
    list_filter = ["is_active", "department"]
    search_fields = ["code", "current_version__name_zh"]
    list_select_related = ["department", "life_event", "current_version"]
    inlines = [_VersionListInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[JointService]:
        return selectors.editable_joint_service_list(user=request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["current_version"]
        return ["code", "life_event", "department", "current_version"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "department":
            kwargs["queryset"] = catalogue_selectors.editable_department_list(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def can_edit(self, request: HttpRequest, obj: JointService) -> bool:
        return selectors.can_edit_joint(user=request.user, service=obj)

    def create(self, request: HttpRequest, obj: JointService) -> JointService:
        return services.joint_service_create(
            actor=request.user,
            code=obj.code,
            life_event=obj.life_event,
            department=obj.department,
            name_zh=obj.code,
        )


class _DraftOnlyInline(version_admin.DraftOnlyInline):
    def can_edit_version(self, request: HttpRequest, version: JointServiceVersion) -> bool:
        return selectors.can_edit_joint(user=request.user, service=version.service)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        setattr(request, _PARENT, obj)  # the parent version, to narrow the material choices
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is RequiredMaterial:
            parent = getattr(request, _PARENT, None)
            kwargs["queryset"] = RequiredMaterial.objects.filter(
                version__joint_memberships__version=parent
            ).select_related("version__item")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class _MemberInline(_DraftOnlyInline):
    model = JointServiceMember
    fields = ["service_version", "waived_fields", "waived_materials", "waiver_note", "sort_order"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "service_version":
            kwargs["queryset"] = ServiceItemVersion.objects.filter(
                status=ServiceItemVersion.Status.PUBLISHED, item__current_version=F("pk")
            ).select_related("item")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class _SharedFieldForm(forms.ModelForm):
    class Meta:
        model = JointSharedField
        fields = ["key", "title_zh", "title_en", "targets", "sort_order"]
        widgets = {"targets": forms.Textarea(attrs={"rows": 4, "cols": 60})}


class _SharedFieldInline(_DraftOnlyInline):
    model = JointSharedField
    form = _SharedFieldForm
    fields = [("key", "sort_order"), ("title_zh", "title_en"), "targets"]


class _SharedMaterialInline(_DraftOnlyInline):
    model = JointSharedMaterial
    fields = [("name_zh", "name_en"), "notes", "materials", "sort_order"]


@admin.register(JointServiceVersion)
class JointServiceVersionAdmin(version_admin.VersionAdmin):
    list_display = ["__str__", "service", "number", "status", "published_at"]
    list_filter = ["status", "service__department"]
    search_fields = ["service__code", "name_zh", "name_en"]
    list_select_related = ["service"]
    inlines = [_MemberInline, _SharedFieldInline, _SharedMaterialInline]
    actions = ["create_draft", "update_members", "publish_draft"]
    fields = [
        ("service", "number", "status"),
        ("published_at", "published_by"),
        ("name_zh", "name_en"),
        ("summary_zh", "summary_en"),
        "change_note",
    ]
    always_readonly = ["service", "number", "status", "published_at", "published_by"]
    editable_fields = ["name_zh", "name_en", "summary_zh", "summary_en", "change_note"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[JointServiceVersion]:
        editable = selectors.editable_joint_service_list(user=request.user)
        return super().get_queryset(request).filter(service__in=editable)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and not obj.is_draft:
            return [*self.always_readonly, *self.editable_fields]
        return list(self.always_readonly)

    def can_edit_version(self, request: HttpRequest, version: JointServiceVersion) -> bool:
        return selectors.can_edit_joint(user=request.user, service=version.service)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        for field, problems in joint_version_errors(form.instance, complete=False).items():
            messages.warning(request, f"{field}: {' '.join(problems)}")

    @admin.action(description=gettext_lazy("Create a new draft from this version"))
    def create_draft(self, request: HttpRequest, queryset: QuerySet[JointServiceVersion]) -> None:
        for version in queryset.select_related("service"):
            try:
                draft = services.joint_draft_create(actor=request.user, service=version.service)
            except ApplicationError as error:
                version_admin.error_report(request, error, str(version))
            else:
                messages.success(request, _("Draft %(draft)s created.") % {"draft": draft})

    @admin.action(description=gettext_lazy("Update the member services to their current versions"))
    def update_members(self, request: HttpRequest, queryset: QuerySet[JointServiceVersion]) -> None:
        for version in selectors.joint_version_prefetch(queryset):
            spec = selectors.joint_spec(version)
            content = {k: spec[k] for k in ("members", "shared_fields", "shared_materials")}
            try:
                services.joint_draft_update(actor=request.user, version=version, **content)
            except ApplicationError as error:
                version_admin.error_report(request, error, str(version))
            else:
                messages.success(request, _("%(version)s is updated.") % {"version": version})

    @admin.action(description=gettext_lazy("Publish this draft"))
    def publish_draft(self, request: HttpRequest, queryset: QuerySet[JointServiceVersion]) -> None:
        for version in queryset.select_related("service"):
            try:
                services.joint_version_publish(actor=request.user, version=version)
            except ApplicationError as error:
                version_admin.error_report(request, error, str(version))
            else:
                messages.success(request, _("%(version)s is published.") % {"version": version})
