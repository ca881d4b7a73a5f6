"""The working-day calendar: which dates are working days, and arithmetic in working days.

A date is a working day when it is Monday to Friday, unless a ``CalendarDay`` row says
otherwise: a public holiday (no work, on any day) or an adjusted working day (work on a
Saturday or Sunday, 调休). Only these exceptions are stored; ``CalendarYear`` records where a
year's exceptions came from and whether they are the complete official arrangement.

Years for which nobody has entered data (``chinese-calendar`` knows 2004-2026; later years need
an administrator) fall back to "Monday to Friday", with any days an administrator has entered
honoured. No date ever raises because data is missing; ask ``years_without_official_data`` to
warn people instead.

Counting convention (the one used for statutory and committed time limits): the start date
itself never counts. ``add_working_days(d, 1)`` is the first working day after ``d``, and
``working_days_between(d, e)`` counts working days strictly after ``d`` up to and including
``e``. Going backwards is symmetrical (see the functions), so for every date ``d`` and integer
``n``: ``working_days_between(d, add_working_days(d, n)) == n``.

Changes: whoever changes a year's days (the admin, ``calendar_seed``) calls ``calendar_changed``,
which publishes the event ``calendar.changed`` (``{"years": [...]}``) through the outbox; the
workflow recomputes the deadlines of every registered subject type from it (a deadline counted
Monday to Friday in a year without official data moves when the holidays are entered).

Speed: each process keeps the exceptions of the years it has used in memory. Every call checks
one cheap fingerprint of the ``CalendarDay`` table (row count and latest ``updated_at``) so an
edit in any process (admin, seed) is seen at once by all of them; the year's rows are then
loaded with one query. For many computations in a row take a ``WorkingDayCalendar`` snapshot
(``working_day_calendar()``): its methods run without further queries for years already loaded.
Code that computes many dates through functions which take their own snapshots (deadlines of a
batch of tickets, each through ``workflow.clocks``) runs them inside ``calendar_snapshot()``:
there every snapshot taken is the same one, so the fingerprint is read once for the batch.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from ecity.core.events import event_publish
from ecity.core.models import CalendarDay, CalendarYear

#: Published when the working days of some years changed: ``data = {"years": [2027, ...]}``.
CALENDAR_CHANGED = "calendar.changed"

# date -> True for an adjusted working day, False for a holiday.
_YearExceptions = dict[dt.date, bool]

#: The furthest working-day arithmetic reaches (about 140 years). Time limits are bounded far
#: below this where they are entered; the bound here keeps a value that slipped past (an old
#: row, a direct edit) from looping for minutes or running off the end of the calendar.
MAX_WORKING_DAYS = 36_500

_lock = threading.Lock()


class WorkingDaysOutOfRange(ValueError):
    """A working-day count is larger than ``MAX_WORKING_DAYS`` (in either direction)."""


_cache_fingerprint: tuple[int, dt.datetime | None] | None = None
_cache_years: dict[int, _YearExceptions] = {}


def invalidate_cache() -> None:
    """Forget this process's cached calendar (other processes notice changes by themselves).

    Needed only after writes that bypass ``save()``/``delete()`` timestamps, such as
    ``QuerySet.update()`` on ``CalendarDay``.
    """
    global _cache_fingerprint, _cache_years
    with _lock:
        _cache_fingerprint = None
        _cache_years = {}


def _fingerprint() -> tuple[int, dt.datetime | None]:
    row = CalendarDay.objects.aggregate(count=Count("id"), last=Max("updated_at"))
    return row["count"], row["last"]


def _check_date(day: dt.date) -> None:
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise TypeError(
            f"expected a datetime.date, got {type(day).__name__}; "
            "use timezone.localdate() to turn a moment into a local date"
        )


def _weekdays_up_to(ordinal: int) -> int:
    """Number of Mondays-to-Fridays among proleptic ordinals 1..ordinal (day 1 is a Monday)."""
    return 5 * (ordinal // 7) + min(ordinal % 7, 5)


class WorkingDayCalendar:
    """A snapshot of the working-day calendar for a batch of computations.

    Created by ``working_day_calendar()``. Changes made after the snapshot was taken are not
    seen by it; take a new one (each module-level function does).
    """

    def __init__(self) -> None:
        global _cache_fingerprint, _cache_years
        fingerprint = _fingerprint()
        with _lock:
            if fingerprint != _cache_fingerprint:
                _cache_fingerprint = fingerprint
                _cache_years = {}
            self._years = _cache_years

    def _load(self, years: Iterable[int]) -> None:
        missing = sorted({y for y in years if y not in self._years})
        if not missing:
            return
        loaded: dict[int, _YearExceptions] = {year: {} for year in missing}
        rows = CalendarDay.objects.filter(
            date__gte=dt.date(missing[0], 1, 1), date__lte=dt.date(missing[-1], 12, 31)
        ).values_list("date", "kind")
        for day, kind in rows:
            if day.year in loaded:
                loaded[day.year][day] = kind == CalendarDay.Kind.ADJUSTED_WORKDAY
        with _lock:
            self._years.update(loaded)

    def _exceptions(self, year: int) -> _YearExceptions:
        if year not in self._years:
            self._load([year])
        return self._years[year]

    def is_working_day(self, day: dt.date) -> bool:
        """Return whether ``day`` is a working day (see the module docstring)."""
        _check_date(day)
        exception = self._exceptions(day.year).get(day)
        if exception is not None:
            return exception
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """Return the ``days``-th working day after ``start`` (before it if ``days`` < 0).

        ``start`` itself never counts, so the result of ``days`` >= 1 is always a working day
        later than ``start``; ``days == 0`` returns ``start`` unchanged, working day or not.
        Raises ``WorkingDaysOutOfRange`` when ``abs(days)`` exceeds ``MAX_WORKING_DAYS``.
        """
        _check_date(start)
        if days == 0:
            return start
        if abs(days) > MAX_WORKING_DAYS:
            raise WorkingDaysOutOfRange(
                f"{days} working days is beyond the calendar's range (at most {MAX_WORKING_DAYS})"
            )
        step = dt.timedelta(days=1 if days > 0 else -1)
        # Load every year the answer can reach in one query (7 calendar days hold at least 5
        # weekdays; the 30-day margin covers the longest holiday week).
        try:
            reach = start + step * (abs(days) * 7 // 5 + 30)
        except OverflowError:
            reach = dt.date.max if days > 0 else dt.date.min
        self._load(range(min(start.year, reach.year), max(start.year, reach.year) + 1))
        remaining = abs(days)
        day = start
        try:
            while remaining:
                day += step
                if self.is_working_day(day):
                    remaining -= 1
        except OverflowError as exc:
            raise WorkingDaysOutOfRange(
                f"{days} working days from {start} leave the calendar"
            ) from exc
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Return the number of working days from ``start`` to ``end``.

        Counts working days after ``start`` up to and including ``end``. When ``end`` is before
        ``start`` the answer is negative: minus the working days from ``end`` (included) up to
        ``start`` (excluded). ``working_days_between(d, d) == 0``.
        """
        _check_date(start)
        _check_date(end)
        if end >= start:
            return self._count(start.toordinal(), end.toordinal())
        return -self._count(end.toordinal() - 1, start.toordinal() - 1)

    def _count(self, after: int, up_to: int) -> int:
        """Working days among the ordinals ``after`` < n <= ``up_to``."""
        total = _weekdays_up_to(up_to) - _weekdays_up_to(after)
        if up_to <= after:
            return total
        first = dt.date.fromordinal(max(after + 1, 1))
        last = dt.date.fromordinal(up_to)
        self._load(range(first.year, last.year + 1))
        for year in range(first.year, last.year + 1):
            for day, is_working in self._years[year].items():
                if first <= day <= last and is_working != (day.weekday() < 5):
                    total += 1 if is_working else -1
        return total


_batch_snapshot: contextvars.ContextVar[WorkingDayCalendar | None] = contextvars.ContextVar(
    "ecity_calendar_snapshot", default=None
)


def working_day_calendar() -> WorkingDayCalendar:
    """Return a snapshot of the working-day calendar for many computations in a row.

    Inside ``calendar_snapshot()`` this is the batch's snapshot (no query).
    """
    return _batch_snapshot.get() or WorkingDayCalendar()


@contextlib.contextmanager
def calendar_snapshot() -> Iterator[WorkingDayCalendar]:
    """Use one snapshot of the calendar for every working-day computation inside the block.

    For batches (generating or recomputing many deadlines): the calendar is checked once at the
    start; changes made by others during the block are not seen by it. Nested blocks reuse the
    outer snapshot.
    """
    current = _batch_snapshot.get()
    if current is not None:
        yield current
        return
    snapshot = WorkingDayCalendar()
    token = _batch_snapshot.set(snapshot)
    try:
        yield snapshot
    finally:
        _batch_snapshot.reset(token)


def is_working_day(day: dt.date) -> bool:
    """Return whether ``day`` is a working day.

    Monday to Friday unless it is a public holiday; Saturday or Sunday only when it is an
    adjusted working day. Years without data fall back to Monday to Friday.
    """
    return working_day_calendar().is_working_day(day)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """Return the ``days``-th working day after ``start`` (before it for negative ``days``).

    The start date never counts: ``add_working_days(d, 1)`` is the next working day after
    ``d`` and ``add_working_days(d, 0) == d``. A time limit of N working days for a case
    accepted on ``d`` ends on ``add_working_days(d, N)``.
    """
    return working_day_calendar().add_working_days(start, days)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Return the working days after ``start`` up to and including ``end``.

    Negative when ``end`` is before ``start`` (then ``end`` counts and ``start`` does not), so
    ``working_days_between(d, add_working_days(d, n)) == n`` for every ``n``.
    """
    return working_day_calendar().working_days_between(start, end)


def years_without_official_data(years: Iterable[int]) -> list[int]:
    """Return, sorted, those of ``years`` whose official holiday arrangement is not complete.

    A year counts as having official data when it has a ``CalendarYear`` row marked complete
    (every seeded year is). Dates in the other years fall back to Monday-to-Friday.
    """
    wanted = set(years)
    complete = set(
        CalendarYear.objects.filter(year__in=wanted, is_complete=True).values_list(
            "year", flat=True
        )
    )
    return sorted(wanted - complete)


def upcoming_years_without_official_data(
    *, today: dt.date | None = None, ahead: int = 2
) -> list[int]:
    """Return which of this year and the next ``ahead`` years lack official holiday data."""
    this_year = (today or timezone.localdate()).year
    return years_without_official_data(range(this_year, this_year + ahead + 1))


# --- writes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarSeedResult:
    """What ``calendar_seed`` did."""

    seeded_years: list[int]
    present_years: list[int]
    days_created: int


def package_calendar() -> dict[int, list[tuple[dt.date, str, str]]]:
    """Return the ``chinese-calendar`` package's exceptions: year -> [(date, kind, name)]."""
    from chinese_calendar import constants

    names = {holiday.value: holiday.chinese for holiday in constants.Holiday}
    by_year: dict[int, list[tuple[dt.date, str, str]]] = {}
    for table, kind in (
        (constants.holidays, CalendarDay.Kind.HOLIDAY),
        (constants.workdays, CalendarDay.Kind.ADJUSTED_WORKDAY),
    ):
        for day, english in table.items():
            by_year.setdefault(day.year, []).append((day, kind.value, names.get(english, english)))
    for entries in by_year.values():
        entries.sort()
    return by_year


def calendar_seed(*, years: Iterable[int] | None = None) -> CalendarSeedResult:
    """Copy the years ``chinese-calendar`` knows into the database, leaving present years alone.

    Seeds every year the package covers (2004-2026 for chinesecalendar 1.11; about 35 rows a
    year, one bulk insert) or only ``years``. A year that already has a ``CalendarYear`` row is
    never touched, so administrators' edits survive every restart; a date an administrator
    already entered in a new year is kept too. Seeded years are marked complete. Safe to run
    concurrently and on every start: when nothing is missing it costs one query.
    """
    known = package_calendar()
    candidates = set(known) if years is None else set(years) & set(known)
    present = set(CalendarYear.objects.filter(year__in=candidates).values_list("year", flat=True))
    to_seed = sorted(candidates - present)
    created = 0
    if to_seed:
        with transaction.atomic():
            taken = set(
                CalendarDay.objects.filter(
                    date__gte=dt.date(to_seed[0], 1, 1), date__lte=dt.date(to_seed[-1], 12, 31)
                ).values_list("date", flat=True)
            )
            new_days = [
                CalendarDay(date=day, kind=kind, name=name)
                for year in to_seed
                for day, kind, name in known[year]
                if day not in taken
            ]
            CalendarYear.objects.bulk_create(
                [
                    CalendarYear(year=year, source=CalendarYear.Source.PACKAGE, is_complete=True)
                    for year in to_seed
                ],
                ignore_conflicts=True,
            )
            CalendarDay.objects.bulk_create(new_days, ignore_conflicts=True)
            created = len(new_days)
            calendar_changed(years=to_seed)
        transaction.on_commit(invalidate_cache)
    return CalendarSeedResult(
        seeded_years=to_seed, present_years=sorted(present), days_created=created
    )


def calendar_year_ensure(*, year: int) -> CalendarYear:
    """Return the ``CalendarYear`` row of ``year``, creating an incomplete administrator one.

    Called when an administrator enters a day in a year nobody has entered before, so the
    year shows up in the admin as "entered by an administrator, not complete".
    """
    calendar_year, _created = CalendarYear.objects.get_or_create(
        year=year,
        defaults={"source": CalendarYear.Source.ADMINISTRATOR, "is_complete": False},
    )
    return calendar_year


def calendar_changed(*, years: Iterable[int]) -> None:
    """Announce that the working days of ``years`` changed (event ``calendar.changed``).

    Call it in the transaction that changed them (the admin's save and delete, the seed). The
    event's key is the years' new state (their days and completeness), so saving the same state
    twice announces it once, and every real change is announced. The caches of every process
    notice the change by themselves; this one forgets its cache after commit.
    """
    changed = sorted({int(year) for year in years})
    if not changed:
        return
    with transaction.atomic():
        days = CalendarDay.objects.filter(
            date__gte=dt.date(changed[0], 1, 1), date__lte=dt.date(changed[-1], 12, 31)
        ).aggregate(count=Count("id"), last=Max("updated_at"))
        complete = sorted(
            CalendarYear.objects.filter(year__in=changed, is_complete=True).values_list(
                "year", flat=True
            )
        )
        last = days["last"].isoformat() if days["last"] else "-"
        key = f"{','.join(map(str, changed))}|{days['count']}|{last}|{complete}"
        event_publish(
            name=CALENDAR_CHANGED,
            subject=f"core.calendar:{changed[0]}",
            data={"years": changed},
            key=key[:200],
        )
        transaction.on_commit(invalidate_cache)
