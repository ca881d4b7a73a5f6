"""Admin pages of data connectors: settings through ``connector_save``, "run now" and "dry
run" actions through ``connector_run``, and the run history, read-only.

A department administrator sees and runs the connectors of their departments; a platform
administrator all. The connection (a DSN holds a password) is never shown again: leave the
field empty to keep it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecity.core.errors import ApplicationError, ValidationFailed
from ecity.exchange.models import Connector, ConnectorRun
from ecity.exchange.services.connectors import (
    CONNECTOR_VALUE_FIELDS,
    ConnectorValues,
    connector_run,
    connector_save,
    connector_values_validate,
)
from ecity.org import selectors as org_selectors
from ecity.org.models import Department, StaffRole

VALUE_FIELDS = list(CONNECTOR_VALUE_FIELDS)


def _departments(request: HttpRequest) -> QuerySet[Department]:
    return org_selectors.departments_where(
        user=request.user, role=StaffRole.Role.DEPARTMENT_ADMIN
    ).filter(is_active=True)


def _is_operator(request: HttpRequest) -> bool:
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    return org_selectors.is_platform_admin(user=user) or _departments(request).exists()


def _report(request: HttpRequest, error: ApplicationError, label: str) -> None:
    details = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in error.fields.items())
    messages.error(request, f"{label}: {error.message}" + (f" ({details})" if details else ""))


class ConnectorForm(forms.ModelForm):
    connection = forms.CharField(
        label=gettext_lazy("connection"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy(
            "DSN (postgresql://…, mysql://user:password@host/db), file path or feed URL. "
            "Leave empty to keep the saved one."
        ),
    )

    class Meta:
        model = Connector
        fields = [*VALUE_FIELDS, "upload"]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if self.instance.pk and not data.get("connection"):
            data["connection"] = self.instance.connection
        if self.errors:
            return data
        try:
            connector_values_validate(
                self.values(),
                has_upload=bool(data.get("upload") or self.instance.upload),
            )
        except ValidationFailed as error:
            for name, problems in error.fields.items():
                field = name.split(".", 1)[0]
                prefix = f"{name.split('.', 1)[1]}: " if "." in name else ""
                for problem in problems:
                    self.add_error(field if field in self.fields else None, f"{prefix}{problem}")
        return data

    def values(self) -> ConnectorValues:
        data = self.cleaned_data
        given: dict[str, Any] = {
            name: data[name] for name in VALUE_FIELDS if data.get(name) is not None
        }
        return ConnectorValues(**given)


@admin.register(Connector)
class ConnectorAdmin(admin.ModelAdmin):
    form = ConnectorForm
    list_display = [
        "name",
        "title",
        "department",
        "source_kind",
        "registry",
        "every_minutes",
        "last_watermark",
        "next_run_at",
        "is_enabled",
    ]
    list_filter = ["source_kind", "registry", "is_enabled"]
    search_fields = ["name", "title"]
    list_select_related = ["department"]
    readonly_fields = ["last_watermark", "next_run_at", "claimed_by", "heartbeat_at"]
    actions = ["run_now", "dry_run"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Connector]:
        return super().get_queryset(request).filter(department__in=_departments(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_operator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_operator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_operator(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_operator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # disable it instead: its runs are the history of what was loaded

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "department":
            kwargs["queryset"] = _departments(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Connector, form: Any, change: bool) -> None:
        try:
            saved = connector_save(
                actor=request.user,  # type: ignore[arg-type]
                connector=Connector.objects.get(pk=obj.pk) if change else None,
                values=form.values(),
                upload=form.cleaned_data.get("upload") or None,
            )
        except ApplicationError as error:
            _report(request, error, obj.name)
            raise
        obj.pk, obj.public_id, obj._state.adding = saved.pk, saved.public_id, False

    def _run(self, request: HttpRequest, queryset: QuerySet[Connector], *, dry_run: bool) -> None:
        for connector in queryset.select_related("department"):
            try:
                run = connector_run(
                    connector=connector,
                    actor=request.user,  # type: ignore[arg-type]
                    dry_run=dry_run,
                )
            except ApplicationError as error:
                _report(request, error, connector.name)
                continue
            text = _(
                "%(name)s: %(status)s — %(read)d read, %(loaded)d loaded, %(rejected)d rejected."
            ) % {
                "name": connector.name,
                "status": run.get_status_display(),
                "read": run.rows_read,
                "loaded": run.rows_loaded,
                "rejected": run.rows_rejected,
            }
            if run.status == ConnectorRun.Status.SUCCEEDED:
                messages.success(request, text)
            else:
                problems = run.report.get("problems", [])[:5]
                details = "; ".join(
                    f"{p['position']} {p['column']}: {p['message']}" for p in problems
                )
                messages.error(
                    request, " ".join(filter(None, [text, details, run.report.get("error", "")]))
                )

    @admin.action(description=gettext_lazy("Run the selected connectors now"))
    def run_now(self, request: HttpRequest, queryset: QuerySet[Connector]) -> None:
        self._run(request, queryset, dry_run=False)

    @admin.action(description=gettext_lazy("Dry run (validate only, load nothing)"))
    def dry_run(self, request: HttpRequest, queryset: QuerySet[Connector]) -> None:
        self._run(request, queryset, dry_run=True)


@admin.register(ConnectorRun)
class ConnectorRunAdmin(admin.ModelAdmin):
    list_display = [
        "connector",
        "started_at",
        "status",
        "is_dry_run",
        "progress",
        "rows_read",
        "rows_loaded",
        "rows_rejected",
        "watermark_before",
        "watermark_after",
    ]
    list_filter = ["status", "is_dry_run"]
    list_select_related = ["connector", "started_by"]
    search_fields = ["connector__name"]
    readonly_fields = [
        "connector",
        "started_by",
        "is_dry_run",
        "status",
        "started_at",
        "finished_at",
        "rows_read",
        "rows_loaded",
        "rows_rejected",
        "created_count",
        "updated_count",
        "conflict_count",
        "watermark_before",
        "watermark_after",
        "problems",
    ]
    exclude = ["report"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ConnectorRun]:
        return super().get_queryset(request).filter(connector__department__in=_departments(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_operator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_operator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("progress"))
    def progress(self, run: ConnectorRun) -> str:
        return format_html(
            '<progress max="100" value="{}">{}%</progress>',
            run.progress_percent,
            run.progress_percent,
        )

    @admin.display(description=gettext_lazy("problems (source position, column, message)"))
    def problems(self, run: ConnectorRun) -> str:
        lines = [(p["position"], p["column"], p["message"]) for p in run.report.get("problems", [])]
        error = run.report.get("error", "")
        if not lines and not error:
            return "—"
        return format_html(
            "{}<ul>{}</ul>",
            error,
            format_html_join("", "<li>{} · {}: {}</li>", lines),
        )
