"""Admin for lock-outs and second-factor devices; the admin site logs in through our login page.

The admin's own login form would skip the lock-out and the second factor, so ``admin.site.login``
sends people to ``identity:login?next=…`` instead. Imported by ``ecity.identity.admin``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecity.core.errors import ApplicationError
from ecity.core.redirects import safe_redirect_url
from ecity.identity.models import AccountLockout, LoginFailure, MfaDevice
from ecity.identity.security import lockout, mfa


def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """Replace the admin's login form with ecity's (lock-out, second factor)."""
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        # Logged in but not staff: sending them to the login page would loop back here.
        raise DjangoPermissionDenied
    target = safe_redirect_url(request, request.GET.get("next"), fallback=reverse("admin:index"))
    return HttpResponseRedirect(f"{reverse('identity:login')}?{urlencode({'next': target})}")


admin.site.login = admin_login  # type: ignore[method-assign]


class _PlatformAdminOnly:
    """Visible to platform administrators (superusers) only, never editable by hand."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccountLockout)
class AccountLockoutAdmin(_PlatformAdminOnly, admin.ModelAdmin):
    list_display = ["user", "is_locked_now", "locked_until", "failed_count", "lock_count"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__real_name"]
    actions = ["unlock_selected"]

    @admin.display(boolean=True, description=_("locked now"))
    def is_locked_now(self, obj: AccountLockout) -> bool:
        return obj.is_locked(timezone.now())

    @admin.action(description=_("Unlock the selected accounts"))
    def unlock_selected(self, request: HttpRequest, queryset: QuerySet[AccountLockout]) -> None:
        unlocked = 0
        for state in queryset.select_related("user"):
            try:
                if lockout.account_unlock(actor=request.user, user=state.user, request=request):  # type: ignore[arg-type]
                    unlocked += 1
            except ApplicationError as error:
                messages.error(request, error.message)
                return
        messages.success(request, _("%(count)d accounts unlocked.") % {"count": unlocked})


@admin.register(MfaDevice)
class MfaDeviceAdmin(_PlatformAdminOnly, admin.ModelAdmin):
    list_display = ["user", "confirmed_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__real_name"]
    fields = ["user", "confirmed_at", "last_used_at"]  # never the secret
    readonly_fields = ["user", "confirmed_at", "last_used_at"]
    actions = ["reset_selected"]

    @admin.action(description=_("Reset two-step verification (lost phone)"))
    def reset_selected(self, request: HttpRequest, queryset: QuerySet[MfaDevice]) -> None:
        count = 0
        for device in queryset.select_related("user"):
            try:
                mfa.mfa_reset(actor=request.user, user=device.user, request=request)  # type: ignore[arg-type]
            except ApplicationError as error:
                messages.error(request, error.message)
                return
            count += 1
        messages.success(
            request, _("Two-step verification reset for %(count)d accounts.") % {"count": count}
        )


@admin.register(LoginFailure)
class LoginFailureAdmin(_PlatformAdminOnly, admin.ModelAdmin):
    list_display = ["occurred_at", "ip_address", "user", "step"]
    list_filter = ["step"]
    list_select_related = ["user"]
    search_fields = ["ip_address", "user__username"]
    date_hierarchy = "occurred_at"
