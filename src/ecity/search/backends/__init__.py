"""Full-text backends behind one interface: which documents match a query, and how well.

``backend()`` picks the backend of the default database's vendor: SQLite FTS5
(``backends.sqlite``) or PostgreSQL full-text search (``backends.postgres``). Both read the same
pre-segmented columns of ``IndexedDocument`` (Chinese is segmented by ``search.analysis``, never
by the database), so they find the same documents; only the relevance numbers differ (bm25
against ts_rank_cd). A backend for another engine (OpenSearch with IK or smartcn, see
docs/search.md) implements the same two methods.
"""

from __future__ import annotations

from typing import Protocol

from django.db import connection
from django.db.models import QuerySet

from ecity.search.analysis import ParsedQuery
from ecity.search.models import IndexedDocument


class SearchBackend(Protocol):
    def matching(
        self, documents: QuerySet[IndexedDocument], query: ParsedQuery
    ) -> QuerySet[IndexedDocument]:
        """``documents`` that match ``query`` (for totals and facets)."""
        ...

    def ranked(
        self, documents: QuerySet[IndexedDocument], query: ParsedQuery
    ) -> QuerySet[IndexedDocument]:
        """Matching ``documents`` with a ``score`` (relevance x freshness x use), best first."""
        ...


def backend() -> SearchBackend:
    """The backend of the default database."""
    if connection.vendor == "postgresql":
        from ecity.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from ecity.search.backends.sqlite import SqliteBackend

    return SqliteBackend()
