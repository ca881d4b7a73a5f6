"""Reads of the hotline's reference data: who may edit it, the category tree with its open
tickets, and the time-limit table (kind × urgency) as dispatch applies it.

The category tree and the limits are edited by the hotline centre's dispatchers (a
``hotline_dispatcher`` of the department ``ECITY_HOTLINE_CENTRE_CODE``) and by platform
administrators; every staff member may read them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q

from ecity.core.accounts import Account
from ecity.hotline.models import Category, Ticket
from ecity.org.models import Department, StaffRole
from ecity.org.selectors import is_platform_admin, user_has_role


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

    One query whatever the size of the tree. A category whose parent is missing from the
    listing cannot occur (the parent is protected), so every node is reached from a root.
    """
    annotated = Category.objects.select_related("department", "parent").annotate(
        open_count=Count("tickets", filter=Q(tickets__status__in=Ticket.OPEN_STATUSES))
    )
    counts: dict[int, int] = {}
    children: dict[int | None, list[Category]] = {}
    for node in annotated:
        counts[node.pk] = node.open_count
        children.setdefault(node.parent_id, []).append(node)
    rows: list[CategoryRow] = []
    stack: list[tuple[Category, int]] = [(c, 0) for c in reversed(children.get(None, []))]
    while stack:
        category, depth = stack.pop()
        rows.append(CategoryRow(category, depth, counts[category.pk]))
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
