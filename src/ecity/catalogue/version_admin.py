"""Admin pages of versioned catalogue content (service guides, joint applications), shared.

Who may use them (catalogue editors: platform or department administrators), the read-only
list of an entry's versions, the entry admin that creates through a service (so that an entry
starts with draft version 1) and is deactivated rather than deleted, and the inlines that can be
changed only while their version is a draft. Each admin says only which department may edit an
entry (``can_edit``) and how one is created (``create``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from ecity.catalogue import selectors
from ecity.core.errors import ApplicationError
from ecity.org.selectors import is_platform_admin


def is_editor(request: HttpRequest) -> bool:
    """Whether the request's user edits the catalogue (platform or department administrator)."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    return is_platform_admin(user=user) or selectors.editable_department_list(user=user).exists()


def error_report(request: HttpRequest, error: ApplicationError, label: str) -> None:
    """Show ``error`` (with its field problems) as the admin's error message about ``label``."""
    details = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in error.fields.items())
    messages.error(request, f"{label}: {error.message}" + (f" ({details})" if details else ""))


class EditorPermissions:
    """Catalogue editors (platform or department administrators) may use these admin pages."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_editor(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_editor(request)


class VersionListInline(admin.TabularInline):
    """An entry's versions, read-only, each linking to its own page (set ``model``)."""

    fields = ["number", "status", "name_zh", "published_at", "published_by"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = gettext_lazy("versions")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VersionedEntryAdmin(EditorPermissions, admin.ModelAdmin):
    """The stable identity of versioned content: created through a service, never deleted."""

    def can_edit(self, request: HttpRequest, obj: Any) -> bool:
        """Whether the request's user may edit the entry ``obj`` (its department's editors)."""
        raise NotImplementedError

    def create(self, request: HttpRequest, obj: Any) -> Model:
        """Create the entry described by the unsaved ``obj`` through its service."""
        raise NotImplementedError

    @admin.display(description=gettext_lazy("name"))
    def current_name(self, obj: Any) -> str:
        return obj.current_version.name_zh if obj.current_version else "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_editor(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return is_editor(request)
        return self.can_edit(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivated, never deleted: its versions are history others refer to

    def active_set(self, request: HttpRequest, obj: Any) -> None:
        """Store ``obj.is_active`` as changed in the form (entries with a service override)."""
        obj.save(update_fields=["is_active", "updated_at"])

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            self.active_set(request, obj)
            return
        # New entries go through the service so that they start with draft version 1.
        created = self.create(request, obj)
        obj.pk = created.pk
        obj.public_id = created.public_id
        obj._state.adding = False


class DraftOnlyInline(admin.StackedInline):
    """Inlines of a version that can be changed only while the version is a draft."""

    extra = 0

    def can_edit_version(self, request: HttpRequest, version: Any) -> bool:
        """Whether the request's user may edit ``version``'s entry (its department's editors)."""
        raise NotImplementedError

    def _editable(self, request: HttpRequest, obj: Any) -> bool:
        if obj is None:
            return is_editor(request)
        return obj.is_draft and self.can_edit_version(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_editor(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(request, obj)


class VersionAdmin(EditorPermissions, admin.ModelAdmin):
    """Versions: made by "create a new draft" (never added here); only drafts change or go."""

    def can_edit_version(self, request: HttpRequest, version: Any) -> bool:
        """Whether the request's user may edit ``version``'s entry (its department's editors)."""
        raise NotImplementedError

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # drafts come from "create a new draft" or from adding an entry

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return is_editor(request)
        return obj.is_draft and self.can_edit_version(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return False  # no bulk delete: it would bypass the draft-only rule
        return obj.is_draft and self.can_edit_version(request, obj)
