"""The shape of a case in staff lists: what every queue and supervision list loads with it."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from ecity.cases.models import Case, CaseTask

OPEN_TASK_STATUSES = (CaseTask.Status.OPEN, CaseTask.Status.CLAIMED)


def case_rows(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The cases with their service, lead department and open tasks; no workflow state."""
    open_tasks = CaseTask.objects.filter(status__in=OPEN_TASK_STATUSES).select_related(
        "department", "claimed_by"
    )
    # The workflow state is large and encrypted: lists never need it.
    return (
        cases.select_related("service_version", "department")
        .defer("workflow_state")
        .prefetch_related(Prefetch("tasks", queryset=open_tasks, to_attr="open_tasks"))
    )
