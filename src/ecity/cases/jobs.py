"""Periodic jobs of cases: publishing the monthly rankings of the departments; deleting the
expired files kept from refused counter and correction forms; marking the tasks of closed cases;
recording how much each service is used."""

from __future__ import annotations

from ecity.cases.services.drafts import kept_files_purge
from ecity.cases.services.rankings import rankings_publish_due
from ecity.cases.services.service_use import service_use_record
from ecity.cases.services.task_sync import closed_case_tasks_mark
from ecity.core.jobs import register_job


def publish_rankings() -> str:
    """Freeze the monthly ranking of every month that has ended (好差评 and on-time rates)."""
    return f"{rankings_publish_due()} months published"


register_job("cases.rankings", publish_rankings, every_seconds=3600)


def purge_kept_files() -> str:
    """Delete the expired files kept from refused counter and correction forms."""
    return f"{kept_files_purge()} kept files deleted"


register_job("cases.kept_files_purge", purge_kept_files, every_seconds=3600)


def mark_closed_case_tasks() -> str:
    """Mark the tasks of closed cases (withdrawn, not accepted) as not on an open case."""
    return f"{closed_case_tasks_mark()} tasks marked"


register_job("cases.closed_case_tasks", mark_closed_case_tasks, every_seconds=600)


def record_service_use() -> str:
    """Record each service's applications of the last 90 days (search ranks used ones higher)."""
    return f"{service_use_record()} services changed"


register_job("cases.service_use", record_service_use, every_seconds=6 * 3600)
