"""Reads of the one search: results with facets and highlighting, "did you mean", suggestions."""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.safestring import SafeString

from ecity.search.analysis import (
    ParsedQuery,
    clean_token,
    has_han,
    parse_query,
    pinyin_of,
    segmenter,
)
from ecity.search.backends import backend
from ecity.search.highlighting import highlight, snippet
from ecity.search.models import IndexedDocument, SearchWord
from ecity.search.selectors.params import PAGE_SIZE, SearchParams, search_params_parse
from ecity.search.sources import registered_sources

SUGGEST_LIMIT = 8
_SUGGEST_CANDIDATES = 200
_CLOSE_CANDIDATES = 5000


@dataclass(frozen=True)
class SearchHit:
    title: str
    title_html: SafeString
    snippet_html: SafeString
    url: str
    kind: str
    kind_label: str
    department_name: str
    published_at: dt.datetime | None
    score: float


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    params: SearchParams
    hits: list[SearchHit]
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    did_you_mean: str = ""


def _kind_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for source in registered_sources().values():
        labels.update({code: str(label) for code, label in source.kinds.items()})
    return labels


def _filtered(params: SearchParams) -> QuerySet[IndexedDocument]:
    documents = IndexedDocument.objects.all()
    if params.kinds:
        documents = documents.filter(kind__in=params.kinds)
    if params.department:
        documents = documents.filter(department_code=params.department)
    if params.audience:
        documents = documents.filter(audiences__contains=f"|{params.audience}|")
    zone = timezone.get_current_timezone()
    if params.date_from:
        start = dt.datetime.combine(params.date_from, dt.time.min, tzinfo=zone)
        documents = documents.filter(published_at__gte=start)
    if params.date_to:
        end = dt.datetime.combine(params.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        documents = documents.filter(published_at__lt=end)
    return documents


def _facets(
    matched: QuerySet[IndexedDocument], labels: dict[str, str]
) -> tuple[int, dict[str, list[FacetValue]]]:
    """The total and every facet's counts from ONE grouped query over the matches.

    Grouping by (kind, department, audiences, year) gives few rows (the combinations present),
    so the full-text match runs once instead of once per facet and once for the total.
    """
    rows = (
        matched.annotate(year=ExtractYear("published_at"))
        .values("kind", "department_code", "department_name", "audiences", "year")
        .annotate(n=Count("id"))
        .order_by()
    )
    total = 0
    kinds: Counter[str] = Counter()
    departments: Counter[tuple[str, str]] = Counter()
    audiences: Counter[str] = Counter()
    years: Counter[int] = Counter()
    for row in rows:
        n = row["n"]
        total += n
        kinds[row["kind"]] += n
        if row["department_code"]:
            departments[(row["department_code"], row["department_name"])] += n
        for code in filter(None, row["audiences"].strip("|").split("|")):
            audiences[code] += n
        if row["year"] is not None:
            years[row["year"]] += n

    def ordered(counter: Counter) -> list:
        return sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))

    return total, {
        "kind": [FacetValue(k, labels.get(k, k), n) for k, n in ordered(kinds)],
        "department": [FacetValue(c, name, n) for (c, name), n in ordered(departments)],
        "audience": [FacetValue(c, c, n) for c, n in ordered(audiences)],
        "year": [FacetValue(str(y), str(y), n) for y, n in sorted(years.items(), reverse=True)],
    }


def _highlight_words(query: ParsedQuery, title_words: str) -> list[str]:
    """The query's words, plus the title words a pinyin term matched (``sfz`` marks 身份证)."""
    words = set(query.highlight_words)
    latin = [t for t in words if not has_han(t)]
    for word in title_words.split():
        full, initials = pinyin_of(word)
        if any(full.startswith(t) or initials == t for t in latin):
            words.add(word)
    return sorted(words, key=len, reverse=True)


def _hit(document: IndexedDocument, query: ParsedQuery, labels: dict[str, str]) -> SearchHit:
    words = _highlight_words(query, document.title_words)
    return SearchHit(
        title=document.title,
        title_html=highlight(document.title, words),
        snippet_html=snippet(f"{document.summary} {document.body}".strip(), words),
        url=document.url,
        kind=document.kind,
        kind_label=labels.get(document.kind, document.kind),
        department_name=document.department_name,
        published_at=document.published_at,
        score=float(getattr(document, "score", 0.0) or 0.0),
    )


def _correct_word(word: str) -> str | None:
    """A known title word the user probably meant by ``word``, or None when ``word`` is fine."""
    if has_han(word):
        if SearchWord.objects.filter(word=word).exists():
            return None
        full, _initials = pinyin_of(word)
        match = (
            SearchWord.objects.filter(pinyin=full).exclude(word=word).order_by("-documents").first()
        )
        return match.word if match else None
    token = clean_token(word)
    if len(token) < 3 or not token.isalpha():
        return None
    known = SearchWord.objects.filter(Q(pinyin__startswith=token) | Q(initials=token))
    if known.exists():
        return None
    candidates = dict(
        SearchWord.objects.filter(pinyin__startswith=token[0])
        .order_by("-documents")
        .values_list("pinyin", "word")[:_CLOSE_CANDIDATES]
    )
    close = difflib.get_close_matches(token, list(candidates), n=1, cutoff=0.8)
    return candidates[close[0]] if close else None


def did_you_mean(*, q: str) -> str:
    """A corrected query (homophones and pinyin typos mapped to known title words), or "".

    Public: reads only the word list of indexed (public) titles.
    """
    changed = False
    terms = []
    for term in q.split():
        better = _correct_word(term)
        if better is None and has_han(term):
            words = segmenter().segment(term)
            fixed = [(_correct_word(w) if has_han(w) and len(w) > 1 else None) or w for w in words]
            if fixed != words:
                better = "".join(fixed)
        if better and better != term:
            changed = True
        terms.append(better or term)
    return " ".join(terms) if changed else ""


def search_query(
    *,
    q: str,
    kinds: tuple[str, ...] | list[str] = (),
    department: str = "",
    audience: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    page: int = 1,
) -> SearchResult:
    """Search every public document: a page of ranked, highlighted hits with facets.

    Rules: the parameters are checked as ``search_params_parse`` does; words of the query all
    match (each by itself or by a thesaurus alternative, Latin letters also as pinyin and as a
    prefix); facets count the matching documents after the filters; ranking combines relevance,
    freshness and use. Public: the index holds only what anyone may see. Errors:
    ``ValidationFailed`` for bad parameters.
    """
    params = search_params_parse(
        {
            "q": q,
            "kind": ",".join(kinds),
            "department": department,
            "audience": audience,
            "from": date_from.isoformat() if date_from else "",
            "to": date_to.isoformat() if date_to else "",
            "page": str(page),
        }
    )
    return search_run(params=params)


def search_run(*, params: SearchParams) -> SearchResult:
    """``search_query`` with parameters already parsed by ``search_params_parse``."""
    query = parse_query(params.q)
    labels = _kind_labels()
    correction = did_you_mean(q=params.q)
    if not query.terms:
        return SearchResult(
            params=params, hits=[], total=0, page=1, pages=0, did_you_mean=correction
        )
    engine = backend()
    filtered = _filtered(params)
    matched = engine.matching(filtered, query)
    total, facets = _facets(matched, labels)
    pages = math.ceil(total / PAGE_SIZE)
    page = min(params.page, max(pages, 1))
    offset = (page - 1) * PAGE_SIZE
    rows = engine.ranked(filtered, query).only(
        "title", "summary", "body", "url", "kind", "department_name", "published_at", "title_words"
    )[offset : offset + PAGE_SIZE]
    return SearchResult(
        params=params,
        hits=[_hit(row, query, labels) for row in rows],
        total=total,
        page=page,
        pages=pages,
        facets=facets if total else {},
        did_you_mean=correction,
    )


def _prefix(field: str, value: str) -> Q:
    """Rows whose ``field`` starts with ``value``, in a form the column's index serves.

    SQLite's LIKE is case-insensitive and skips the (binary) index; a range on the binary
    order is the same set and uses it. PostgreSQL's LIKE uses the ``*_pattern_ops`` indexes.
    """
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": value, f"{field}__lt": value + "\U0010ffff"})
    return Q(**{f"{field}__startswith": value})


def search_suggest(*, prefix: str, limit: int = SUGGEST_LIMIT) -> list[str]:
    """Suggestions as you type: titles, then title words, starting with ``prefix`` (text or
    pinyin, full or initials), most used first.

    Rules: a blank prefix or one over 50 characters gives []. Public.
    """
    text = " ".join(str(prefix).split())
    if not text or len(text) > 50:
        return []
    limit = max(1, min(limit, 20))
    token = clean_token(text)
    if has_han(text) or not token.isalpha():
        documents = IndexedDocument.objects.filter(_prefix("title", text))
        words = SearchWord.objects.filter(_prefix("word", text))
    else:
        documents = IndexedDocument.objects.filter(
            _prefix("title_pinyin", token) | _prefix("title_initials", token)
        )
        words = SearchWord.objects.filter(_prefix("pinyin", token) | Q(initials=token))
    titles = sorted(
        documents.values_list("title", "popularity")[:_SUGGEST_CANDIDATES],
        key=lambda row: (-row[1], len(row[0]), row[0]),
    )
    found = [title for title, _pop in titles]
    found += list(words.order_by("-documents", "word").values_list("word", flat=True)[:limit])
    return list(dict.fromkeys(found))[:limit]
