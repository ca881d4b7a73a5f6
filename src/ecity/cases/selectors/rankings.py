"""Monthly rankings of the departments (好差评 and 按时办结): computed live, or as published.

For one month (local time, ``ECITY_TIME_ZONE``) and each department that was rated or decided a
case in it:

* ratings: the ratings of cases the department leads, given in the month, by level; a rating
  whose appeal was upheld (``Rating.is_excluded``) is left out and counted apart (``excluded``);
* satisfaction rate: the ratings "very satisfied", "satisfied" and "fairly satisfied" (好评) out of
  the ratings counted, in per cent with one decimal;
* on-time rate: of the cases the department decided in the month (approved or not, after
  acceptance) that had a committed time limit, those decided on or before it, in per cent.

Departments are ranked by satisfaction rate, then on-time rate (higher first; a department
without ratings or without limited cases comes after those with); equal pairs share a rank.
A month that has ended is published once (``services.rankings.ranking_month_publish``, run by the
job ``cases.rankings``) and then read from the publication, so its numbers do not move.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from ecity.cases.models import Case, RankingEntry, RankingPublication, Rating
from ecity.org.models import Department

LEVEL_FIELDS = {
    Rating.Level.VERY_SATISFIED: "very_satisfied",
    Rating.Level.SATISFIED: "satisfied",
    Rating.Level.FAIRLY_SATISFIED: "fairly_satisfied",
    Rating.Level.DISSATISFIED: "dissatisfied",
    Rating.Level.VERY_DISSATISFIED: "very_dissatisfied",
}
GOOD_LEVELS = (
    Rating.Level.VERY_SATISFIED,
    Rating.Level.SATISFIED,
    Rating.Level.FAIRLY_SATISFIED,
)


@dataclass
class RankingRow:
    """One department's line of a monthly ranking."""

    department: Department
    rank: int = 0
    ratings: int = 0
    very_satisfied: int = 0
    satisfied: int = 0
    fairly_satisfied: int = 0
    dissatisfied: int = 0
    very_dissatisfied: int = 0
    excluded: int = 0
    satisfaction_rate: Decimal | None = None
    decided: int = 0
    on_time: int = 0
    on_time_rate: Decimal | None = None


@dataclass
class Ranking:
    """The ranking of one month: published (frozen) or computed now (``published_at`` None)."""

    month: dt.date
    rows: list[RankingRow] = field(default_factory=list)
    published_at: dt.datetime | None = None


def month_start(day: dt.date) -> dt.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    """The first day of the month after ``month``."""
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month as aware datetimes ``[start, end)`` in the platform's time zone."""
    start = timezone.make_aware(dt.datetime.combine(month_start(month), dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(next_month(month_start(month)), dt.time.min))
    return start, end


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _ranked(rows: list[RankingRow]) -> list[RankingRow]:
    """Sort and number ``rows`` (equal satisfaction and on-time rates share a rank)."""

    def score(row: RankingRow) -> tuple[int, Decimal, int, Decimal]:
        return (
            row.satisfaction_rate is not None,
            row.satisfaction_rate or Decimal(0),
            row.on_time_rate is not None,
            row.on_time_rate or Decimal(0),
        )

    rows.sort(key=lambda r: (r.department.sort_order, r.department.code))
    rows.sort(key=score, reverse=True)
    previous = None
    for position, row in enumerate(rows, start=1):
        if previous is None or score(row) != score(previous):
            row.rank = position
        else:
            row.rank = previous.rank
        previous = row
    return rows


def department_rankings(*, month: dt.date) -> list[RankingRow]:
    """Compute the ranking of ``month`` now (rules in the module docstring); public data.

    Two aggregate queries and one for the departments, whatever the number of cases.
    """
    start, end = _bounds(month)
    rows: dict[int, RankingRow] = {}
    departments: dict[int, Department] = {}

    def row_for(department_id: int) -> RankingRow:
        if department_id not in rows:
            rows[department_id] = RankingRow(department=Department(pk=department_id))
        return rows[department_id]

    counted = Q(is_excluded=False)
    rating_counts = (
        Rating.objects.filter(created_at__gte=start, created_at__lt=end)
        .values(department_id=F("case__department_id"))
        .annotate(
            excluded=Count("id", filter=Q(is_excluded=True)),
            **{
                name: Count("id", filter=counted & Q(level=level))
                for level, name in LEVEL_FIELDS.items()
            },
        )
        .order_by()
    )
    for values in rating_counts:
        row = row_for(values["department_id"])
        row.excluded = values["excluded"]
        for name in LEVEL_FIELDS.values():
            setattr(row, name, values[name])
        row.ratings = sum(values[name] for name in LEVEL_FIELDS.values())
        good = sum(values[LEVEL_FIELDS[level]] for level in GOOD_LEVELS)
        row.satisfaction_rate = _percent(good, row.ratings)

    tz = timezone.get_current_timezone()
    decided = (
        Case.objects.filter(
            status__in=(Case.Status.APPROVED, Case.Status.REJECTED),
            accepted_at__isnull=False,
            decided_at__gte=start,
            decided_at__lt=end,
        )
        .annotate(decided_on=TruncDate("decided_at", tzinfo=tz))
        .values("department_id")
        .annotate(
            decided=Count("id"),
            with_limit=Count("id", filter=Q(committed_due_on__isnull=False)),
            on_time=Count("id", filter=Q(decided_on__lte=F("committed_due_on"))),
        )
        .order_by()
    )
    for values in decided:
        row = row_for(values["department_id"])
        row.decided = values["decided"]
        row.on_time = values["on_time"]
        row.on_time_rate = _percent(values["on_time"], values["with_limit"])

    departments = Department.objects.in_bulk(list(rows))
    for department_id, row in rows.items():
        row.department = departments[department_id]
    return _ranked(list(rows.values()))


def _entry_row(entry: RankingEntry) -> RankingRow:
    values = {name: getattr(entry, name) for name in LEVEL_FIELDS.values()}
    return RankingRow(
        department=entry.department,
        rank=entry.rank,
        ratings=entry.ratings,
        excluded=entry.excluded,
        satisfaction_rate=entry.satisfaction_rate,
        decided=entry.decided,
        on_time=entry.on_time,
        on_time_rate=entry.on_time_rate,
        **values,
    )


def ranking_for_month(*, month: dt.date) -> Ranking:
    """The ranking of ``month``: as published when it was, else computed now. Public data."""
    month = month_start(month)
    publication = RankingPublication.objects.filter(month=month).first()
    if publication is None:
        return Ranking(month=month, rows=department_rankings(month=month))
    entries = publication.entries.select_related("department").order_by("rank", "id")
    return Ranking(
        month=month,
        rows=[_entry_row(entry) for entry in entries],
        published_at=publication.published_at,
    )


def ranking_months(*, today: dt.date | None = None) -> list[dt.date]:
    """The months a reader may choose: the current one and every published one, newest first."""
    current = month_start(today or timezone.localdate())
    published = set(RankingPublication.objects.values_list("month", flat=True))
    return sorted(published | {current}, reverse=True)


def months_to_publish(*, today: dt.date | None = None) -> list[dt.date]:
    """The ended months not published yet, oldest first.

    After the latest publication: every month up to the previous one. Before the first
    publication: from the month of the first rating or decision (looked up only then).
    """
    current = month_start(today or timezone.localdate())
    latest = RankingPublication.objects.order_by("-month").values_list("month", flat=True).first()
    if latest is not None:
        month = next_month(latest)
    else:
        firsts = [
            Rating.objects.aggregate(first=Min("created_at"))["first"],
            Case.objects.filter(decided_at__isnull=False).aggregate(first=Min("decided_at"))[
                "first"
            ],
        ]
        starts = [month_start(timezone.localdate(first)) for first in firsts if first is not None]
        if not starts:
            return []
        month = min(starts)
    months = []
    while month < current:
        months.append(month)
        month = next_month(month)
    return months
