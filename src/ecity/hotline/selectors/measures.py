"""Department measures of the hotline (考核指标, as GB/T 33358 names them) over a period.

Rows are per handling department (``Ticket.department``, the current assignment) or per
sub-district (the ticket's region; a community counts in its sub-district). Each figure is one
grouped query in the database; Python merges the groups. A rate without a denominator is None
(shown as a dash, ranked last).

- 签收率 ``sign_rate``: tickets dispatched in the period (``dispatched_at``) signed for within the
  limit (``signed_at`` set, not ``signed_late``) / those dispatched tickets.
- 按时办结率 ``on_time_rate``: tickets closed in the period (not at intake) answered by ``due_at``
  / those closed tickets.
- 解决率 ``solved_rate``: callbacks made in the period saying solved / callbacks.
- 满意率 ``satisfied_rate``: (满意 + 基本满意) callbacks / callbacks.
- 重复投诉率 ``repeat_rate``: tickets received in the period whose caller (phone index) had a
  ticket of the same category in the 30 days before / tickets received.
- 退单率 ``return_rate``: returns (退单 events) in the period / dispatches and transfers to the
  department (events) in the period.
- 平均办理时长 ``average_hours``: mean hours from dispatch to answer of the tickets closed in the
  period.
- ``score``: the mean of the six rates (the two bad ones as 1 − rate) a row has, for ranking.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils.translation import gettext_lazy as _

from ecity.hotline.models import Callback, Ticket, TicketEvent
from ecity.hotline.selectors.hotspots import Period, area_expression, share, tickets_in
from ecity.org.models import Department, Region

REPEAT_WINDOW = dt.timedelta(days=30)
GROUPINGS = ("department", "subdistrict")
RATES = (
    "sign_rate",
    "on_time_rate",
    "solved_rate",
    "satisfied_rate",
    "repeat_rate",
    "return_rate",
)
ORDERS = ("score", *RATES, "average_hours")
# Lower is better for these: ranked ascending.
LOWER_IS_BETTER = frozenset({"repeat_rate", "return_rate", "average_hours"})

DEFINITIONS = [
    (_("Sign-for rate"), _("Tickets signed for within the limit / tickets dispatched.")),
    (_("On-time rate"), _("Tickets answered by their due time / tickets closed.")),
    (_("Solved rate"), _("Callbacks saying the matter was solved / callbacks.")),
    (
        _("Satisfaction rate"),
        _("Callbacks 'satisfied' or 'fairly satisfied' / callbacks."),
    ),
    (
        _("Repeat complaint rate"),
        _(
            "Tickets whose caller (same phone number) called about the same category in the "
            "30 days before / tickets received."
        ),
    ),
    (_("Return rate"), _("Returns to the dispatcher / dispatches and transfers received.")),
    (_("Average handling time"), _("Mean hours from dispatch to answer of closed tickets.")),
    (
        _("Score"),
        _(
            "Mean of the six rates (repeat and return rates counted as one minus the rate); "
            "the ranking follows the chosen measure."
        ),
    ),
]


@dataclass
class MeasureRow:
    """The counts and rates of one department or sub-district in a period."""

    key: int
    label: str
    dispatched: int = 0
    signed_on_time: int = 0
    closed: int = 0
    closed_on_time: int = 0
    callbacks: int = 0
    solved: int = 0
    satisfied: int = 0
    received: int = 0
    repeats: int = 0
    assigned: int = 0
    returns: int = 0
    average_hours: float | None = None
    rank: int | None = None

    @property
    def sign_rate(self) -> float | None:
        return share(self.signed_on_time, self.dispatched)

    @property
    def on_time_rate(self) -> float | None:
        return share(self.closed_on_time, self.closed)

    @property
    def solved_rate(self) -> float | None:
        return share(self.solved, self.callbacks)

    @property
    def satisfied_rate(self) -> float | None:
        return share(self.satisfied, self.callbacks)

    @property
    def repeat_rate(self) -> float | None:
        return share(self.repeats, self.received)

    @property
    def return_rate(self) -> float | None:
        return share(self.returns, self.assigned)

    @property
    def score(self) -> float | None:
        values = []
        for name in RATES:
            value = getattr(self, name)
            if value is not None:
                values.append(1 - value if name in LOWER_IS_BETTER else value)
        return sum(values) / len(values) if values else None


def _grouped(
    queryset: QuerySet, grouping: str, prefix: str = "", department_field: str = "department_id"
) -> QuerySet:
    """``queryset`` grouped by department (``department_field``) or by sub-district."""
    if grouping == "subdistrict":
        return queryset.annotate(group=area_expression(prefix)).values("group")
    return queryset.annotate(group=F(department_field)).values("group")


def _merge(rows: dict[int, dict[str, Any]], queryset: QuerySet) -> None:
    for row in queryset.order_by():
        if row["group"] is None:
            continue
        for name, value in row.items():
            if name != "group":
                rows[row["group"]][name] = value


def department_measures(*, period: Period, grouping: str = "department") -> list[MeasureRow]:
    """Compute the measures of ``period`` per department or per sub-district (unranked).

    Reads only; the pages check ``can_view_statistics`` first. Departments or areas without
    any figure in the period are left out.
    """
    first, after = period.bounds()
    rows: dict[int, dict[str, Any]] = defaultdict(dict)
    dispatched = Ticket.objects.filter(dispatched_at__gte=first, dispatched_at__lt=after)
    _merge(
        rows,
        _grouped(dispatched, grouping).annotate(
            dispatched=Count("id"),
            signed_on_time=Count("id", filter=Q(signed_at__isnull=False, signed_late=False)),
        ),
    )
    closed = Ticket.objects.filter(
        closed_at__gte=first,
        closed_at__lt=after,
        resolved_at_intake=False,
        dispatched_at__isnull=False,
    )
    handling_time = ExpressionWrapper(
        F("answered_at") - F("dispatched_at"), output_field=DurationField()
    )
    _merge(
        rows,
        _grouped(closed, grouping).annotate(
            closed=Count("id"),
            closed_on_time=Count("id", filter=Q(answered_at__lte=F("due_at"))),
            duration=Avg(handling_time, filter=Q(answered_at__isnull=False)),
        ),
    )
    callbacks = Callback.objects.filter(created_at__gte=first, created_at__lt=after)
    pleased = [Callback.Satisfaction.SATISFIED, Callback.Satisfaction.FAIRLY_SATISFIED]
    _merge(
        rows,
        _grouped(callbacks, grouping, "ticket__", "ticket__department_id").annotate(
            callbacks=Count("id"),
            solved=Count("id", filter=Q(is_solved=True)),
            satisfied=Count("id", filter=Q(satisfaction__in=pleased)),
        ),
    )
    earlier = Ticket.objects.filter(
        caller_phone_index=OuterRef("caller_phone_index"),
        category=OuterRef("category"),
        received_at__lt=OuterRef("received_at"),
        received_at__gte=OuterRef("received_at") - REPEAT_WINDOW,
    )
    received = tickets_in(period).annotate(
        is_repeat=Q(caller_phone_index__gt="", category__isnull=False) & Exists(earlier)
    )
    _merge(
        rows,
        _grouped(received, grouping).annotate(
            received=Count("id"), repeats=Count("id", filter=Q(is_repeat=True))
        ),
    )
    events = TicketEvent.objects.filter(created_at__gte=first, created_at__lt=after)
    Action = TicketEvent.Action
    _merge(
        rows,
        _grouped(events, grouping, "ticket__").annotate(
            assigned=Count("id", filter=Q(action__in=[Action.DISPATCH, Action.TRANSFER])),
            returns=Count("id", filter=Q(action=Action.RETURN)),
        ),
    )
    labels = _labels(grouping, list(rows))
    result = []
    for key, figures in rows.items():
        if key not in labels:
            continue
        duration = figures.pop("duration", None)
        row = MeasureRow(key=key, label=labels[key], **{k: int(v) for k, v in figures.items()})
        if duration is not None:
            row.average_hours = round(duration.total_seconds() / 3600, 1)
        result.append(row)
    result.sort(key=lambda r: r.label)
    return result


def _labels(grouping: str, keys: list[int]) -> dict[int, str]:
    if grouping == "subdistrict":
        return {pk: region.name for pk, region in Region.objects.in_bulk(keys).items()}
    return {pk: department.name for pk, department in Department.objects.in_bulk(keys).items()}


def ranked(rows: list[MeasureRow], *, order: str = "score") -> list[MeasureRow]:
    """Sort ``rows`` by ``order`` (best first) and number them; rows without a value last.

    Equal values share a rank (1, 2, 2, 4).
    """
    order = order if order in ORDERS else "score"
    lower = order in LOWER_IS_BETTER
    with_value = [r for r in rows if getattr(r, order) is not None]
    without = [r for r in rows if getattr(r, order) is None]
    with_value.sort(key=lambda r: (getattr(r, order) if lower else -getattr(r, order), r.label))
    previous = None
    for position, row in enumerate(with_value, start=1):
        value = getattr(row, order)
        row.rank = previous[1] if previous is not None and previous[0] == value else position
        previous = (value, row.rank)
    for row in without:
        row.rank = None
    return with_value + without
