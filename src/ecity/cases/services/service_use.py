"""How much each service is used: its applications of the last 90 days, for search's ranking."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from ecity.cases.models import Case
from ecity.catalogue.services import item_use_record

#: The window of applications that count as "recent use".
USE_WINDOW = dt.timedelta(days=90)


def service_use_record(*, now: dt.datetime | None = None) -> int:
    """Count each service item's applications submitted in the last 90 days and record them on
    the items (``catalogue.services.item_use_record``: changed items are reindexed).

    Every application counts once, whatever became of it (a refused application is still use).
    Returns the number of items whose count changed. Run by the job ``cases.service_use``.
    """
    since = (now or timezone.now()) - USE_WINDOW
    counts = (
        Case.objects.filter(submitted_at__gte=since)
        .values("service_version__item__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    return item_use_record(
        applications={row["service_version__item__code"]: row["n"] for row in counts}
    )
