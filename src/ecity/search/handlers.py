"""Event handlers of the search app: ``search.reindex`` (published by ``index_schedule``)."""

from __future__ import annotations

from ecity.core.events import PublishedEvent, register_handler
from ecity.search.services.indexing import documents_index
from ecity.search.services.scheduling import REINDEX_EVENT


def reindex(event: PublishedEvent) -> None:
    """Index the event's keys again (or remove them); idempotent."""
    documents_index(source=str(event.data["source"]), keys=list(event.data.get("keys", [])))


register_handler(REINDEX_EVENT, reindex, name="search.reindex")
