"""SQLite FTS5: the embedded backend (table ``search_fts``, kept in step by triggers)."""

from __future__ import annotations

from django.db.models import QuerySet

from ecity.search.analysis import ParsedQuery
from ecity.search.backends import SAMPLE_EVERY
from ecity.search.models import IndexedDocument

TABLE = IndexedDocument._meta.db_table
_TITLE_COLUMNS = "{title_tokens keyword_tokens pinyin_tokens}"
# Column weights for bm25: title, keywords, body, pinyin.
_BM25 = "bm25(search_fts, 10.0, 4.0, 1.0, 4.0)"
_FRESHNESS = (
    f"(1.0 + 0.5 / (1.0 + max(0.0, julianday('now') - "
    f"julianday(coalesce({TABLE}.published_at, '1970-01-01'))) / 365.0))"
)


def fts_expression(query: ParsedQuery) -> str:
    """The FTS5 MATCH expression of a parsed query (tokens quoted; prefix as ``"tok"*``)."""
    terms = []
    for term in query.terms:
        alternatives = []
        for alt in term:
            words = [f'"{t}"' for t in alt.tokens]
            if alt.prefix:
                words[-1] += "*"
            alternatives.append("(" + " AND ".join(words) + ")")
        terms.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(terms)


class SqliteBackend:
    vendor = "sqlite"
    quick_is_full = True  # ``quick_ranked`` is ``ranked``: no second pass

    def matching(
        self, documents: QuerySet[IndexedDocument], query: ParsedQuery, *, few: bool = False
    ) -> QuerySet[IndexedDocument]:
        # FTS5 answers from its own table either way (``few`` changes nothing here).
        return documents.extra(  # noqa: S610 - parameters are bound, the SQL is constant
            tables=["search_fts"],
            where=[f"search_fts.rowid = {TABLE}.id", "search_fts MATCH %s"],
            params=[fts_expression(query)],
        )

    def ranked(
        self, documents: QuerySet[IndexedDocument], query: ParsedQuery
    ) -> QuerySet[IndexedDocument]:
        return self.matching(documents, query).extra(  # noqa: S610 - constant SQL
            select={"score": f"(-{_BM25}) * {TABLE}.boost * {_FRESHNESS}"},
            order_by=["-score", "id"],
        )

    def title_matching(
        self, documents: QuerySet[IndexedDocument], query: ParsedQuery, *, few: bool = False
    ) -> QuerySet[IndexedDocument]:
        return documents.extra(  # noqa: S610 - parameters are bound, the SQL is constant
            tables=["search_fts"],
            where=[f"search_fts.rowid = {TABLE}.id", "search_fts MATCH %s"],
            params=[f"{_TITLE_COLUMNS} : ({fts_expression(query)})"],
        )

    def sampled_matching(
        self, documents: QuerySet[IndexedDocument], query: ParsedQuery
    ) -> QuerySet[IndexedDocument]:
        # On the full-text table's rowid, so FTS5 drops the others before the join.
        return self.matching(documents, query).extra(  # noqa: S610 - constant SQL
            where=[f"search_fts.rowid %% {SAMPLE_EVERY} = 0"]
        )

    def quick_ranked(
        self, documents: QuerySet[IndexedDocument], query: ParsedQuery
    ) -> QuerySet[IndexedDocument]:
        # bm25 is computed by FTS5 in C from the postings it reads anyway: cheap already.
        return self.ranked(documents, query)
