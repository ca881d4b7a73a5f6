"""Publishing the monthly rankings: a month's numbers are frozen once it has ended."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from ecity.cases.models import RankingEntry, RankingPublication
from ecity.cases.selectors.rankings import (
    LEVEL_FIELDS,
    department_rankings,
    month_start,
    months_to_publish,
)


def ranking_month_publish(*, month: dt.date) -> RankingPublication:
    """Freeze the ranking of the ended ``month`` (computed now) as its publication.

    Idempotent: a month already published is returned unchanged (also when a concurrent run
    published it first). Refuses the current or a future month (``ValueError``: a programming
    error, its numbers still move). No permission check: run by the job ``cases.rankings``.
    """
    month = month_start(month)
    if month >= month_start(timezone.localdate()):
        raise ValueError(f"{month:%Y-%m} has not ended yet")
    existing = RankingPublication.objects.filter(month=month).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            publication = RankingPublication.objects.create(
                month=month, published_at=timezone.now()
            )
            RankingEntry.objects.bulk_create(
                RankingEntry(
                    publication=publication,
                    department=row.department,
                    rank=row.rank,
                    ratings=row.ratings,
                    excluded=row.excluded,
                    satisfaction_rate=row.satisfaction_rate,
                    decided=row.decided,
                    on_time=row.on_time,
                    on_time_rate=row.on_time_rate,
                    **{name: getattr(row, name) for name in LEVEL_FIELDS.values()},
                )
                for row in department_rankings(month=month)
            )
    except IntegrityError:
        return RankingPublication.objects.get(month=month)
    return publication


def rankings_publish_due() -> int:
    """Publish every ended month not published yet; return how many were published."""
    months = months_to_publish()
    for month in months:
        ranking_month_publish(month=month)
    return len(months)
