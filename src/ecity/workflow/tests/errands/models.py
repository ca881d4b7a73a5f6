"""A test-only subject type (an errand) that uses a process, work items and a clock.

It stands for the coming apps (tickets, disclosure requests …): nothing here imports a domain
app. The app is installed by the test settings only (``ecity.conf.test``).
"""

from __future__ import annotations

from django.db import models

from ecity.core.models import BaseModel
from ecity.workflow.clocks import DeadlineState
from ecity.workflow.models import ProcessDefinition, WorkItem


class Errand(BaseModel):
    title = models.CharField(max_length=100)
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    is_open = models.BooleanField(default=True)
    # One clock: a limit in working days from the start, moved by the days it was stopped.
    started_on = models.DateField(null=True)
    limit_days = models.PositiveIntegerField(null=True)
    due_on = models.DateField(null=True)
    suspended_working_days = models.PositiveIntegerField(default=0)
    clock_suspended_on = models.DateField(null=True)
    deadline_state = models.CharField(
        max_length=16, choices=DeadlineState.choices, default=DeadlineState.NORMAL
    )
    process = models.ForeignKey(
        ProcessDefinition, null=True, on_delete=models.PROTECT, related_name="+"
    )
    workflow_state = models.JSONField(null=True)
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "workflow_errands"


class ErrandItem(WorkItem):
    errand = models.ForeignKey(Errand, on_delete=models.CASCADE, related_name="items")

    class Meta:
        app_label = "workflow_errands"
        ordering = ["created_at", "id"]
