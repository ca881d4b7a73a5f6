"""Periodic audit jobs: anchor the chain head every hour (see ``services.audit_anchor_create``)."""

from __future__ import annotations

from ecity.audit import services
from ecity.core.jobs import register_job


def anchor_chain_head() -> str:
    anchor = services.audit_anchor_create()
    return f"anchored #{anchor.sequence}" if anchor else "nothing new to anchor"


register_job("audit.anchor", anchor_chain_head, every_seconds=3600)
