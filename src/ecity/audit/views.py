"""Audit pages: "who looked at my data" for everyone; search, export and verify for auditors.

Every use of the auditor pages is itself recorded (``audit.searched``, ``audit.exported``,
``audit.verified``) with the *names* of the criteria used, never their values.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from ecity.audit import exports, selectors, services
from ecity.audit.checkpoints import trail_verify
from ecity.audit.forms import AuditSearchForm

PAGE_SIZE = 20


def _require_auditor(request: HttpRequest) -> None:
    if not selectors.is_auditor(user=request.user):
        raise PermissionDenied


@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    """Who in government read or changed my personal data: department, name, when, what, why."""
    entries = selectors.my_data_access_list(user=request.user)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/my_data.html", {"page": page})


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Search the audit trail (auditors only); the search itself is recorded."""
    _require_auditor(request)
    form = AuditSearchForm(request.GET or None)
    page = None
    if not request.GET or form.is_valid():
        filters = form.to_filters() if request.GET else selectors.AuditFilters()
        entries = selectors.audit_entry_search(actor=request.user, filters=filters)
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        services.audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action="audit.searched",
            request=request,
            data={"filters": filters.used(), "page": page.number},
        )
    status = 400 if request.GET and not form.is_valid() else 200
    return render(request, "audit/search.html", {"form": form, "page": page}, status=status)


@login_required
@require_GET
def export(request: HttpRequest, export_format: str) -> HttpResponse:
    """Stream the entries matching the search criteria as CSV or JSON lines (auditors only)."""
    _require_auditor(request)
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        return render(request, "audit/search.html", {"form": form, "page": None}, status=400)
    filters = form.to_filters()
    services.audit_record(
        actor=request.user,  # type: ignore[arg-type]
        action="audit.exported",
        request=request,
        data={"filters": filters.used(), "format": export_format},
    )
    entries = selectors.audit_entry_stream(actor=request.user, filters=filters)
    content_type = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}
    response = StreamingHttpResponse(
        exports.export_lines(entries, export_format=export_format),
        content_type=content_type[export_format],
    )
    response["Content-Disposition"] = f'attachment; filename="audit.{export_format}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Verify the hash chain and its signed checkpoints on request (POST) and name the first
    broken entry and the checkpoint the database contradicts (auditors)."""
    _require_auditor(request)
    result = None
    if request.method == "POST":
        result = trail_verify()
        services.audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action="audit.verified",
            request=request,
            data={
                "ok": result.ok,
                "checked": result.checked,
                "first_broken_sequence": result.first_broken_sequence,
                "problem": result.problem,
                "checkpoints": result.checkpoints_checked,
            },
        )
    return render(request, "audit/verify.html", {"result": result})
