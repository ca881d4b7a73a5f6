"""Full-text backends behind one interface: which documents match a query, and how well.

``backend()`` picks the backend of the default database's vendor: SQLite FTS5
(``backends.sqlite``) or PostgreSQL full-text search (``backends.postgres``). Both read the same
pre-segmented columns of ``IndexedDocument`` (Chinese is segmented by ``search.analysis``, never
by the database), so they find the same documents; only the relevance numbers differ (bm25
against ts_rank_cd). A backend for another engine (OpenSearch with IK or smartcn, see
docs/search.md) implements the same methods.

A large result is not ranked or counted row by row (``selectors.query``): its candidates are
the title matches (``title_matching``), the popular documents and a fixed sample of one
document in ``SAMPLE_EVERY`` by id (``sampled_matching``), which also estimates its total and
facets; ``quick_ranked`` orders candidates cheaply and ``ranked`` re-scores the best of them.
"""

from __future__ import annotations

from typing import Protocol

from django.db import connection
from django.db.models import QuerySet

from ecity.search.analysis import ParsedQuery
from ecity.search.models import IndexedDocument

# One document in SAMPLE_EVERY (by id) is the sample of a large result. PostgreSQL keeps a
# partial index of it (migration 0003 repeats the number: change both together).
SAMPLE_EVERY = 64


class SearchBackend(Protocol):
    quick_is_full: bool  # ``quick_ranked`` already gives the full score

    def matching(
        self, documents: QuerySet[IndexedDocument], query: ParsedQuery, *, few: bool = False
    ) -> QuerySet[IndexedDocument]:
        """``documents`` that match ``query`` (for totals and facets). ``few``: ``documents``
        are already narrowed to a few rows by another index (a window of ids): test those
        rather than look every match up in the full-text index."""
        ...

    def ranked(
        self, documents: QuerySet[IndexedDocument], query: ParsedQuery
    ) -> QuerySet[IndexedDocument]:
        """Matching ``documents`` with a ``score`` (relevance x freshness x use), best first."""
        ...

    def title_matching(
        self, documents: QuerySet[IndexedDocument], query: ParsedQuery, *, few: bool = False
    ) -> QuerySet[IndexedDocument]:
        """``documents`` whose title, keywords or title pinyin match ``query`` (``few`` as for
        ``matching``)."""
        ...

    def sampled_matching(
        self, documents: QuerySet[IndexedDocument], query: ParsedQuery
    ) -> QuerySet[IndexedDocument]:
        """``matching``, restricted to the sample (ids divisible by ``SAMPLE_EVERY``)."""
        ...

    def quick_ranked(
        self, documents: QuerySet[IndexedDocument], query: ParsedQuery
    ) -> QuerySet[IndexedDocument]:
        """``documents`` (known to match) with a ``score`` that is cheap to compute for
        thousands of rows and agrees with ``ranked`` on what matters most (title matches,
        freshness, use), best first."""
        ...


def backend() -> SearchBackend:
    """The backend of the default database."""
    if connection.vendor == "postgresql":
        from ecity.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from ecity.search.backends.sqlite import SqliteBackend

    return SqliteBackend()
