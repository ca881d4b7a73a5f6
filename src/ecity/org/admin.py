"""Back-office administration of regions and departments (platform administrators).

Staff roles are granted and revoked through ``identity`` (account administration, audited).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from ecity.org.models import Department, Region, StaffRole
from ecity.org.selectors import departments_where, is_platform_admin


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name_zh", "name_en"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "short_name", "parent", "region", "is_active", "sort_order"]
    list_filter = ["is_active", "region__level", "region"]
    search_fields = ["code", "name_zh", "name_en", "short_name"]
    list_select_related = ["parent", "region"]
    autocomplete_fields = ["parent", "region"]

    # A department administrator chooses the department of a role grant through this admin's
    # search (the staff role form's autocomplete): there, and only there, they may search the
    # departments they administer (sub-units included).
    def _is_autocomplete(self, request: HttpRequest) -> bool:
        return request.path.rstrip("/").endswith("/autocomplete")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if super().has_view_permission(request, obj):
            return True
        return (
            obj is None
            and self._is_autocomplete(request)
            and departments_where(user=request.user, role=StaffRole.Role.DEPARTMENT_ADMIN).exists()
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Department]:
        queryset = super().get_queryset(request)
        if is_platform_admin(user=request.user) or not self._is_autocomplete(request):
            return queryset
        administered = departments_where(user=request.user, role=StaffRole.Role.DEPARTMENT_ADMIN)
        return queryset.filter(pk__in=administered.values("pk"), is_active=True)
