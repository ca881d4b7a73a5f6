"""Reads of the portal: what the home page shows."""

from __future__ import annotations

from django.db.models import QuerySet

from ecity.catalogue import selectors as catalogue_selectors
from ecity.catalogue.models import ServiceItem


def recent_item_list(*, limit: int = 6) -> QuerySet[ServiceItem]:
    """List the ``limit`` most recently published public services, newest first.

    Public data: no permission filtering beyond the catalogue's "published and active" rule.
    ``current_version`` and ``department`` are joined (one query).
    """
    items = catalogue_selectors.published_item_list().order_by(
        "-current_version__published_at", "code"
    )
    return items[:limit]
