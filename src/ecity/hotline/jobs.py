"""Periodic jobs of the hotline: the due-soon (预警) and overdue (超期) states of tickets,
knowledge articles about to expire, and the hotspot page's figures kept ready."""

from __future__ import annotations

from ecity.core.jobs import register_job
from ecity.hotline.selectors.hotspot_overview import WARM_EVERY_SECONDS, hotspot_overview_warm
from ecity.hotline.services.handling import ticket_deadlines_refresh
from ecity.hotline.services.knowledge import articles_expiring_notify


def refresh_ticket_deadlines() -> str:
    """Mark dispatched and handled tickets due soon or overdue against their limits."""
    return f"{ticket_deadlines_refresh()} tickets changed"


register_job("hotline.deadlines", refresh_ticket_deadlines, every_seconds=300)


def flag_expiring_articles() -> str:
    """Tell owning departments of their knowledge articles that expire soon."""
    return f"{articles_expiring_notify()} expiring articles flagged"


register_job("hotline.knowledge_expiring", flag_expiring_articles, every_seconds=3600)


def warm_hotspot_figures() -> str:
    """Compute the hotspot page's default figures again before the kept ones expire."""
    overview = hotspot_overview_warm()
    return f"hotspot figures of {len(overview.series)} days computed"


register_job("hotline.hotspots_warm", warm_hotspot_figures, every_seconds=WARM_EVERY_SECONDS)
