from ecity.search.selectors.params import SearchParams, search_params_parse
from ecity.search.selectors.query import (
    SearchResult,
    did_you_mean,
    search_query,
    search_run,
    search_suggest,
)

__all__ = [
    "SearchParams",
    "SearchResult",
    "did_you_mean",
    "search_params_parse",
    "search_query",
    "search_run",
    "search_suggest",
]
