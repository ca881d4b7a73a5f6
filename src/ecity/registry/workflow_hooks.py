"""The registry's subjects of the workflow's working-day clocks.

Discovered by ``ecity.workflow.registry``; the periodic job ``workflow.deadlines`` refreshes the
deadline states. Disputes (异议): the authority's limit to settle them. Sharing requests: the
provider's limit to answer (overdue requests are escalated), recomputed when the calendar changes.
"""

from __future__ import annotations

from ecity.registry.services.disputes import disputes_deadlines_refresh
from ecity.registry.services.sharing import (
    sharing_requests_deadlines_recompute,
    sharing_requests_deadlines_refresh,
)
from ecity.workflow.registry import subject_register

subject_register("disputes", refresh_deadlines=disputes_deadlines_refresh)
subject_register(
    "sharing_requests",
    refresh_deadlines=sharing_requests_deadlines_refresh,
    recompute_deadlines=sharing_requests_deadlines_recompute,
)
