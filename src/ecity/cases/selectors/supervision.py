"""Efficiency supervision (效能监督): cases near or past their deadline, department performance.

Scope: supervisors of the government service management office (市政务服务管理办公室: the
department whose code is the setting ``ECITY_SUPERVISION_DEPARTMENT_CODE``; empty, the default:
no such office) and platform administrators supervise every department; any other supervisor
supervises the departments where they hold the supervisor role (sub-units included): cases those
departments lead or have a task on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.cases.deadlines import OPEN_STATUSES
from ecity.cases.models import Case, CaseTask
from ecity.cases.selectors.rows import case_rows
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.identity.models import User
from ecity.org.models import Department, StaffRole
from ecity.org.selectors import departments_where, is_platform_admin, user_has_role

SUPERVISION_STATES = (Case.DeadlineState.DUE_SOON, Case.DeadlineState.OVERDUE)


def supervision_department_code() -> str:
    """The code of the office that supervises every department ("" when there is none)."""
    return str(settings.ECITY_SUPERVISION_DEPARTMENT_CODE or "")


def supervised_departments(*, actor: User) -> set[int] | None:
    """Department ids ``actor`` supervises; ``None`` means every department."""
    if is_platform_admin(user=actor):
        return None
    code = supervision_department_code()
    office = Department.objects.filter(code=code).first() if code else None
    if office is not None and user_has_role(
        user=actor, role=StaffRole.Role.SUPERVISOR, department=office
    ):
        return None
    return set(
        departments_where(user=actor, role=StaffRole.Role.SUPERVISOR).values_list("id", flat=True)
    )


def _in_scope(ids: set[int]) -> Q:
    tasks = CaseTask.objects.filter(case=OuterRef("pk"), department_id__in=ids)
    return Q(department_id__in=ids) | Q(Exists(tasks))


def can_supervise(*, actor: User, case: Case) -> bool:
    """Whether ``actor`` supervises ``case`` (may see it read-only and urge it)."""
    ids = supervised_departments(actor=actor)
    if ids is None:
        return True
    if not ids:
        return False
    return Case.objects.filter(_in_scope(ids), pk=case.pk).exists()


def _require_supervisor(actor: User) -> set[int] | None:
    ids = supervised_departments(actor=actor)
    if ids is not None and not ids:
        raise PermissionDenied(_("Only supervisors can see this."))
    return ids


def supervision_cases(*, actor: User, state: str) -> QuerySet[Case]:
    """List the open cases in ``state`` (``due_soon`` or ``overdue``) that ``actor`` supervises.

    Earliest deadline first, lead department, service and open tasks joined (constant queries).
    Non-supervisors get ``PermissionDenied``; another state ``ValidationFailed``.
    """
    if state not in SUPERVISION_STATES:
        raise ValidationFailed(fields={"state": [_("Choose due_soon or overdue.")]})
    ids = _require_supervisor(actor)
    cases = Case.objects.filter(status__in=OPEN_STATUSES, deadline_state=state)
    if ids is not None:
        cases = cases.filter(_in_scope(ids))
    return case_rows(cases.order_by("committed_due_on", "acceptance_due_on", "id"))


def department_performance(*, actor: User, since: dt.date | None = None) -> list[dict[str, Any]]:
    """Per lead department: cases decided, on-time rate and average handling working days.

    Counts cases decided (approved or rejected after acceptance) since ``since`` (a local date,
    inclusive). On time: the local date of ``decided_at`` is on or before ``committed_due_on``.
    Handling time: ``handling_working_days`` (acceptance to decision, less the stopped clock),
    averaged. One aggregate query; departments with nothing decided are left out.
    """
    ids = _require_supervisor(actor)
    decided = Case.objects.filter(
        status__in=(Case.Status.APPROVED, Case.Status.REJECTED),
        decided_at__isnull=False,
        accepted_at__isnull=False,
    )
    if ids is not None:
        decided = decided.filter(department_id__in=ids)
    if since is not None:
        start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
        decided = decided.filter(decided_at__gte=start)
    tz = timezone.get_current_timezone()
    rows = list(
        decided.annotate(decided_on=TruncDate("decided_at", tzinfo=tz))
        .values("department_id")
        .annotate(
            decided=Count("id"),
            with_limit=Count("id", filter=Q(committed_due_on__isnull=False)),
            on_time=Count("id", filter=Q(decided_on__lte=F("committed_due_on"))),
            average_working_days=Avg("handling_working_days"),
        )
        .order_by("department_id")
    )
    departments = Department.objects.in_bulk([r["department_id"] for r in rows])
    result = []
    for row in rows:
        with_limit = row["with_limit"]
        average = row["average_working_days"]
        result.append(
            {
                "department": departments[row["department_id"]],
                "decided": row["decided"],
                "on_time": row["on_time"],
                "on_time_rate": round(100 * row["on_time"] / with_limit, 1) if with_limit else None,
                "average_working_days": round(float(average), 1) if average is not None else None,
            }
        )
    result.sort(key=lambda r: (r["department"].sort_order, r["department"].code))
    return result
