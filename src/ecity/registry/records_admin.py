"""Back-office pages of the base registries: read-only and masked, for data administrators.

Persons, legal entities and conflicts are written only by ``ecity.registry.services.records``
(the authority resolves conflicts with actions calling ``services.disputes.conflict_resolve``);
these pages show them, with each attribute's provenance and the change log, to platform and
department administrators (``selectors.records.is_data_administrator``). Personal values
(names, ID numbers, phone numbers, addresses, dates of birth) are shown masked, so opening a
page reads no personal data in full and is not audited. The export action
(``services.record_exports``) gives personal values in full only to the data element's
authority department or a department holding a sharing grant for it, and is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ecity.core.errors import ApplicationError
from ecity.org import selectors as org_selectors
from ecity.org.models import StaffRole
from ecity.registry.attributes import record_kind, value_shown
from ecity.registry.models import (
    LegalEntityRecord,
    Person,
    RecordAttribute,
    RecordChange,
    RecordConflict,
)
from ecity.registry.selectors.records import is_data_administrator
from ecity.registry.services.disputes import conflict_resolve
from ecity.registry.services.record_exports import records_export_csv

# Every field is read-only: the services write records.
ATTRIBUTE_FIELDS: tuple[str, ...] = (
    "attribute",
    "data_element",
    "is_authoritative",
    "source",
    "department",
)
CHANGE_FIELDS: tuple[str, ...] = (
    "version",
    "attribute",
    "old_shown",
    "new_shown",
    "is_authoritative",
    "source",
    "source_reference",
    "department",
    "changed_at",
)
PERSON_FIELDS: tuple[str, ...] = (
    "name_shown",
    "id_number_shown",
    "sex",
    "ethnic_group",
    "birth_shown",
    "address_shown",
    "phone_shown",
    "region_code",
    "is_linked",
    "version",
    "created_at",
    "updated_at",
)
LEGAL_ENTITY_FIELDS: tuple[str, ...] = (
    "uscc",
    "name",
    "entity_type",
    "legal_representative_name",
    "representative_id_shown",
    "industry_code",
    "registered_address",
    "established_on",
    "status",
    "is_linked",
    "version",
    "created_at",
    "updated_at",
)
CONFLICT_FIELDS: tuple[str, ...] = (
    "record_shown",
    "attribute",
    "data_element",
    "authoritative_shown",
    "authoritative_source",
    "authoritative_department",
    "proposed_shown",
    "proposed_source",
    "proposed_source_reference",
    "proposed_department",
    "status",
    "resolution",
    "resolved_by",
    "created_at",
    "resolved_at",
)


def _kind(obj: RecordChange | RecordConflict) -> str:
    return record_kind(obj)


class _ReadOnly:
    """View permission for data administrators; nobody adds, changes or deletes here."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and is_data_administrator(user=user))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _AttributeInline(_ReadOnly, admin.TabularInline):
    model = RecordAttribute
    extra = 0
    can_delete = False
    fields = readonly_fields = ATTRIBUTE_FIELDS
    verbose_name_plural = _("provenance of the current values")


class _ChangeInline(_ReadOnly, admin.TabularInline):
    model = RecordChange
    extra = 0
    can_delete = False
    fields = readonly_fields = CHANGE_FIELDS
    ordering = ["-version", "attribute"]
    verbose_name_plural = _("change log")

    @admin.display(description=_("old value"))
    def old_shown(self, obj: RecordChange) -> str:
        return value_shown(kind=_kind(obj), attribute=obj.attribute, text=obj.old_value)

    @admin.display(description=_("new value"))
    def new_shown(self, obj: RecordChange) -> str:
        return value_shown(kind=_kind(obj), attribute=obj.attribute, text=obj.new_value)


class PersonAttributeInline(_AttributeInline):
    fk_name = "person"


class PersonChangeInline(_ChangeInline):
    fk_name = "person"


class LegalEntityAttributeInline(_AttributeInline):
    fk_name = "legal_entity"


class LegalEntityChangeInline(_ChangeInline):
    fk_name = "legal_entity"


def _export(request: HttpRequest, queryset: QuerySet, kind: str) -> HttpResponse | None:
    """The selected records as CSV for the user's department (``records_export_csv``)."""
    departments = org_selectors.departments_where(
        user=request.user, role=StaffRole.Role.DEPARTMENT_ADMIN
    )
    # A platform administrator exports for no department (personal values masked); a
    # department administrator for the first of their own departments.
    department = (
        None
        if org_selectors.is_platform_admin(user=request.user)
        else departments.order_by("code").first()
    )
    try:
        content = records_export_csv(
            actor=request.user, department=department, records=queryset.order_by("pk"), kind=kind
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return None
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-records.csv"'
    return response


_EXPORT_DESCRIPTION = _("Export the selected records (CSV; personal values only with a grant)")


def _shown(kind: str, attribute: str, value: Any) -> str:
    text = value.isoformat() if hasattr(value, "isoformat") else str(value or "")
    return value_shown(kind=kind, attribute=attribute, text=text)


@admin.register(Person)
class PersonAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["name_shown", "id_number_shown", "version", "is_linked", "updated_at"]
    fields = readonly_fields = PERSON_FIELDS
    inlines = [PersonAttributeInline, PersonChangeInline]
    actions = ["export_csv"]

    @admin.action(description=_EXPORT_DESCRIPTION)
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Person]) -> HttpResponse | None:
        return _export(request, queryset, "person")

    @admin.display(description=pgettext_lazy("person", "name"))
    def name_shown(self, obj: Person) -> str:
        return _shown("person", "name", obj.name)

    @admin.display(description=_("resident ID number"))
    def id_number_shown(self, obj: Person) -> str:
        return _shown("person", "id_number", obj.id_number)

    @admin.display(description=_("date of birth"))
    def birth_shown(self, obj: Person) -> str:
        return _shown("person", "birth_on", obj.birth_on)

    @admin.display(description=_("address"))
    def address_shown(self, obj: Person) -> str:
        return _shown("person", "address", obj.address)

    @admin.display(description=_("mobile phone"))
    def phone_shown(self, obj: Person) -> str:
        return _shown("person", "phone", obj.phone)

    @admin.display(description=_("account linked"), boolean=True)
    def is_linked(self, obj: Person) -> bool:
        return obj.account_id is not None


@admin.register(LegalEntityRecord)
class LegalEntityRecordAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["name", "uscc", "status", "version", "is_linked", "updated_at"]
    list_filter = ["status"]
    search_fields = ["name", "uscc"]
    fields = readonly_fields = LEGAL_ENTITY_FIELDS
    inlines = [LegalEntityAttributeInline, LegalEntityChangeInline]
    actions = ["export_csv"]

    @admin.action(description=_EXPORT_DESCRIPTION)
    def export_csv(
        self, request: HttpRequest, queryset: QuerySet[LegalEntityRecord]
    ) -> HttpResponse | None:
        return _export(request, queryset, "legal_entity")

    @admin.display(description=_("legal representative's ID number"))
    def representative_id_shown(self, obj: LegalEntityRecord) -> str:
        return _shown(
            "legal_entity", "legal_representative_id_number", obj.legal_representative_id_number
        )

    @admin.display(description=_("enterprise account linked"), boolean=True)
    def is_linked(self, obj: LegalEntityRecord) -> bool:
        return obj.enterprise_id is not None


@admin.register(RecordConflict)
class RecordConflictAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = [
        "record_shown",
        "attribute",
        "authoritative_department",
        "proposed_department",
        "status",
        "resolution",
        "created_at",
    ]
    list_filter = ["status", "authoritative_department", "proposed_department"]
    actions = ["take", "keep"]
    list_select_related = [
        "person",
        "legal_entity",
        "authoritative_department",
        "proposed_department",
    ]
    fields = readonly_fields = CONFLICT_FIELDS

    @admin.display(description=_("record"))
    def record_shown(self, obj: RecordConflict) -> str:
        return str(obj.record)

    @admin.display(description=_("authoritative value"))
    def authoritative_shown(self, obj: RecordConflict) -> str:
        return value_shown(kind=_kind(obj), attribute=obj.attribute, text=obj.authoritative_value)

    @admin.display(description=_("proposed value"))
    def proposed_shown(self, obj: RecordConflict) -> str:
        return value_shown(kind=_kind(obj), attribute=obj.attribute, text=obj.proposed_value)

    @admin.action(description=_("Take the proposed value"))
    def take(self, request: HttpRequest, queryset: QuerySet[RecordConflict]) -> None:
        _resolve_each(request, queryset, take=True)

    @admin.action(description=_("Keep the authoritative value"))
    def keep(self, request: HttpRequest, queryset: QuerySet[RecordConflict]) -> None:
        _resolve_each(request, queryset, take=False)


def _resolve_each(request: HttpRequest, queryset: QuerySet[RecordConflict], *, take: bool) -> None:
    """Resolve each conflict through ``conflict_resolve`` (which checks the authority)."""
    done = 0
    for conflict in queryset:
        try:
            conflict_resolve(actor=request.user, conflict=conflict, take=take)
        except ApplicationError as error:
            messages.error(request, f"{conflict}: {error.message}")
        else:
            done += 1
    if done:
        messages.success(request, gettext("%(count)d conflicts resolved.") % {"count": done})
