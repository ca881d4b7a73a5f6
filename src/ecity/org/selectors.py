"""Reads about regions, departments and staff roles, with permission filtering built in.

These are the permission helpers every app calls: ``user_has_role``, ``departments_where``,
``is_platform_admin``, ``is_staff_member``; and the public lists and trees of regions and
departments. A role held in a department also counts in its sub-units.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ecity.core.accounts import Account
from ecity.core.errors import NotFound, PermissionDenied
from ecity.org.models import Department, Region, StaffRole

#: Anyone a permission check may be asked about: an account or the anonymous user.
Actor = Account

# Roles a department administrator may grant and revoke within their department (sub-units
# included): the roles that handle cases. The others administer or oversee a department
# (department administrator, supervisor) or the platform (auditor, platform administrator):
# only a platform administrator grants them, so that no department appoints its own overseers.
DEPARTMENT_GRANTABLE_ROLES = frozenset(
    {
        StaffRole.Role.COUNTER_CLERK,
        StaffRole.Role.REVIEWER,
        StaffRole.Role.APPROVER,
    }
)


@dataclass(frozen=True)
class TreeNode:
    """One node of a region or department tree, with its children in display order."""

    obj: Any
    children: list[TreeNode] = field(default_factory=list)


def _active_roles(user: Actor) -> QuerySet[StaffRole]:
    return StaffRole.objects.filter(user=user, is_active=True).filter(
        Q(department__isnull=True) | Q(department__is_active=True)
    )


# Within one HTTP request the permission checks ask about the same user's roles many times (the
# navigation, the page, the selectors): ``roles_memoised`` (entered by ``org.middleware``) keeps
# the answers for that request only. Outside it (services, jobs, tests) every check reads the
# database, so a role granted a moment ago always counts.
_memo: ContextVar[dict[Any, Any] | None] = ContextVar("ecity_org_roles_memo", default=None)


@contextmanager
def roles_memoised() -> Iterator[None]:
    """Remember role lookups until the block ends (one request)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def _role_rows(user: Actor) -> list[tuple[str, int | None]]:
    """(role, department id) of every active role of an authenticated ``user``."""
    memo = _memo.get()
    key = ("roles", user.pk)
    if memo is not None and key in memo:
        return memo[key]
    rows: list[tuple[str, int | None]] = list(
        _active_roles(user).values_list("role", "department_id")
    )
    if memo is not None:
        memo[key] = rows
    return rows


def user_roles(*, user: Actor) -> QuerySet[StaffRole]:
    """List the active staff roles of ``user`` (none for anonymous users), departments joined."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return StaffRole.objects.none()
    return _active_roles(user).select_related("department").order_by("department__code", "role")


def is_platform_admin(*, user: Actor) -> bool:
    """Whether ``user`` administers the whole platform (superuser or platform_admin role)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(role == StaffRole.Role.PLATFORM_ADMIN for role, _department in _role_rows(user))


def is_staff_member(*, user: Actor) -> bool:
    """Whether ``user`` holds any active staff role (or is a platform administrator)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or bool(_role_rows(user))


def _descendant_ids(root_ids: Iterable[int]) -> set[int]:
    """Department IDs of the given departments and all their sub-units (breadth first)."""
    roots = frozenset(root_ids)
    memo = _memo.get()
    key = ("descendants", roots)
    if memo is not None and key in memo:
        return set(memo[key])
    seen = _descendants_read(roots)
    if memo is not None:
        memo[key] = frozenset(seen)
    return seen


def _descendants_read(root_ids: Iterable[int]) -> set[int]:
    seen: set[int] = set()
    frontier = set(root_ids)
    while frontier:
        seen |= frontier
        frontier = (
            set(Department.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
            - seen
        )
    return seen


def user_has_role(*, user: Actor, role: str, department: Department | None = None) -> bool:
    """Whether ``user`` holds ``role`` (in ``department``, if given) as an active staff role.

    A role held in a department also counts in its sub-units. Platform administrators hold every
    role everywhere.
    """
    if is_platform_admin(user=user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    held_rows = [d for r, d in _role_rows(user) if r == role]
    if department is None:
        return bool(held_rows)
    held = {d for d in held_rows if d is not None}
    if not held:
        return False
    return department.pk in _descendant_ids(held)


def departments_where(*, user: Actor, role: str) -> QuerySet[Department]:
    """List the departments (with their sub-units) in which ``user`` holds ``role``.

    Platform administrators get every department.
    """
    if is_platform_admin(user=user):
        return Department.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Department.objects.none()
    held = [d for r, d in _role_rows(user) if r == role and d is not None]
    return Department.objects.filter(id__in=_descendant_ids(held))


def can_manage_staff(*, actor: Actor, department: Department) -> bool:
    """Whether ``actor`` may see and change the staff roles of ``department``."""
    return user_has_role(user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN, department=department)


def can_grant_role(*, actor: Actor, user: Actor, role: str, department: Department | None) -> bool:
    """Whether ``actor`` may grant ``role`` in ``department`` to ``user`` (or revoke it).

    Rules (segregation of duties): no one grants or revokes their own roles; a platform
    administrator may grant any role anywhere; a department administrator only the roles in
    ``DEPARTMENT_GRANTABLE_ROLES``, in the departments they administer and their sub-units;
    nobody else may. Whether ``user`` is a staff account is the account's business
    (``identity.services.staff_role_grant`` checks it).
    """
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if getattr(user, "pk", None) == actor.pk:
        return False
    if is_platform_admin(user=actor):
        return True
    if role not in DEPARTMENT_GRANTABLE_ROLES or department is None:
        return False
    return can_manage_staff(actor=actor, department=department)


def staff_list(*, actor: Actor, department: Department | None = None) -> QuerySet[StaffRole]:
    """List the active staff roles visible to ``actor``, optionally of one department.

    Platform administrators see everything; department administrators see their departments and
    sub-units; anyone else gets ``PermissionDenied``.
    """
    if is_platform_admin(user=actor):
        visible = StaffRole.objects.all()
    else:
        departments = departments_where(user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN)
        if not departments.exists():
            raise PermissionDenied(_("Only department administrators can see staff lists."))
        visible = StaffRole.objects.filter(department__in=departments)
    if department is not None:
        if not can_manage_staff(actor=actor, department=department):
            raise PermissionDenied(_("You cannot see the staff of this department."))
        visible = visible.filter(department=department)
    return (
        visible.filter(is_active=True)
        .select_related("user", "department")
        .order_by("department__code", "user__username", "role")
    )


# --- regions and departments -----------------------------------------------------------------


def region_list(
    *, parent_code: str | None = None, level: str | None = None, q: str | None = None
) -> QuerySet[Region]:
    """List regions, optionally children of ``parent_code``, of one ``level``, or matching ``q``.

    ``q`` matches the code prefix or a part of the Chinese or English name. Public data.
    """
    regions = Region.objects.select_related("parent").order_by("code")
    if parent_code:
        regions = regions.filter(parent__code=parent_code)
    if level:
        regions = regions.filter(level=level)
    if q:
        regions = regions.filter(
            Q(code__startswith=q) | Q(name_zh__icontains=q) | Q(name_en__icontains=q)
        )
    return regions


def region_get(*, code: str) -> Region:
    """Return the region with ``code``; raises ``NotFound``."""
    try:
        return Region.objects.select_related("parent").get(code=code)
    except Region.DoesNotExist as exc:
        raise NotFound(_("No region has this code.")) from exc


def department_list(
    *,
    active_only: bool = True,
    parent_code: str | None = None,
    region_code: str | None = None,
    q: str | None = None,
    top_level_only: bool = False,
) -> QuerySet[Department]:
    """List departments in display order, filtered as asked. Public data.

    ``q`` matches the code prefix or a part of the Chinese, English or short name.
    """
    departments = Department.objects.select_related("parent", "region").order_by(
        "sort_order", "code"
    )
    if active_only:
        departments = departments.filter(is_active=True)
    if top_level_only:
        departments = departments.filter(parent__isnull=True)
    if parent_code:
        departments = departments.filter(parent__code=parent_code)
    if region_code:
        departments = departments.filter(region__code=region_code)
    if q:
        departments = departments.filter(
            Q(code__startswith=q)
            | Q(name_zh__icontains=q)
            | Q(name_en__icontains=q)
            | Q(short_name__icontains=q)
        )
    return departments


def department_get(*, code: str, active_only: bool = True) -> Department:
    """Return the department with ``code``; raises ``NotFound``."""
    try:
        return department_list(active_only=active_only).get(code=code)
    except Department.DoesNotExist as exc:
        raise NotFound(_("No department has this code.")) from exc


def _tree(objects: Iterable[Any]) -> list[TreeNode]:
    """Build a forest from objects having ``pk`` and ``parent_id``; keeps the given order."""
    nodes = {obj.pk: TreeNode(obj=obj) for obj in objects}
    roots: list[TreeNode] = []
    for node in nodes.values():
        parent = nodes.get(node.obj.parent_id)
        (parent.children if parent is not None else roots).append(node)
    return roots


def department_tree(*, active_only: bool = True) -> list[TreeNode]:
    """Return departments as a forest (委办局 at the roots, sub-units below), in display order."""
    return _tree(department_list(active_only=active_only))


def region_tree() -> list[TreeNode]:
    """Return regions as a forest (city → district → sub-district → community), by code."""
    return _tree(Region.objects.order_by("code"))
