"""Reads of the hotline's reference data: who may edit it, the category tree with its open
tickets, and the time-limit table (kind × urgency) as dispatch applies it.

The category tree and the limits are edited by the hotline centre's dispatchers (a
``hotline_dispatcher`` of the department ``ECITY_HOTLINE_CENTRE_CODE``) and by platform
administrators; every staff member may read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from ecity.core.accounts import Account
from ecity.hotline.models import Category, Ticket, TicketKind, TicketLimit, Urgency
from ecity.hotline.services.dispatch import DEFAULT_LIMITS
from ecity.org.models import Department, StaffRole
from ecity.org.selectors import is_platform_admin, user_has_role
from ecity.workflow.clocks import working_periods


def can_manage_reference_data(*, actor: Account) -> bool:
    """Whether ``actor`` may change the category tree and the time limits (a dispatcher of the
    hotline centre, or a platform administrator)."""
    if is_platform_admin(user=actor):
        return True
    if not getattr(actor, "is_authenticated", False):
        return False
    code = str(settings.ECITY_HOTLINE_CENTRE_CODE or "")
    centre = Department.objects.filter(code=code).first() if code else None
    return centre is not None and user_has_role(
        user=actor, role=StaffRole.Role.HOTLINE_DISPATCHER, department=centre
    )


@dataclass(frozen=True)
class CategoryRow:
    """One category of the tree as the staff page lists it (depth 0 at the roots)."""

    category: Category
    depth: int
    open_tickets: int


def category_tree_rows() -> list[CategoryRow]:
    """List every category (active or not) depth first in display order, with its open tickets.

    Two queries whatever the size of the tree. A category whose parent is missing from the
    listing cannot occur (the parent is protected), so every node is reached from a root.
    """
    categories = list(
        Category.objects.select_related("department", "parent").annotate(
            open_count=Count("tickets", filter=Q(tickets__status__in=Ticket.OPEN_STATUSES))
        )
    )
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    rows: list[CategoryRow] = []
    stack: list[tuple[Category, int]] = [(c, 0) for c in reversed(children.get(None, []))]
    while stack:
        category, depth = stack.pop()
        rows.append(CategoryRow(category, depth, category.open_count))  # type: ignore[attr-defined]
        stack.extend((c, depth + 1) for c in reversed(children.get(category.pk, [])))
    return rows


def category_descendant_ids(category: Category) -> set[int]:
    """The IDs of ``category``'s descendants (not itself), breadth first."""
    seen: set[int] = set()
    frontier = {category.pk}
    while frontier:
        frontier = (
            set(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            - seen
            - {category.pk}
        )
        seen |= frontier
    return seen


def category_open_tickets(category: Category) -> int:
    """How many open tickets have ``category``."""
    return Ticket.objects.filter(category=category, status__in=Ticket.OPEN_STATUSES).count()


# --- time limits ------------------------------------------------------------------------------


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
