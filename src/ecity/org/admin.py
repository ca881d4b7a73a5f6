"""Back-office administration of regions and departments (platform administrators).

Staff roles are granted and revoked through ``identity`` (account administration, audited).
"""

from __future__ import annotations

from django.contrib import admin

from ecity.org.models import Department, Region


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
