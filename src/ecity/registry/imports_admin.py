"""Back-office pages of imports and disputes (异议) for data administrators.

Import jobs: a list with each job's progress (a progress bar) and its problem report; jobs are
started with ``manage.py registry_import`` or uploaded here (``import_upload_admin``: upload,
mapping, dry run, load in the background) and never edited. Disputes: the authority
department's record writers settle them with actions that call ``dispute_settle`` (which
checks the authority itself); a rejection asks for its reason on an intermediate page.
Department administrators see their own department's jobs and disputes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecity.core.errors import ApplicationError
from ecity.org import selectors as org_selectors
from ecity.org.models import StaffRole
from ecity.registry.attributes import record_kind, value_shown
from ecity.registry.import_upload_admin import import_load_view, import_upload_view
from ecity.registry.models import Dispute, ImportJob, RecordConflict
from ecity.registry.records_admin import _ReadOnly
from ecity.registry.services.disputes import dispute_settle


def _own_departments_only(request: HttpRequest, queryset: QuerySet, *fields: str) -> QuerySet:
    """Platform administrators see everything; department administrators their departments'."""
    if org_selectors.is_platform_admin(user=request.user):
        return queryset
    departments = org_selectors.departments_where(
        user=request.user, role=StaffRole.Role.DEPARTMENT_ADMIN
    )
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__in": departments})
    return queryset.filter(condition)


def each_report(
    request: HttpRequest, queryset: QuerySet, act: Callable[[Any], Any], done_message: str
) -> None:
    done = 0
    for obj in queryset:
        try:
            act(obj)
        except ApplicationError as error:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.fields.items())
            messages.error(
                request, f"{obj}: {error.message}" + (f" ({details})" if details else "")
            )
        else:
            done += 1
    if done:
        messages.success(request, done_message % {"count": done})


@admin.register(ImportJob)
class ImportJobAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = [
        "file_name",
        "registry",
        "department",
        "is_dry_run",
        "status",
        "progress",
        "created_count",
        "updated_count",
        "conflict_count",
        "problem_count",
        "created_at",
    ]
    list_filter = ["status", "registry", "is_dry_run", "department"]
    list_select_related = ["department", "started_by"]
    fields = readonly_fields = [
        "file_name",
        "file_hash",
        "registry",
        "department",
        "started_by",
        "is_dry_run",
        "status",
        "progress",
        "batch_size",
        "total_rows",
        "rows_done",
        "last_committed_row",
        "created_count",
        "updated_count",
        "unchanged_count",
        "conflict_count",
        "problem_count",
        "mapping",
        "problem_report",
        "created_at",
        "finished_at",
        "claimed_by",
        "heartbeat_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImportJob]:
        return _own_departments_only(request, super().get_queryset(request), "department")

    def get_urls(self) -> list[URLPattern]:
        site = self.admin_site
        return [
            path(
                "upload/",
                site.admin_view(lambda request: import_upload_view(site, request)),
                name="registry_importjob_upload",
            ),
            path(
                "<int:object_id>/load/",
                site.admin_view(
                    lambda request, object_id: import_load_view(site, request, object_id)
                ),
                name="registry_importjob_load",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=gettext_lazy("progress"))
    def progress(self, obj: ImportJob) -> str:
        return format_html(
            '<progress max="100" value="{}">{}%</progress> {}/{} ({}%)',
            obj.progress_percent,
            obj.progress_percent,
            obj.rows_done,
            obj.total_rows,
            obj.progress_percent,
        )

    @admin.display(description=gettext_lazy("problems (row, column, message)"))
    def problem_report(self, obj: ImportJob) -> str:
        if not obj.problems:
            return "—"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((p["row"], p["column"], p["message"]) for p in obj.problems),
        )
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            _("row"),
            _("column"),
            _("message"),
            rows,
        )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the dispute rejected?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


def _kind(obj: Dispute | RecordConflict) -> str:
    return record_kind(obj)


@admin.register(Dispute)
class DisputeAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = [
        "record_shown",
        "attribute",
        "authority",
        "raised_department",
        "status",
        "due_on",
        "deadline_state",
    ]
    list_filter = ["status", "deadline_state", "authority", "raised_department"]
    list_select_related = ["person", "legal_entity", "authority", "raised_department"]
    fields = readonly_fields = [
        "record_shown",
        "attribute",
        "data_element",
        "disputed_shown",
        "proposed_shown",
        "reason",
        "raised_department",
        "authority",
        "status",
        "started_on",
        "limit_days",
        "due_on",
        "deadline_state",
        "settled_at",
        "settlement_reason",
    ]
    actions = ["accept", "reject"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Dispute]:
        return _own_departments_only(
            request, super().get_queryset(request), "authority", "raised_department"
        )

    @admin.display(description=gettext_lazy("record"))
    def record_shown(self, obj: Dispute) -> str:
        return str(obj.record)

    @admin.display(description=gettext_lazy("disputed value"))
    def disputed_shown(self, obj: Dispute) -> str:
        return value_shown(kind=_kind(obj), attribute=obj.attribute, text=obj.disputed_value)

    @admin.display(description=gettext_lazy("proposed value"))
    def proposed_shown(self, obj: Dispute) -> str:
        return value_shown(kind=_kind(obj), attribute=obj.attribute, text=obj.proposed_value)

    @admin.action(description=gettext_lazy("Accept: write the proposed value"))
    def accept(self, request: HttpRequest, queryset: QuerySet[Dispute]) -> None:
        each_report(
            request,
            queryset,
            lambda d: dispute_settle(actor=request.user, dispute=d, accept=True),
            _("%(count)d disputes accepted."),
        )

    @admin.action(description=gettext_lazy("Reject with a reason"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Dispute]) -> HttpResponse | None:
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            each_report(
                request,
                queryset,
                lambda d: dispute_settle(
                    actor=request.user, dispute=d, accept=False, reason=reason
                ),
                _("%(count)d disputes rejected."),
            )
            return None
        return TemplateResponse(
            request,
            "admin/registry/dispute/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Reject disputes"),
                "opts": self.model._meta,
                "disputes": queryset,
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
