"""Periodic jobs of cases: publishing the monthly rankings of the departments; deleting the
expired files kept from refused counter and correction forms."""

from __future__ import annotations

from ecity.cases.services.drafts import kept_files_purge
from ecity.cases.services.rankings import rankings_publish_due
from ecity.core.jobs import register_job


def publish_rankings() -> str:
    """Freeze the monthly ranking of every month that has ended (好差评 and on-time rates)."""
    return f"{rankings_publish_due()} months published"


register_job("cases.rankings", publish_rankings, every_seconds=3600)


def purge_kept_files() -> str:
    """Delete the expired files kept from refused counter and correction forms."""
    return f"{kept_files_purge()} kept files deleted"


register_job("cases.kept_files_purge", purge_kept_files, every_seconds=3600)
