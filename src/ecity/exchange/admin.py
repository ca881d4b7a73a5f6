"""Admin of the service registry: read-only lists; changes go through the services' actions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecity.core.errors import ApplicationError
from ecity.exchange.connection_test import service_connection_test
from ecity.exchange.models import AccessRight, CallRecord, Service
from ecity.exchange.services.access import access_right_revoke


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Service)
class ServiceAdmin(_ReadOnly):
    list_display = ["identifier", "title_zh", "kind", "base_url", "is_enabled"]
    list_filter = ["kind", "is_enabled"]
    search_fields = ["identifier", "title_zh", "title_en"]
    actions = ["test_connection"]

    @admin.action(description=gettext_lazy("Test the connection to the provider"))
    def test_connection(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        for service in queryset.select_related("provider"):
            report = service_connection_test(service=service)
            if report.is_reachable:
                self.message_user(
                    request,
                    _("%(service)s: HTTP %(status)s in %(ms)s ms %(tls)s")
                    % {
                        "service": service.identifier,
                        "status": report.status_code,
                        "ms": report.latency_ms,
                        "tls": report.tls_version,
                    },
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    _("%(service)s is unreachable: %(error)s")
                    % {"service": service.identifier, "error": report.error},
                    messages.ERROR,
                )


@admin.register(AccessRight)
class AccessRightAdmin(_ReadOnly):
    list_display = ["client", "service", "endpoint", "valid_from", "valid_until", "revoked_at"]
    list_select_related = ["client", "service", "endpoint"]
    actions = ["revoke"]

    @admin.action(description=gettext_lazy("Revoke the selected access rights"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[AccessRight]) -> None:
        for right in queryset.select_related("client", "service__provider__member"):
            try:
                access_right_revoke(actor=request.user, right=right)  # type: ignore[arg-type]
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)


@admin.register(CallRecord)
class CallRecordAdmin(_ReadOnly):
    list_display = [
        "client_request_at",
        "client",
        "service_identifier",
        "status_code",
        "fault_code",
        "duration_ms",
    ]
    list_filter = ["status_code", "fault_code"]
    search_fields = ["message_id", "client", "service_identifier"]
