"""Working-day clocks of any subject: due dates, the stopped clock, deadline states, refresh.

A subject (a case, a ticket, a request …) keeps its own date columns; these functions work on
plain values and on column names, so each app decides what its deadlines are and how many it
has. All dates are local dates in the platform's time zone; the arithmetic uses the holiday
calendar in ``ecity.core.calendar``, whose convention is that the start date never counts
(``add_working_days(d, 1)`` is the first working day after ``d``).

Rules:

* A due date is ``add_working_days(start, limit + suspended + extension)``: the working days
  the clock was stopped and the working days of an approved extension move it.
* A clock stopped on ``stopped`` and restarted on ``resumed`` was stopped for
  ``working_days_between(stopped, resumed)`` working days (the days after the stop up to and
  including the restart day), never less than zero.
* Deadline states (``DeadlineState``), for a running subject on ``today``:

  - ``SUSPENDED``: the clock is stopped;
  - ``OVERDUE`` (超期): the due date is before today;
  - ``DUE_SOON`` (预警): not overdue and at most ``ECITY_DUE_SOON_WORKING_DAYS`` (default 2)
    working days are left, the due day included: ``working_days_between(today, due) <= N``;
  - ``NORMAL``: everything else, including a subject without a due date.

``deadline_conditions`` gives the same rules as SQL conditions, so the periodic job
(``ecity.workflow.jobs``) updates only the rows whose state changed, for every subject type
registered with ``ecity.workflow.registry``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecity.core.calendar import add_working_days, working_day_calendar, working_days_between


class DeadlineState(models.TextChoices):
    NORMAL = "normal", _("On time")
    DUE_SOON = "due_soon", _("Due soon")  # 预警
    OVERDUE = "overdue", _("Overdue")  # 超期
    SUSPENDED = "suspended", _("Clock stopped")


def due_soon_working_days() -> int:
    """Working days before a due date from which a subject is due soon (setting, default 2)."""
    return int(settings.ECITY_DUE_SOON_WORKING_DAYS)


def due_on(
    start: dt.date, limit: int, *, suspended_days: int = 0, extension_days: int = 0
) -> dt.date:
    """The due date of a limit of ``limit`` working days started on ``start``."""
    return add_working_days(start, limit + suspended_days + extension_days)


def stopped_working_days(stopped: dt.date, resumed: dt.date) -> int:
    """The working days a clock stopped on ``stopped`` and restarted on ``resumed`` lost."""
    return max(working_days_between(stopped, resumed), 0)


def deadline_state(*, due: dt.date | None, today: dt.date, suspended: bool = False) -> str:
    """The deadline state of a running subject due on ``due`` (rules in the module docstring)."""
    if suspended:
        return DeadlineState.SUSPENDED
    if due is None:
        return DeadlineState.NORMAL
    if due < today:
        return DeadlineState.OVERDUE
    if working_days_between(today, due) <= due_soon_working_days():
        return DeadlineState.DUE_SOON
    return DeadlineState.NORMAL


def _due_between(fields: Sequence[str], low: dt.date | None, high: dt.date) -> Q:
    """The due date (the first of ``fields`` that is set) is in ``[low, high)``."""
    condition = Q()
    unset: dict[str, None] = {}
    for field in fields:
        bounds: dict[str, object] = {f"{field}__lt": high}
        if low is not None:
            bounds[f"{field}__gte"] = low
        condition |= Q(**{f"{k}__isnull": True for k in unset}, **bounds)
        unset[field] = None
    return condition


def deadline_conditions(*, due_fields: Sequence[str], today: dt.date) -> dict[str, Q]:
    """SQL conditions for ``OVERDUE`` and ``DUE_SOON`` of running subjects on ``today``.

    The due date is the first of ``due_fields`` that is set (e.g. the committed deadline, else
    the statutory one); equivalent to ``deadline_state``.
    """
    # working_days_between(today, due) <= N  <=>  due < add_working_days(today, N + 1)
    boundary = add_working_days(today, due_soon_working_days() + 1)
    return {
        DeadlineState.OVERDUE: _due_between(due_fields, None, today),
        DeadlineState.DUE_SOON: _due_between(due_fields, today, boundary),
    }


def deadline_states_refresh(
    queryset: QuerySet, *, conditions: Mapping[str, Q], field: str = "deadline_state"
) -> int:
    """Set ``field`` of the rows of ``queryset`` to the state whose condition they meet.

    ``conditions`` maps states to disjoint conditions; rows meeting none become ``NORMAL``.
    One conditional ``UPDATE`` per state touches only rows whose state differs, so the refresh
    is cheap on large tables, idempotent and safe to run concurrently with itself and with the
    subject's own actions. Returns how many rows changed.
    """
    changed = 0
    special = Q()
    for state, condition in conditions.items():
        changed += queryset.filter(condition).exclude(**{field: state}).update(**{field: state})
        special |= condition
    changed += (
        queryset.exclude(special)
        .exclude(**{field: DeadlineState.NORMAL})
        .update(**{field: DeadlineState.NORMAL})
    )
    return changed


# --- working hours ---------------------------------------------------------------------------

#: How far ahead ``add_working_hours`` looks for working time before giving up (a calendar
#: without working days is a configuration error, not an endless loop).
MAX_WORKING_HOURS_SEARCH_DAYS = 800


def working_periods() -> list[tuple[dt.time, dt.time]]:
    """The working periods of a working day (setting ``ECITY_WORKING_HOURS``), as times."""
    periods = []
    for start, end in settings.ECITY_WORKING_HOURS:
        begin, finish = dt.time.fromisoformat(start), dt.time.fromisoformat(end)
        if finish <= begin:
            raise ValueError(f"ECITY_WORKING_HOURS: {start}-{end} ends before it starts")
        periods.append((begin, finish))
    return periods


def add_working_hours(start: dt.datetime, hours: Decimal | int | float) -> dt.datetime:
    """The moment ``hours`` working hours after ``start`` (an aware datetime).

    Working time is the periods of ``ECITY_WORKING_HOURS`` (default 09:00–12:00 and
    13:30–17:30, local time) on working days of the holiday calendar. A start outside working
    time counts from the next working period; a limit that ends exactly at the end of a period
    ends there (not at the start of the next one). Returns an aware datetime in the local zone.
    """
    remaining = dt.timedelta(hours=float(hours))
    if remaining < dt.timedelta(0):
        raise ValueError("hours must not be negative")
    cursor = timezone.localtime(start)
    zone = cursor.tzinfo
    periods = working_periods()
    calendar = working_day_calendar()
    day = cursor.date()
    for _offset in range(MAX_WORKING_HOURS_SEARCH_DAYS):
        if calendar.is_working_day(day):
            for begin, finish in periods:
                period_start = dt.datetime.combine(day, begin, tzinfo=zone)
                period_end = dt.datetime.combine(day, finish, tzinfo=zone)
                if period_end <= cursor:
                    continue
                counted_from = max(cursor, period_start)
                available = period_end - counted_from
                if remaining <= available:
                    return counted_from + remaining
                remaining -= available
                cursor = period_end
        day += dt.timedelta(days=1)
        cursor = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    raise ValueError("no working time found within the calendar's range")


def end_of_working_day(day: dt.date) -> dt.datetime:
    """The end of the last working period of ``day`` (local time), for limits in days."""
    _begin, finish = working_periods()[-1]
    return dt.datetime.combine(day, finish, tzinfo=timezone.get_current_timezone())
