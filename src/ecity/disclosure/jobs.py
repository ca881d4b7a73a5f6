"""Periodic jobs of information disclosure: the service catalogue mirrored into the disclosure
catalogue (deadline states of requests are refreshed by the workflow job, ``workflow_hooks``)."""

from __future__ import annotations

from ecity.core.jobs import register_job
from ecity.disclosure.services.catalogue import catalogue_services_sync


def sync_service_catalogue() -> str:
    """Mirror the published service items into the 行政许可和处罚结果 category."""
    return f"{catalogue_services_sync()} catalogue entries changed"


register_job("disclosure.services_sync", sync_service_catalogue, every_seconds=3600)
