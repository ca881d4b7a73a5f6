"""Reads of the time limits (时限) by kind and urgency: the limits dispatch applies to a ticket,
and the table the hotline centre edits.

A ``TicketLimit`` row of a kind wins; else the any-kind row (empty kind) of the urgency; else the
built-in default. Limits are counted in working hours or working days of the holiday calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from ecity.hotline.models import TicketKind, TicketLimit, Urgency
from ecity.workflow.clocks import working_periods

HOURS = TicketLimit.Unit.WORKING_HOURS
DAYS = TicketLimit.Unit.WORKING_DAYS


@dataclass(frozen=True)
class Limits:
    """How long the department has to sign for and to answer, and in which units."""

    sign_within: Decimal
    sign_unit: str
    answer_within: Decimal
    answer_unit: str


#: Used only when no ``TicketLimit`` row matches (the hotline centre edits the rows).
DEFAULT_LIMITS: dict[str, Limits] = {
    Urgency.EMERGENCY: Limits(Decimal("0.5"), HOURS, Decimal("2"), HOURS),
    Urgency.URGENT: Limits(Decimal("2"), HOURS, Decimal("1"), DAYS),
    Urgency.ORDINARY: Limits(Decimal("4"), HOURS, Decimal("5"), DAYS),
}


def limits_for(*, kind: str, urgency: str) -> Limits:
    """The limits of a ticket of ``kind`` and ``urgency``: the kind's row, else the any-kind
    row, else the built-in default."""
    rows = {
        row.kind: row for row in TicketLimit.objects.filter(urgency=urgency, kind__in=[kind, ""])
    }
    row = rows.get(kind) or rows.get("")
    if row is None:
        return DEFAULT_LIMITS.get(urgency, DEFAULT_LIMITS[Urgency.ORDINARY])
    return Limits(row.sign_within, row.sign_unit, row.answer_within, row.answer_unit)


def working_hours_per_day() -> Decimal:
    """The working hours of one working day (setting ``ECITY_WORKING_HOURS``)."""
    seconds = 0
    for start, end in working_periods():
        seconds += (end.hour * 3600 + end.minute * 60) - (start.hour * 3600 + start.minute * 60)
    return Decimal(seconds) / Decimal(3600)


@dataclass(frozen=True)
class LimitCell:
    """The limits of one kind and urgency: the stored row, or what dispatch falls back to."""

    kind: str
    urgency: str
    row: TicketLimit | None
    sign_within: Decimal
    sign_unit: str
    answer_within: Decimal
    answer_unit: str
    #: "row" (stored for this kind), "any_kind" (the any-kind row applies), "default" (built in).
    source: str


@dataclass(frozen=True)
class LimitLine:
    """One line of the table: a kind ("" = any kind) and its cells in urgency order."""

    kind: str
    label: str
    cells: list[LimitCell]


def limit_table() -> list[LimitLine]:
    """The limits of every kind × urgency as dispatch applies them (one query).

    The first line is the any-kind row of each urgency (or the built-in default); each kind's
    line shows its own row, else the any-kind row it falls back to.
    """
    stored = {(row.kind, row.urgency): row for row in TicketLimit.objects.all()}
    lines: list[LimitLine] = []
    kinds = [("", _("Any kind"))] + [(value, str(label)) for value, label in TicketKind.choices]
    for kind, label in kinds:
        cells = []
        for urgency in Urgency.values:
            row = stored.get((kind, urgency))
            fallback = stored.get(("", urgency))
            if row is not None:
                source, used = "row", row
            elif kind and fallback is not None:
                source, used = "any_kind", fallback
            else:
                source, used = "default", None
            if used is not None:
                values = (used.sign_within, used.sign_unit, used.answer_within, used.answer_unit)
            else:
                d = DEFAULT_LIMITS.get(urgency, DEFAULT_LIMITS[Urgency.ORDINARY])
                values = (d.sign_within, d.sign_unit, d.answer_within, d.answer_unit)
            cells.append(LimitCell(kind, urgency, row, *values, source=source))
        lines.append(LimitLine(kind, label, cells))
    return lines
