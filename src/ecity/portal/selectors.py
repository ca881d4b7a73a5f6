"""Reads of the portal: what the home page shows."""

from __future__ import annotations

from django.db.models import QuerySet

from ecity.catalogue import selectors as catalogue_selectors
from ecity.catalogue.models import ServiceItem
from ecity.org.models import Department


def recent_item_list(*, limit: int = 6) -> QuerySet[ServiceItem]:
    """List the ``limit`` most recently published public services, newest first.

    Public data: no permission filtering beyond the catalogue's "published and active" rule.
    ``current_version`` and ``department`` are joined (one query).
    """
    items = catalogue_selectors.published_item_list().order_by(
        "-current_version__published_at", "code"
    )
    return items[:limit]


def city_data_exists() -> bool:
    """Whether the database already holds departments or service items (demo or real ones)."""
    return Department.objects.exists() or ServiceItem.objects.exists()
