"""Read-only admin for the audit trail, with a page that verifies the chain.

Nobody can add, change or delete entries here; viewing is for auditors (and platform
administrators) and is itself recorded as ``audit.searched``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from ecity.audit import selectors, services
from ecity.audit.checkpoints import trail_verify
from ecity.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    change_list_template = "admin/audit/auditentry/change_list.html"
    list_display = [
        "sequence",
        "occurred_at",
        "action",
        "actor_username",
        "object_type",
        "object_repr",
        "subject_username",
        "ip_address",
    ]
    list_filter = ["action", "object_type", ("occurred_at", admin.DateFieldListFilter)]
    search_fields = ["=actor_username", "=subject_username", "=object_id", "=request_id"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False
    list_select_related = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in AuditEntry._meta.fields]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return selectors.is_auditor(user=request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return selectors.is_auditor(user=request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict:
        return {}

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if self.has_view_permission(request):
            services.audit_record(
                actor=request.user,  # type: ignore[arg-type]
                action="audit.searched",
                request=request,
                data={"filters": sorted(request.GET.keys()), "admin": True},
            )
        return super().changelist_view(request, extra_context)

    def get_urls(self) -> list[URLPattern]:
        verify = path(
            "verify/",
            self.admin_site.admin_view(self.verify_view),
            name="audit_auditentry_verify",
        )
        return [verify, *super().get_urls()]

    def verify_view(self, request: HttpRequest) -> HttpResponse:
        """Run ``trail_verify`` on POST and show the result, naming the first broken entry."""
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
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
                    "checkpoints": result.checkpoints_checked,
                    "admin": True,
                },
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Verify the audit chain"),
            "result": result,
        }
        return TemplateResponse(request, "admin/audit/auditentry/verify.html", context)
