"""PostgreSQL full-text search: a generated ``tsvector`` over the segmented columns ('simple'
configuration: no stemming, the words are already Chinese words), with a GIN index; a smaller
``title_vector`` (title, keywords, pinyin) with its own GIN index for title matches and quick
scores; and a partial GIN index over the sample (migration 0003)."""

from __future__ import annotations

from django.db.models import QuerySet

from ecity.search.analysis import ParsedQuery
from ecity.search.backends import SAMPLE_EVERY
from ecity.search.models import IndexedDocument

TABLE = IndexedDocument._meta.db_table
_FRESHNESS = (
    f"(1.0 + 0.5 / (1.0 + greatest(0.0, extract(epoch from (now() - "
    f"coalesce({TABLE}.published_at, 'epoch'::timestamptz))) / 86400.0) / 365.0))"
)


def tsquery_text(query: ParsedQuery) -> str:
    """The ``to_tsquery`` text of a parsed query (tokens quoted; prefix as ``'tok':*``)."""
    terms = []
    for term in query.terms:
        alternatives = []
        for alt in term:
            words = [f"'{t}'" for t in alt.tokens]
            if alt.prefix:
                words[-1] += ":*"
            alternatives.append("(" + " & ".join(words) + ")")
        terms.append("(" + " | ".join(alternatives) + ")")
    return " & ".join(terms)


def _match(column: str, *, few: bool) -> str:
    """``column`` matches the bound tsquery: through the GIN index, or (``few``) row by row.

    The function form ``ts_match_vq`` is the operator ``@@`` that no index serves: for rows
    already narrowed by another index (a window of ids, the popular ones), testing each is
    cheap, while the GIN index would first build the bitmap of every match of the words (at
    1,000,000 documents 250 ms for 开店's ten alternatives, against 6 ms for the 1,088 rows of
    the window; the planner's estimate of the GIN scan is far too low to see it).
    """
    if few:
        return f"ts_match_vq({TABLE}.{column}, to_tsquery('simple', %s))"
    return f"{TABLE}.{column} @@ to_tsquery('simple', %s)"


class PostgresBackend:
    vendor = "postgresql"
    quick_is_full = False  # ``quick_ranked`` is ``ranked``: no second pass

    def matching(
        self, documents: QuerySet[IndexedDocument], query: ParsedQuery, *, few: bool = False
    ) -> QuerySet[IndexedDocument]:
        return documents.extra(  # noqa: S610 - parameters are bound, the SQL is constant
            where=[_match("search_vector", few=few)], params=[tsquery_text(query)]
        )

    def ranked(
        self, documents: QuerySet[IndexedDocument], query: ParsedQuery
    ) -> QuerySet[IndexedDocument]:
        return self.matching(documents, query).extra(  # noqa: S610 - constant SQL
            select={
                "score": f"ts_rank_cd({TABLE}.search_vector, to_tsquery('simple', %s))"
                f" * {TABLE}.boost * {_FRESHNESS}"
            },
            select_params=[tsquery_text(query)],
            order_by=["-score", "id"],
        )

    def title_matching(
        self, documents: QuerySet[IndexedDocument], query: ParsedQuery, *, few: bool = False
    ) -> QuerySet[IndexedDocument]:
        return documents.extra(  # noqa: S610 - parameters are bound, the SQL is constant
            where=[_match("title_vector", few=few)], params=[tsquery_text(query)]
        )

    def sampled_matching(
        self, documents: QuerySet[IndexedDocument], query: ParsedQuery
    ) -> QuerySet[IndexedDocument]:
        # Written as the partial index's predicate, so that the planner uses that index.
        return self.matching(documents, query).extra(  # noqa: S610 - constant SQL
            where=[f"{TABLE}.id %% {SAMPLE_EVERY} = 0"]
        )

    def quick_ranked(
        self, documents: QuerySet[IndexedDocument], query: ParsedQuery
    ) -> QuerySet[IndexedDocument]:
        # ts_rank over the small title vector (a body-only match scores the constant); the
        # large body vector is never read.
        return documents.extra(  # noqa: S610 - parameters are bound, the SQL is constant
            select={
                "score": f"(ts_rank({TABLE}.title_vector, to_tsquery('simple', %s)) + 0.05)"
                f" * {TABLE}.boost * {_FRESHNESS}"
            },
            select_params=[tsquery_text(query)],
            order_by=["-score", "id"],
        )
