"""PostgreSQL full-text search: a generated ``tsvector`` over the segmented columns ('simple'
configuration: no stemming, the words are already Chinese words), with a GIN index."""

from __future__ import annotations

from django.db.models import QuerySet

from ecity.search.analysis import ParsedQuery
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


class PostgresBackend:
    vendor = "postgresql"

    def matching(
        self, documents: QuerySet[IndexedDocument], query: ParsedQuery
    ) -> QuerySet[IndexedDocument]:
        return documents.extra(  # noqa: S610 - parameters are bound, the SQL is constant
            where=[f"{TABLE}.search_vector @@ to_tsquery('simple', %s)"],
            params=[tsquery_text(query)],
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
