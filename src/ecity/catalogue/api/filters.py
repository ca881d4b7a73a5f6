"""django-filter FilterSets of the catalogue API; the rules themselves live in the selectors."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ecity.catalogue import selectors
from ecity.catalogue.models import Audience, LifeEvent, ServiceItem, ServiceItemVersion, Theme


def _by(queryset: QuerySet[ServiceItem], name: str, value: Any) -> QuerySet[ServiceItem]:
    return selectors.filter_published_items(queryset, **{name: value})


class ItemFilter(django_filters.FilterSet):
    theme = django_filters.CharFilter(method=_by, help_text=_("Theme code."))
    life_event = django_filters.CharFilter(method=_by, help_text=_("Life event code."))
    department = django_filters.CharFilter(method=_by, help_text=_("Department code."))
    audience = django_filters.ChoiceFilter(choices=Audience.choices, method=_by)
    kind = django_filters.ChoiceFilter(choices=ServiceItemVersion.Kind.choices, method=_by)
    q = django_filters.CharFilter(
        method=_by, help_text=_("Text in the code, name or summary (Chinese or English).")
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("code", "code"),
            ("current_version__name_zh", "name"),
            ("current_version__published_at", "published_at"),
            ("current_version__committed_days", "committed_days"),
        )
    )

    class Meta:
        model = ServiceItem
        fields: list[str] = []


class AudienceFilter(django_filters.FilterSet):
    audience = django_filters.ChoiceFilter(choices=Audience.choices)


class ThemeFilter(AudienceFilter):
    class Meta:
        model = Theme
        fields = ["audience"]


class LifeEventFilter(AudienceFilter):
    class Meta:
        model = LifeEvent
        fields = ["audience"]
