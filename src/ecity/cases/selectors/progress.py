"""The progress an applicant can read: each involved department's step, without opinions.

For every department the case's process involves (the lead department first, then in the order
of the process), one step:

* ``in_review``: the department holds an open task on the case (before acceptance: the lead
  department's counter is checking the application);
* ``done``: the department has finished its tasks (or the case is closed and it took part);
* ``not_needed``: the case closed without the department's step (a branch not taken);
* ``waiting``: its turn has not come yet.

Each step carries the date the applicant was promised (the acceptance deadline before
acceptance, the committed deadline afterwards) while it is not done, and the day it was done.
Opinions, outcomes and the names of staff are never part of it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from ecity.cases.models import Case, CaseTask
from ecity.cases.selectors.process import active_process_for
from ecity.cases.selectors.rows import OPEN_TASK_STATUSES
from ecity.org.models import Department
from ecity.workflow.bpmn import WorkflowEngine


class StepState(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("progress step", "Waiting")
    IN_REVIEW = "in_review", pgettext_lazy("progress step", "In review")
    DONE = "done", pgettext_lazy("progress step", "Done")
    NOT_NEEDED = "not_needed", pgettext_lazy("progress step", "Not needed")


@dataclass(frozen=True)
class DepartmentStep:
    """One department's part in a case, as the applicant may read it."""

    department: Department
    state: str
    due_on: dt.date | None
    done_on: dt.date | None

    @property
    def state_label(self) -> str:
        return str(StepState(self.state).label)


def _process_departments(case: Case) -> list[str]:
    """Department codes of the case's process, in the order of its tasks (acceptance excluded)."""
    definition = case.process or active_process_for(service_version=case.service_version)
    if definition is None:
        return []
    spec = WorkflowEngine().spec_for(definition)
    return [task.department_code for task in spec.tasks.values() if task.kind != "accept"]


def case_progress(*, case: Case) -> list[DepartmentStep]:
    """Return each involved department's step of ``case`` (rules in the module docstring).

    For the applicant's own case (the caller checks that); a constant number of queries.
    """
    tasks = list(
        case.tasks.exclude(kind=CaseTask.Kind.ACCEPT)
        .exclude(status=CaseTask.Status.CANCELLED)
        .select_related("department")
        .only("status", "completed_at", "department__code", "department__name_zh")
    )
    planned = Counter(_process_departments(case))
    codes = list(dict.fromkeys([case.department.code, *planned]))
    codes += [t.department.code for t in tasks if t.department.code not in codes]
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    promised = case.committed_due_on or case.statutory_due_on
    if case.status == Case.Status.SUBMITTED or not case.accepted_at:
        promised = case.acceptance_due_on
    steps = []
    for code in codes:
        own = [t for t in tasks if t.department.code == code]
        open_tasks = [t for t in own if t.status in OPEN_TASK_STATUSES]
        finished = [t for t in own if t.status == CaseTask.Status.COMPLETED]
        expected = planned.get(code, 0)
        done_on = None
        if open_tasks or (code == case.department.code and case.status == Case.Status.SUBMITTED):
            state = StepState.IN_REVIEW
        elif finished and (case.is_closed or len(finished) >= expected):
            state = StepState.DONE
            done_on = timezone.localdate(max(t.completed_at for t in finished if t.completed_at))
        elif case.is_closed:
            state = StepState.NOT_NEEDED
        else:
            state = StepState.WAITING
        if code not in departments:
            continue
        steps.append(
            DepartmentStep(
                department=departments[code],
                state=state,
                due_on=None if state in (StepState.DONE, StepState.NOT_NEEDED) else promised,
                done_on=done_on,
            )
        )
    return steps
