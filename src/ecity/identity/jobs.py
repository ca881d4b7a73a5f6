"""Periodic jobs of the identity app."""

from __future__ import annotations

from ecity.core.jobs import register_job
from ecity.identity.security.lockout import login_failures_prune


def prune_login_failures() -> str:
    """Drop failed-login rows older than a day: they no longer count towards any limit."""
    return f"{login_failures_prune()} login failures pruned"


register_job("identity.prune_login_failures", prune_login_failures, every_seconds=60 * 60)
