"""Periodic jobs of the hotline."""

from __future__ import annotations

from ecity.core.jobs import register_job
from ecity.hotline.services.knowledge import articles_expiring_notify


# --- knowledge base ---
def flag_expiring_articles() -> str:
    """Tell owning departments of their knowledge articles that expire soon."""
    return f"{articles_expiring_notify()} expiring articles flagged"


register_job("hotline.knowledge_expiring", flag_expiring_articles, every_seconds=3600)
