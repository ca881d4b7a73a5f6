"""Administration of the kernel: working-day calendar, USCC allow-list, event outbox, key vault."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.utils import formats
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ecity.core import vault
from ecity.core.calendar import (
    calendar_changed,
    calendar_year_ensure,
    invalidate_cache,
    upcoming_years_without_official_data,
)
from ecity.core.errors import ApplicationError
from ecity.core.events import delivery_replay
from ecity.core.models import (
    CalendarDay,
    CalendarYear,
    EventDelivery,
    OutboxEvent,
    SigningKey,
    UsccAllowListEntry,
)


def _warn_missing_years(request: HttpRequest) -> None:
    missing = upcoming_years_without_official_data()
    if missing:
        messages.warning(
            request,
            gettext(
                "No complete official holiday arrangement for %(years)s: working days there "
                "are Monday to Friday, plus any days entered here. Enter the State Council's "
                "arrangement when it is published and mark the year complete."
            )
            % {"years": ", ".join(str(year) for year in missing)},
        )


class _YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "name", "note"]
    list_filter = [_YearFilter, "kind"]
    search_fields = ["name", "note"]
    fields = ["date", "kind", "name", "note"]
    ordering = ["-date"]

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj: CalendarDay) -> str:
        return formats.date_format(obj.date, "l")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        _warn_missing_years(request)
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        years = {obj.date.year}
        previous = form.initial.get("date") if change else None
        if previous:
            years.add(previous.year)  # a day moved to another year changes both
        super().save_model(request, obj, form, change)
        calendar_year_ensure(year=obj.date.year)
        invalidate_cache()
        calendar_changed(years=years)

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        super().delete_model(request, obj)
        invalidate_cache()
        calendar_changed(years=[obj.date.year])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        years = {day.year for day in queryset.values_list("date", flat=True)}
        super().delete_queryset(request, queryset)
        invalidate_cache()
        calendar_changed(years=years)


def _count_of(kind: str) -> Coalesce:
    days = (
        CalendarDay.objects.filter(date__year=OuterRef("year"), kind=kind)
        .order_by()
        .values("kind")
        .annotate(total=Count("id"))
        .values("total")
    )
    return Coalesce(Subquery(days, output_field=IntegerField()), 0)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "is_complete", "holiday_count", "workday_count", "updated_at"]
    list_filter = ["source", "is_complete"]
    fields = ["year", "source", "is_complete", "note"]
    readonly_fields = ["source"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CalendarYear]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                holiday_total=_count_of(CalendarDay.Kind.HOLIDAY),
                workday_total=_count_of(CalendarDay.Kind.ADJUSTED_WORKDAY),
            )
        )

    @admin.display(description=_("holidays"), ordering="holiday_total")
    def holiday_count(self, obj: Any) -> int:
        return obj.holiday_total

    @admin.display(description=_("adjusted working days"), ordering="workday_total")
    def workday_count(self, obj: Any) -> int:
        return obj.workday_total

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        _warn_missing_years(request)
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: Any, change: bool) -> None:
        if not change:
            obj.source = CalendarYear.Source.ADMINISTRATOR
        super().save_model(request, obj, form, change)
        calendar_changed(years=[obj.year])


@admin.register(UsccAllowListEntry)
class UsccAllowListEntryAdmin(admin.ModelAdmin):
    list_display = ["uscc", "reason", "added_by", "created_at"]
    search_fields = ["uscc", "reason"]
    fields = ["uscc", "reason", "added_by"]
    readonly_fields = ["added_by"]

    def save_model(
        self, request: HttpRequest, obj: UsccAllowListEntry, form: Any, change: bool
    ) -> None:
        if not change and request.user.is_authenticated:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by ``ecity.core.events``; the admin looks and replays, never edits."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _DeliveryInline(admin.TabularInline):
    model = EventDelivery
    fields = ["handler", "status", "attempts", "next_attempt_at", "delivered_at"]
    readonly_fields = ["handler", "status", "attempts", "next_attempt_at", "delivered_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(_ReadOnlyAdmin):
    # The data is not shown: it may hold personal data (it is encrypted at rest).
    list_display = ["name", "subject", "key", "created_at"]
    list_filter = ["name"]
    search_fields = ["subject", "key"]
    fields = ["name", "subject", "key", "created_at"]
    readonly_fields = ["name", "subject", "key", "created_at"]
    inlines = [_DeliveryInline]
    date_hierarchy = "created_at"


@admin.register(EventDelivery)
class EventDeliveryAdmin(_ReadOnlyAdmin):
    list_display = [
        "event_name",
        "event_subject",
        "handler",
        "status",
        "attempts",
        "next_attempt_at",
        "error_summary",
    ]
    list_filter = ["status", "handler", "event__name"]
    search_fields = ["event__subject", "event__key", "handler", "last_error"]
    fields = [
        "event_name",
        "event_subject",
        "event_key",
        "handler",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "last_error",
    ]
    readonly_fields = [
        "event_name",
        "event_subject",
        "event_key",
        "handler",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "last_error",
    ]
    list_select_related = ["event"]
    actions = ["replay"]

    @admin.display(description=_("event"), ordering="event__name")
    def event_name(self, obj: EventDelivery) -> str:
        return obj.event.name

    @admin.display(description=_("subject"))
    def event_subject(self, obj: EventDelivery) -> str:
        return obj.event.subject

    @admin.display(description=_("idempotency key"))
    def event_key(self, obj: EventDelivery) -> str:
        return obj.event.key

    @admin.display(description=_("last error"))
    def error_summary(self, obj: EventDelivery) -> str:
        # The last line of a traceback names the exception; the full text is on the detail page.
        lines = [line for line in obj.last_error.strip().splitlines() if line.strip()]
        return lines[-1][:200] if lines else ""

    @admin.action(description=_("Replay the selected deliveries"), permissions=["change"])
    def replay(self, request: HttpRequest, queryset: QuerySet[EventDelivery]) -> None:
        chosen = list(queryset.exclude(status=EventDelivery.Status.DONE))
        count = delivery_replay(deliveries=queryset, actor=request.user)
        # Audited by the service; the admin log shows it on each delivery's history too.
        for delivery in chosen:
            self.log_change(request, delivery, gettext("Replayed"))
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery queued again.",
                "%(count)d deliveries queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    """The vault's keys, read-only (public halves); rotation per purpose as an action."""

    list_display = ["kid", "purpose", "algorithm", "status", "created_at", "retired_at"]
    list_filter = ["purpose", "status", "algorithm"]
    search_fields = ["kid"]
    fields = ("purpose", "kid", "algorithm", "status", "public_key", "created_at", "retired_at")
    readonly_fields = fields
    actions = ["rotate"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SigningKey]:
        return super().get_queryset(request).defer("private_key")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(
        description=_("Rotate: make a new current key for the purposes of the selected keys"),
        permissions=["view"],
    )
    def rotate(self, request: HttpRequest, queryset: QuerySet[SigningKey]) -> None:
        if not request.user.is_superuser:
            self.message_user(
                request, gettext("Only a superuser can rotate signing keys."), messages.ERROR
            )
            return
        for purpose in sorted(set(queryset.values_list("purpose", flat=True))):
            try:
                key = vault.key_rotate(purpose=purpose, actor=request.user)
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)
                continue
            self.message_user(
                request,
                gettext("New current %(purpose)s key: %(key)s")
                % {"purpose": purpose, "key": key.kid},
                messages.SUCCESS,
            )
