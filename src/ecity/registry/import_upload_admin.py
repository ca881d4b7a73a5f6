"""The admin's import pages: upload a file, map its columns, dry run, then load in the background.

1. Upload: the registry, the department that vouches for the values and a CSV or Excel file;
   the file is stored (``services.import_jobs.import_upload_store``).
2. Mapping: one choice per column of the file, preset from its header (``import_mapping``:
   attribute names, data element identifiers and names); "ignore" skips a column. Submitting
   queues a dry run (``import_queue``) and opens the job's page: its progress bar, then the
   report (row, column, message).
3. Load: on a dry run without problems, "Load" queues the load of the same file
   (``import_load_queue``). The background job ``registry.imports`` runs both.

Hooked into ``ImportJobAdmin.get_urls``; the services check who may import for the department.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecity.core.errors import ApplicationError
from ecity.org import selectors as org_selectors
from ecity.org.models import Department, StaffRole
from ecity.registry.attributes import REGISTRY_SPECS
from ecity.registry.models import ImportJob, Registry
from ecity.registry.selectors.records import is_data_administrator
from ecity.registry.services.import_jobs import (
    import_load_queue,
    import_queue,
    import_upload_store,
    imports_directory,
)
from ecity.registry.services.imports import (
    DEFAULT_BATCH,
    MAX_BATCH,
    import_mapping,
    table_header,
)
from ecity.registry.tables import TableError, table_file_inspect

STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx|xlsm)$")


class UploadForm(forms.Form):
    registry = forms.ChoiceField(label=gettext_lazy("registry"), choices=Registry.choices)
    department = forms.ModelChoiceField(
        label=gettext_lazy("department"),
        queryset=Department.objects.none(),
        required=False,
        help_text=gettext_lazy("The department that vouches for the values."),
    )
    file = forms.FileField(
        label=gettext_lazy("file"),
        help_text=gettext_lazy("CSV (UTF-8 or GB 18030) or Excel (.xlsx); the header in row 1."),
    )
    batch_size = forms.IntegerField(
        label=gettext_lazy("rows per batch"),
        initial=DEFAULT_BATCH,
        min_value=1,
        max_value=MAX_BATCH,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        field.queryset = org_selectors.departments_where(  # type: ignore[attr-defined]
            user=user, role=StaffRole.Role.DEPARTMENT_ADMIN
        ).order_by("code")


class MappingForm(forms.Form):
    """One choice per column of the file, plus what the upload step chose (hidden)."""

    stored = forms.CharField(widget=forms.HiddenInput)
    file_name = forms.CharField(widget=forms.HiddenInput)
    registry = forms.ChoiceField(choices=Registry.choices, widget=forms.HiddenInput)
    department = forms.ModelChoiceField(
        queryset=Department.objects.all(), required=False, widget=forms.HiddenInput
    )
    batch_size = forms.IntegerField(min_value=1, max_value=MAX_BATCH, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, registry: str, header: list[str], guess: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        spec = REGISTRY_SPECS[registry]
        choices = [("", _("— ignore this column —"))] + [
            (name, f"{attribute.label} ({name}, {attribute.data_element})")
            for name, attribute in {spec.key.name: spec.key, **spec.attributes}.items()
        ]
        self.columns: list[tuple[str, str]] = []
        for index, column in enumerate(header):
            if not column:
                continue
            key = f"column_{index}"
            self.fields[key] = forms.ChoiceField(
                label=column, choices=choices, required=False, initial=guess.get(column, "")
            )
            self.columns.append((key, column))

    def clean_stored(self) -> str:
        stored = self.cleaned_data["stored"]
        if not STORED_NAME.fullmatch(stored) or not (imports_directory() / stored).exists():
            raise forms.ValidationError(_("The uploaded file is gone: upload it again."))
        return stored

    def mapping(self) -> dict[str, str]:
        return {column: self.cleaned_data.get(key) or "" for key, column in self.columns}


def _header_of(path: Path) -> list[str]:
    try:
        return table_header(table_file_inspect(path))
    except TableError:
        return []


def _context(admin_site: admin.AdminSite, request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        **admin_site.each_context(request),
        "opts": ImportJob._meta,
        "title": _("Import a file into a base registry"),
        **extra,
    }


def _add_errors(form: forms.Form, error: ApplicationError) -> None:
    for name, errors in error.fields.items():
        for message in errors:
            form.add_error(name if name in form.fields else None, message)
    if not error.fields:
        form.add_error(None, error.message)


def import_upload_view(admin_site: admin.AdminSite, request: HttpRequest) -> HttpResponse:
    """Step 1 (upload) and step 2 (mapping, then queue the dry run)."""
    if not is_data_administrator(user=request.user):
        raise DjangoPermissionDenied
    template = "admin/registry/importjob/upload.html"
    if request.method == "POST" and "check" in request.POST:
        registry = request.POST.get("registry", "")
        if registry not in REGISTRY_SPECS:
            raise DjangoPermissionDenied
        stored = request.POST.get("stored", "")
        path = imports_directory() / stored if STORED_NAME.fullmatch(stored) else None
        header = _header_of(path) if path is not None and path.exists() else []
        form = MappingForm(request.POST, registry=registry, header=header, guess={})
        if form.is_valid():
            try:
                job = import_queue(
                    actor=request.user,
                    department=form.cleaned_data["department"],
                    registry=registry,
                    path=imports_directory() / form.cleaned_data["stored"],
                    file_name=form.cleaned_data["file_name"],
                    mapping=form.mapping(),
                    dry_run=True,
                    batch_size=form.cleaned_data["batch_size"],
                )
            except ApplicationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request, _("The dry run is queued; this page shows its progress and report.")
                )
                return HttpResponseRedirect(
                    reverse("admin:registry_importjob_change", args=[job.pk])
                )
        return TemplateResponse(request, template, _context(admin_site, request, form=form))
    upload = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and upload.is_valid():
        try:
            path = import_upload_store(upload=upload.cleaned_data["file"])
        except ApplicationError as error:
            _add_errors(upload, error)
        else:
            registry = upload.cleaned_data["registry"]
            header = _header_of(path)
            if not header:
                path.unlink(missing_ok=True)
                upload.add_error("file", _("The file has no header row or cannot be read."))
            else:
                guess, _problems = import_mapping(registry=registry, header=header)
                department = upload.cleaned_data["department"]
                form = MappingForm(
                    initial={
                        "stored": path.name,
                        "file_name": upload.cleaned_data["file"].name,
                        "registry": registry,
                        "department": department.pk if department else None,
                        "batch_size": upload.cleaned_data["batch_size"],
                    },
                    registry=registry,
                    header=header,
                    guess=guess,
                )
                return TemplateResponse(request, template, _context(admin_site, request, form=form))
    return TemplateResponse(request, template, _context(admin_site, request, upload=upload))


def import_load_view(
    admin_site: admin.AdminSite, request: HttpRequest, object_id: str
) -> HttpResponse:
    """Queue the load of a clean dry run (POST only)."""
    if request.method != "POST" or not is_data_administrator(user=request.user):
        raise DjangoPermissionDenied
    dry_run = get_object_or_404(ImportJob, pk=object_id)
    try:
        job = import_load_queue(actor=request.user, dry_run_job=dry_run)
    except ApplicationError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(reverse("admin:registry_importjob_change", args=[dry_run.pk]))
    messages.success(request, _("The load is queued; this page shows its progress."))
    return HttpResponseRedirect(reverse("admin:registry_importjob_change", args=[job.pk]))
