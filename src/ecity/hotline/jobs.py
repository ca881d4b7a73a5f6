"""Periodic jobs of the hotline: the due-soon (预警) and overdue (超期) states of tickets."""

from __future__ import annotations

from ecity.core.jobs import register_job
from ecity.hotline.services.handling import ticket_deadlines_refresh


def refresh_ticket_deadlines() -> str:
    """Mark dispatched and handled tickets due soon or overdue against their limits."""
    return f"{ticket_deadlines_refresh()} tickets changed"


register_job("hotline.deadlines", refresh_ticket_deadlines, every_seconds=300)
