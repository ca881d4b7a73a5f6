"""Django admin of the hotline: the Open311 client systems and service attributes.

A client's API key is created only by the ``open311_client`` management command (it is shown
once); here a platform admin renames, deactivates or reactivates clients and edits the
questions (attributes) of each service.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from ecity.hotline.models import Open311Attribute, Open311Client
from ecity.org.selectors import is_platform_admin


class PlatformAdminOnly(admin.ModelAdmin):
    """Only platform administrators see and change these (least privilege)."""

    def _allowed(self, request: HttpRequest) -> bool:
        return bool(request.user.is_staff) and is_platform_admin(user=request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._allowed(request)


@admin.register(Open311Client)
class Open311ClientAdmin(PlatformAdminOnly):
    list_display = ("name", "key_prefix", "is_active", "last_used_at")
    list_filter = ("is_active",)
    fields = ("name", "key_prefix", "is_active", "last_used_at")
    readonly_fields = ("key_prefix", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # keys come from the management command, shown once

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # deactivate instead: the tickets keep their client


@admin.register(Open311Attribute)
class Open311AttributeAdmin(PlatformAdminOnly):
    list_display = ("category", "code", "datatype", "required", "order", "description")
    list_filter = ("datatype", "required")
    search_fields = ("code", "description", "category__code", "category__name_zh")
    raw_id_fields = ("category",)
