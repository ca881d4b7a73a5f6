"""The shape of a case in staff lists: what every queue and supervision list loads with it."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from ecity.cases.models import Case, CaseTask

OPEN_TASK_STATUSES = (CaseTask.Status.OPEN, CaseTask.Status.CLAIMED)


#: Columns a list of cases never shows (the case's own, then its service version's).
LIST_DEFERRED = (
    "workflow_state",
    "form_data",
    "contact_email",
    "decision_text",
    "service_version__legal_basis",
    "service_version__conditions",
    "service_version__fee_description",
    "service_version__fee_basis",
    "service_version__process_description",
    "service_version__result_description",
    "service_version__form_schema",
)


def case_rows(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The cases with their service, lead department and open tasks; no workflow state."""
    open_tasks = CaseTask.objects.filter(status__in=OPEN_TASK_STATUSES).select_related(
        "department", "claimed_by"
    )
    # The workflow state and the form are large and encrypted, the service's guide texts long:
    # lists never need them.
    return (
        cases.select_related("service_version", "department")
        .defer(*LIST_DEFERRED)
        .prefetch_related(Prefetch("tasks", queryset=open_tasks, to_attr="open_tasks"))
    )
