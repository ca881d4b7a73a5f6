"""Periodic jobs of the department sub-sites."""

from __future__ import annotations

from ecity.cms.services.integrity import integrity_check_all
from ecity.cms.services.permissions import permissions_sync_all
from ecity.cms.services.publishing import scheduled_pages_run
from ecity.core.jobs import register_job


def publish_scheduled() -> str:
    """Publish pages whose go-live time has come; unpublish pages that expired."""
    published, unpublished = scheduled_pages_run()
    return f"{published} published, {unpublished} unpublished"


def check_integrity() -> str:
    """Compare what live pages serve with their signed records; restore altered pages."""
    checked, restored = integrity_check_all()
    return f"{checked} pages checked, {restored} restored"


def sync_permissions() -> str:
    """Bring sub-site groups and permissions in line with org's staff roles."""
    return f"{permissions_sync_all()} departments synchronised"


register_job("cms.publish_scheduled", publish_scheduled, every_seconds=60)
register_job("cms.integrity_check", check_integrity, every_seconds=300)
register_job("cms.permissions_sync", sync_permissions, every_seconds=900)
