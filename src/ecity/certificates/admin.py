"""Admin: certificate types are configured here; keys and certificates are read-only."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ecity.certificates.models import Certificate, CertificateType


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services: viewable, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CertificateType)
class CertificateTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "department", "validity_years", "validity_days", "is_active"]
    list_filter = ["is_active", "department"]
    search_fields = ["code", "name_zh", "name_en"]
    filter_horizontal = ["service_items"]
    autocomplete_fields = ["department"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["identifier", "type_name", "holder_name", "issued_on", "valid_until", "status"]
    list_filter = ["status", "type"]
    search_fields = ["identifier", "holder_name", "source_label"]
    date_hierarchy = "issued_on"
    exclude = ["data_labels"]
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [f.name for f in Certificate._meta.fields if f.name != "data_labels"]

    @admin.action(description=_("Revoke (opens the revocation form)"))
    def revoke(
        self, request: HttpRequest, queryset: QuerySet[Certificate]
    ) -> HttpResponseRedirect | None:
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one certificate."), messages.WARNING)
            return None
        certificate = queryset.get()
        return HttpResponseRedirect(
            reverse("certificates:revoke", kwargs={"identifier": certificate.identifier})
        )
