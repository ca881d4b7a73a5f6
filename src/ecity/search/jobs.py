"""Periodic job of the search: a full rebuild once a day.

Events keep the index current within seconds; the daily rebuild removes what left visibility
without an act (a knowledge article whose validity ended), picks up new dictionary words (new
services and departments, thesaurus terms) and repairs anything an operator changed behind the
services' back.
"""

from __future__ import annotations

from ecity.core.jobs import register_job
from ecity.search.services import source_rebuild

DAY_SECONDS = 24 * 60 * 60


def rebuild_index() -> str:
    """Index every source again and remove what is no longer offered."""
    result = source_rebuild()
    indexed = sum(max(done, 0) for done, _gone in result.values())
    removed = sum(max(gone, 0) for _done, gone in result.values())
    return f"{indexed} documents indexed, {removed} removed"


register_job("search.rebuild", rebuild_index, every_seconds=DAY_SECONDS)
