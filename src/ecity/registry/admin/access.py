"""Who sees the registry's admin pages: platform administrators and department administrators."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from ecity.org import selectors as org_selectors
from ecity.org.models import Department, StaffRole


def maintained_departments(request: HttpRequest) -> QuerySet[Department]:
    """The active departments whose data the signed-in user administers (all, for platform
    administrators)."""
    return org_selectors.departments_where(
        user=request.user, role=StaffRole.Role.DEPARTMENT_ADMIN
    ).filter(is_active=True)


def is_maintainer(request: HttpRequest) -> bool:
    """Whether the signed-in staff member maintains some registry data (the module is shown)."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    return org_selectors.is_platform_admin(user=user) or maintained_departments(request).exists()
