"""Sharing requests as a subject of the workflow: the provider's working-day clock.

Discovered by ``ecity.workflow.registry``; the periodic job ``workflow.deadlines`` refreshes the
deadline states (and escalates overdue requests), and a calendar change recomputes due dates.
"""

from __future__ import annotations

from ecity.registry.services.sharing import (
    sharing_requests_deadlines_recompute,
    sharing_requests_deadlines_refresh,
)
from ecity.workflow.registry import subject_register

subject_register(
    "sharing_requests",
    refresh_deadlines=sharing_requests_deadlines_refresh,
    recompute_deadlines=sharing_requests_deadlines_recompute,
)
