"""Reads of the demo app: is there city data, is it the demo city, who handles a demo task."""

from __future__ import annotations

from ecity.cases.models import Case, CaseTask
from ecity.catalogue.models import ServiceItem, ServiceItemVersion
from ecity.demo.data import regions
from ecity.identity.models import User
from ecity.org.models import Department, Region, StaffRole
from ecity.workflow.models import WorkItem


def city_data_exists() -> bool:
    """Whether the database already holds departments or service items (demo or real ones)."""
    return Department.objects.exists() or ServiceItem.objects.exists()


def demo_city_present() -> bool:
    """Whether this database holds the demo city (its fictional region 990100 示范市)."""
    return Region.objects.filter(code=regions.CITY_CODE).exists()


def current_version(*, item_code: str) -> ServiceItemVersion | None:
    """The published current version of the active service item ``item_code``, if any."""
    item = (
        ServiceItem.objects.filter(code=item_code, is_active=True)
        .select_related("current_version__item__department")
        .first()
    )
    version = item.current_version if item is not None else None
    if version is None or version.status != ServiceItemVersion.Status.PUBLISHED:
        return None
    return version


def open_tasks(*, case: Case, kind: str) -> list[CaseTask]:
    """The open or claimed tasks of ``kind`` on ``case``."""
    return list(
        case.tasks.filter(kind=kind, status__in=(CaseTask.Status.OPEN, CaseTask.Status.CLAIMED))
    )


def staff_member_for(*, task: WorkItem) -> User | None:
    """The first active account (by username) holding the task's role in its department."""
    role = (
        StaffRole.objects.filter(
            role=task.role, department=task.department, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return role.user if role is not None else None
