"""Periodic jobs of the workflow: deadline states and BPMN timers of every registered subject."""

from __future__ import annotations

from django.utils import timezone

from ecity.core.jobs import register_job
from ecity.workflow.registry import registered_subjects


def refresh_deadlines() -> str:
    """Refresh the deadline state (normal, due soon, overdue, suspended) of every subject type."""
    today = timezone.localdate()
    reports = [
        f"{subject.refresh_deadlines(today)} {subject.name} changed"
        for subject in registered_subjects()
        if subject.refresh_deadlines is not None
    ]
    return "; ".join(reports) or "no subject with deadlines"


def fire_timers() -> str:
    """Fire the due timer events of the running processes of every subject type."""
    now = timezone.now()
    reports = [
        f"timers fired on {subject.fire_timers(now)} {subject.name}"
        for subject in registered_subjects()
        if subject.fire_timers is not None
    ]
    return "; ".join(reports) or "no subject with timers"


register_job("workflow.deadlines", refresh_deadlines, every_seconds=300)
register_job("workflow.timers", fire_timers, every_seconds=60)
