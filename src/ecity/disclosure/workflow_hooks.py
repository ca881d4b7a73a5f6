"""Disclosure requests as a workflow subject: deadline states and calendar changes."""

from __future__ import annotations

from ecity.disclosure.services.requests import deadlines_recompute, deadlines_refresh
from ecity.workflow.registry import subject_register

subject_register(
    "disclosure_requests",
    refresh_deadlines=deadlines_refresh,
    recompute_deadlines=deadlines_recompute,
)
