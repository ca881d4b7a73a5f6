"""Back-office view of the outbox: what was sent, what failed and why; retry failed rows."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ecity.core.masking import mask_email, mask_phone
from ecity.notify import services
from ecity.notify.models import Channel, DeliveryAttempt, Notification, NotificationPreference
from ecity.notify.registry import registered_events


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ("attempted_at", "outcome", "duration_ms", "error")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class EventFilter(admin.SimpleListFilter):
    """Filter by event, labelled with the words the sending apps declared."""

    title = _("event")
    parameter_name = "event"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        events = registered_events()
        return sorted(
            ((name, str(event.label)) for name, event in events.items()),
            key=lambda item: item[1],
        )

    def queryset(self, request: HttpRequest, queryset: QuerySet[Notification]) -> QuerySet:
        value = self.value()
        return queryset.filter(event=value) if value else queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "event_label",
        "channel",
        "reference",
        "recipient",
        "masked_address",
        "status",
        "attempts",
        "next_attempt_at",
    ]
    list_filter = ["status", "channel", EventFilter, "is_read"]
    search_fields = ["reference", "idempotency_key", "recipient__username", "public_id"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    inlines = [DeliveryAttemptInline]
    actions = ["retry_now"]
    fields = (
        "public_id",
        "event",
        "channel",
        "recipient",
        "masked_address",
        "object_type",
        "object_id",
        "reference",
        "language",
        "subject",
        "body",
        "link_path",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
        "is_read",
        "read_at",
        "idempotency_key",
        "created_at",
    )
    readonly_fields = fields

    @admin.display(description=_("event"), ordering="event")
    def event_label(self, obj: Notification) -> str:
        return obj.event_label

    @admin.display(description=_("address"))
    def masked_address(self, obj: Notification) -> str:
        if obj.channel == Channel.EMAIL:
            return mask_email(obj.to_address)
        return mask_phone(obj.to_address)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Viewable, never editable: the outbox is a record of what was sent.
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notify.change_notification")

    @admin.action(
        description=_("Retry now (failed or waiting e-mail and SMS)"),
        permissions=["retry"],
    )
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = 0
        for notification in queryset.exclude(channel=Channel.IN_APP).filter(
            status__in=[Notification.Status.FAILED, Notification.Status.PENDING]
        ):
            services.notification_retry(notification=notification)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d notification will be sent again shortly.",
                "%(count)d notifications will be sent again shortly.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "channel", "event_group", "is_enabled", "updated_at"]
    list_filter = ["channel", "event_group", "is_enabled"]
    search_fields = ["user__username", "user__real_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
