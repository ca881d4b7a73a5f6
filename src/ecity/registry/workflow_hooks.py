"""Disputes (异议) as a subject of the workflow's clocks: their deadline states are refreshed by
the periodic job ``workflow.deadlines`` (discovered by ``ecity.workflow.registry``)."""

from __future__ import annotations

from ecity.registry.services.disputes import disputes_deadlines_refresh
from ecity.workflow.registry import subject_register

subject_register("disputes", refresh_deadlines=disputes_deadlines_refresh)
