"""Admin of the case system.

Process definitions: department administrators upload a BPMN file drawn in any modeller or build
a process from a simple description (accept → parallel reviews → decide). Every write goes
through ``ecity.cases.services.process``; a file with problems is shown again with every problem
on the file field and nothing is saved. Stored definitions are read-only apart from their name
and the rejection rule: a changed process is a new definition (running cases keep theirs).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from ecity.cases.models import DecisionDocument
from ecity.cases.selectors.process import (
    VERSION_REF_PREFIX,
    process_definition_build_check,
    process_definition_check,
    process_definition_list,
    process_version_list,
    process_version_of,
)
from ecity.cases.services.process import (
    process_definition_activate,
    process_definition_build,
    process_definition_update,
    process_definition_upload,
)
from ecity.catalogue.models import ServiceItemVersion
from ecity.core.errors import ApplicationError
from ecity.core.forms import add_application_error
from ecity.org.models import Department, StaffRole
from ecity.org.selectors import departments_where, is_platform_admin
from ecity.workflow.bpmn.bpmnxml import MAX_BPMN_BYTES
from ecity.workflow.bpmn.validation import ProcessInvalid
from ecity.workflow.models import ProcessDefinition

ROLE_CHOICES = [
    (value, label)
    for value, label in StaffRole.Role.choices
    if value != StaffRole.Role.PLATFORM_ADMIN
]


def _is_process_manager(request: HttpRequest) -> bool:
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    return (
        is_platform_admin(user=user)
        or departments_where(user=user, role=StaffRole.Role.DEPARTMENT_ADMIN).exists()
    )


class ProcessDefinitionAddForm(forms.ModelForm):
    """Upload a BPMN file, or describe the departments that review in parallel."""

    # The definition names its owner generically (owner_ref); here the owner is chosen among
    # the service versions the user may manage (the admin sets the queryset per request).
    service_version = forms.ModelChoiceField(
        label=gettext_lazy("service version"), queryset=ServiceItemVersion.objects.none()
    )

    source = forms.ChoiceField(
        label=gettext_lazy("How to define the process"),
        choices=ProcessDefinition.Source.choices,
        initial=ProcessDefinition.Source.BUILT,
        widget=forms.RadioSelect,
    )
    bpmn_file = forms.FileField(
        label=gettext_lazy("BPMN 2.0 file"),
        required=False,
        help_text=gettext_lazy(
            "A .bpmn file from any BPMN modeller (at most 1 MB). Name each lane “CODE:role”, "
            "for example “WJW:reviewer”; scripts and Python conditions are refused."
        ),
    )
    review_departments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Departments reviewing in parallel"),
        queryset=Department.objects.filter(is_active=True).order_by("sort_order", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "The implementing department accepts and decides; these departments review at the "
            "same time, after acceptance."
        ),
    )
    review_role = forms.ChoiceField(
        label=gettext_lazy("Reviewing role"), choices=ROLE_CHOICES, initial="reviewer"
    )
    accept_role = forms.ChoiceField(
        label=gettext_lazy("Accepting role"), choices=ROLE_CHOICES, initial="counter_clerk"
    )
    decision_role = forms.ChoiceField(
        label=gettext_lazy("Deciding role"), choices=ROLE_CHOICES, initial="approver"
    )

    class Meta:
        model = ProcessDefinition
        fields = ["name", "reject_ends_case"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = _("Leave empty to use the name in the file.")
        self.xml = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        version = data.get("service_version")
        if version is None or self.errors:
            return data
        if data.get("source") == ProcessDefinition.Source.UPLOADED:
            self._clean_upload(version, data.get("bpmn_file"))
        else:
            try:
                self.xml, _spec, _description = process_definition_build_check(
                    service_version=version,
                    review_departments=list(data.get("review_departments") or []),
                    name=data.get("name") or "",
                    review_role=data["review_role"],
                    accept_role=data["accept_role"],
                    decision_role=data["decision_role"],
                )
            except ApplicationError as error:
                add_application_error(self, error)
        return data

    def _clean_upload(self, version: Any, upload: Any) -> None:
        if upload is None:
            self.add_error("bpmn_file", _("Choose the BPMN file to upload."))
            return
        if upload.size > MAX_BPMN_BYTES:
            self.add_error(
                "bpmn_file",
                _("The file is too large: at most %(limit)d KB are allowed.")
                % {"limit": MAX_BPMN_BYTES // 1000},
            )
            return
        content = upload.read()
        try:
            self.xml = content.decode("utf-8")
        except UnicodeDecodeError:
            self.add_error("bpmn_file", _("The file must be encoded in UTF-8."))
            return
        try:
            process_definition_check(service_version=version, xml=self.xml)
        except ProcessInvalid as error:
            for problem in error.errors:
                self.add_error("bpmn_file", problem)


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(admin.ModelAdmin):
    list_display = ["name", "service_version", "source", "is_active", "reject_ends_case"]
    list_filter = ["is_active", "source"]
    search_fields = ["name"]
    actions = ["activate"]
    add_fieldsets = [
        (None, {"fields": ["service_version", "name", "reject_ends_case", "source"]}),
        (gettext_lazy("Upload a BPMN file"), {"fields": ["bpmn_file"]}),
        (
            gettext_lazy("Or build from a simple description"),
            {"fields": ["review_departments", "review_role", "accept_role", "decision_role"]},
        ),
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "reject_ends_case",
                    "service_version",
                    "source",
                    "process_id",
                    "is_active",
                    "created_by",
                    "created_at",
                ]
            },
        ),
        (gettext_lazy("Validation"), {"fields": ["validation_result", "download"]}),
        (gettext_lazy("BPMN 2.0 XML"), {"fields": ["bpmn_xml"], "classes": ["collapse"]}),
    ]
    readonly_fields = [
        "service_version",
        "source",
        "process_id",
        "is_active",
        "created_by",
        "created_at",
        "validation_result",
        "download",
        "bpmn_xml",
    ]

    # --- permissions ---------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProcessDefinition]:
        return process_definition_list(actor=request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_process_manager(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_process_manager(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_process_manager(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not _is_process_manager(request):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only a definition no case has used may go; the others are deactivated instead.
        if obj is None or not self.has_change_permission(request, obj):
            return False
        return not obj.cases.exists()

    # --- forms -----------------------------------------------------------------------------------

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else self.readonly_fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        kwargs["form"] = ProcessDefinitionAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        versions = process_version_list(actor=request.user)

        class AddForm(form):  # type: ignore[valid-type,misc]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self.fields["service_version"].queryset = versions

        return AddForm

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[ProcessDefinition], search_term: str
    ) -> tuple[QuerySet[ProcessDefinition], bool]:
        """Search the name, and the code or Chinese name of the service version."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term:
            return found, may_have_duplicates
        versions = ServiceItemVersion.objects.filter(
            Q(item__code__icontains=term) | Q(name_zh__icontains=term)
        ).values_list("public_id", flat=True)
        refs = [f"{VERSION_REF_PREFIX}{public_id}" for public_id in versions]
        return found | queryset.filter(owner_ref__in=refs), may_have_duplicates

    @admin.display(description=gettext_lazy("service version"))
    def service_version(self, obj: ProcessDefinition) -> str:
        version = process_version_of(obj)
        return str(version) if version is not None else obj.owner_ref

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            # The checks and the audit entry are the service's.
            process_definition_update(
                actor=request.user,  # type: ignore[arg-type]
                definition=obj,
                name=obj.name,
                reject_ends_case=obj.reject_ends_case,
            )
            obj.refresh_from_db()
            return
        data = form.cleaned_data
        if data["source"] == ProcessDefinition.Source.UPLOADED:
            created = process_definition_upload(
                actor=request.user,
                service_version=data["service_version"],
                xml=form.xml,
                name=data.get("name") or "",
                reject_ends_case=data["reject_ends_case"],
            )
        else:
            created = process_definition_build(
                actor=request.user,
                service_version=data["service_version"],
                review_departments=list(data.get("review_departments") or []),
                name=data.get("name") or "",
                review_role=data["review_role"],
                accept_role=data["accept_role"],
                decision_role=data["decision_role"],
                reject_ends_case=data["reject_ends_case"],
            )
        for field in ProcessDefinition._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created, field.attname))
        obj._state.adding = False

    # --- display ---------------------------------------------------------------------------------

    @admin.display(description=gettext_lazy("validation result"))
    def validation_result(self, obj: ProcessDefinition) -> str:
        try:
            version = process_version_of(obj)
            if version is None:
                return "-"
            spec = process_definition_check(service_version=version, xml=obj.bpmn_xml)
        except ProcessInvalid as error:
            return format_html(
                '<p class="errornote">{}</p><ul class="errorlist">{}</ul>',
                _("The process is not valid any more:"),
                format_html_join("", "<li>{}</li>", ((e,) for e in error.errors)),
            )
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (task.id, task.name, task.department_code, task.role, task.kind)
                for task in spec.tasks.values()
            ),
        )
        return format_html(
            "<p>{}</p><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
            "</tr></thead><tbody>{}</tbody></table>",
            _("Valid: %(count)d user tasks in %(departments)d departments.")
            % {"count": len(spec.tasks), "departments": len(spec.department_codes)},
            _("BPMN id"),
            pgettext("BPMN task", "Name"),
            _("Department"),
            _("Role"),
            pgettext("BPMN task", "Kind"),
            rows,
        )

    @admin.display(description=gettext_lazy("BPMN file"))
    def download(self, obj: ProcessDefinition) -> str:
        url = reverse("admin:workflow_processdefinition_bpmn", args=[obj.pk])
        return format_html('<a href="{}" download>{}</a>', url, _("Download for a BPMN modeller"))

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.download_bpmn)
        return [
            path("<int:object_id>/bpmn/", view, name="workflow_processdefinition_bpmn"),
            *super().get_urls(),
        ]

    def download_bpmn(self, request: HttpRequest, object_id: int) -> HttpResponse:
        definition = self.get_queryset(request).filter(pk=object_id).first()
        if definition is None or not self.has_view_permission(request, definition):
            return HttpResponseRedirect(reverse("admin:index"))
        response = HttpResponse(definition.bpmn_xml, content_type="application/xml; charset=utf-8")
        filename = f"{definition.process_id or 'process'}.bpmn"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    # --- actions ---------------------------------------------------------------------------------

    @admin.action(description=gettext_lazy("Make this the active process of its service"))
    def activate(self, request: HttpRequest, queryset: QuerySet[ProcessDefinition]) -> None:
        for definition in queryset:
            try:
                process_definition_activate(actor=request.user, definition=definition)
            except ApplicationError as error:
                problems = "; ".join(m for msgs in error.fields.values() for m in msgs)
                messages.error(request, f"{definition}: {error.message} {problems}".strip())
            else:
                messages.success(
                    request, _("%(name)s is now the active process.") % {"name": definition}
                )


@admin.register(DecisionDocument)
class DecisionDocumentAdmin(admin.ModelAdmin):
    """Decision documents are written only by the decision service: viewable, never edited."""

    list_display = ["number", "title", "case", "kind", "issued_at"]
    list_filter = ["kind"]
    search_fields = ["number", "case__number"]
    readonly_fields = ["case", "number", "kind", "title", "text", "pdf", "issued_at", "issued_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
