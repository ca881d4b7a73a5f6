"""Admin pages where data administrators maintain metadata, always through the services.

Data elements: platform administrators (the platform's data administrators) see and maintain
all; a department administrator maintains the elements of their department (一数一源) and
sees the others read-only. Drafts are edited in the form; putting in force, withdrawing (with a
reason, asked on an intermediate page) and revising are actions. Code lists are read here and
loaded with ``manage.py registry_codes_load``. Subject terms are platform-wide.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecity.core.errors import ApplicationError
from ecity.registry.admin.access import is_maintainer, maintained_departments
from ecity.registry.admin.forms import ListField, report_error
from ecity.registry.models import CodeList, CodeValue, DataElement, SubjectTerm
from ecity.registry.selectors.metadata import can_maintain_metadata
from ecity.registry.services.metadata import (
    data_element_put_in_force,
    data_element_revise,
    data_element_save_draft,
    data_element_withdraw,
)
from ecity.registry.services.thesaurus import subject_term_save

# --- data elements ---------------------------------------------------------------------------


class DataElementForm(forms.ModelForm):
    synonyms = ListField(
        label=gettext_lazy("synonyms"), required=False, help_text=gettext_lazy("One per line.")
    )

    class Meta:
        model = DataElement
        fields = [
            "identifier",
            "name",
            "name_en",
            "definition",
            "data_type",
            "format",
            "pattern",
            "code_list",
            "check_rule",
            "unit",
            "authority",
            "synonyms",
        ]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is it withdrawn?"), widget=forms.Textarea(attrs={"rows": 3})
    )


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin):
    form = DataElementForm
    list_display = ["identifier", "name", "data_type", "authority", "status", "version"]
    list_filter = ["status", "data_type", "authority"]
    search_fields = ["identifier", "name", "name_en"]
    list_select_related = ["authority", "code_list"]
    readonly_fields = ["status", "version"]
    actions = ["put_in_force", "withdraw", "revise"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_maintainer(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_maintainer(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_maintainer(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return is_maintainer(request)
        return obj.status == DataElement.Status.DRAFT and can_maintain_metadata(
            actor=request.user, department=obj.authority
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # withdrawn, never deleted: records refer to their identifiers

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["identifier", *self.readonly_fields] if obj else list(self.readonly_fields)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "authority":
            kwargs["queryset"] = maintained_departments(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        class RequestForm(form_class):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                data = super().clean()
                authority = data.get("authority")
                if authority is None and not can_maintain_metadata(actor=actor):
                    self.add_error(
                        "authority", _("Choose the department whose value is authoritative.")
                    )
                return data

        return RequestForm

    def save_model(self, request: HttpRequest, obj: DataElement, form: Any, change: bool) -> None:
        data = form.cleaned_data
        try:
            saved = data_element_save_draft(
                actor=request.user,
                identifier=obj.identifier,
                **{
                    name: data[name] for name in DataElementForm.Meta.fields if name != "identifier"
                },
            )
        except ApplicationError as error:
            report_error(request, error, obj.identifier)
            raise
        obj.pk, obj.public_id, obj._state.adding = saved.pk, saved.public_id, False

    def _each(self, request: HttpRequest, queryset: QuerySet[DataElement], act: Any) -> int:
        done = 0
        for element in queryset:
            try:
                act(element)
                done += 1
            except ApplicationError as error:
                report_error(request, error, element.identifier)
        return done

    @admin.action(description=gettext_lazy("Put the selected drafts in force"))
    def put_in_force(self, request: HttpRequest, queryset: QuerySet[DataElement]) -> None:
        done = self._each(
            request,
            queryset,
            lambda element: data_element_put_in_force(actor=request.user, element=element),
        )
        if done:
            messages.success(request, _("%(count)d data elements put in force.") % {"count": done})

    @admin.action(description=gettext_lazy("Revise the selected elements (new draft version)"))
    def revise(self, request: HttpRequest, queryset: QuerySet[DataElement]) -> None:
        done = self._each(
            request,
            queryset,
            lambda element: data_element_revise(actor=request.user, element=element),
        )
        if done:
            messages.success(request, _("%(count)d data elements revised.") % {"count": done})

    @admin.action(description=gettext_lazy("Withdraw the selected elements"))
    def withdraw(
        self, request: HttpRequest, queryset: QuerySet[DataElement]
    ) -> HttpResponse | None:
        form = WithdrawForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            done = self._each(
                request,
                queryset,
                lambda element: data_element_withdraw(
                    actor=request.user, element=element, reason=reason
                ),
            )
            if done:
                messages.success(request, _("%(count)d data elements withdrawn.") % {"count": done})
            return None
        return TemplateResponse(
            request,
            "admin/registry/dataelement/withdraw.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Withdraw data elements"),
                "opts": self.model._meta,
                "elements": queryset,
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


# --- code lists ------------------------------------------------------------------------------


class CodeValueInline(admin.TabularInline):
    model = CodeValue
    fk_name = "code_list"
    fields = ["code", "name", "name_en", "parent", "valid_from", "valid_to"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[CodeValue]:
        return super().get_queryset(request).select_related("parent")


class ReadOnlyForMaintainers:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_maintainer(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_maintainer(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CodeList)
class CodeListAdmin(ReadOnlyForMaintainers, admin.ModelAdmin):
    """Read-only: code lists are loaded from files (``manage.py registry_codes_load``)."""

    list_display = ["identifier", "name", "standard", "version"]
    search_fields = ["identifier", "name", "name_en", "standard"]
    inlines = [CodeValueInline]


# --- subject thesaurus -----------------------------------------------------------------------


class SubjectTermForm(forms.ModelForm):
    synonyms = ListField(
        label=gettext_lazy("synonyms"), required=False, help_text=gettext_lazy("One per line.")
    )

    class Meta:
        model = SubjectTerm
        fields = ["term", "term_en", "scope_note", "synonyms", "broader", "related"]


@admin.register(SubjectTerm)
class SubjectTermAdmin(admin.ModelAdmin):
    form = SubjectTermForm
    list_display = ["term", "term_en"]
    search_fields = ["term", "term_en", "labels"]
    # Plain multiple selects, not filter_horizontal: its filter box has an aria-label on a span
    # without a role (axe: aria-prohibited-attr, serious).

    def _is_platform_admin(self, request: HttpRequest) -> bool:
        return request.user.is_active and can_maintain_metadata(actor=request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_platform_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_platform_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._is_platform_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_platform_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["term"] if obj else []

    def save_model(self, request: HttpRequest, obj: SubjectTerm, form: Any, change: bool) -> None:
        data = form.cleaned_data
        try:
            saved = subject_term_save(
                actor=request.user,
                term=obj.term,
                term_en=data["term_en"],
                scope_note=data["scope_note"],
                synonyms=data["synonyms"],
                broader=list(data["broader"]),
                related=list(data["related"]),
            )
        except ApplicationError as error:
            report_error(request, error, obj.term)
            raise
        obj.pk, obj.public_id, obj._state.adding = saved.pk, saved.public_id, False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        return None  # the service saved the relations


# The base registries' pages (read-only, masked) live beside these.
from ecity.registry import imports_admin as _imports_admin  # noqa: E402, F401
from ecity.registry import records_admin as _records_admin  # noqa: E402, F401
