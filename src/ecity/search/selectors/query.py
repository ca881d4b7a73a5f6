"""Reads of the one search: results with facets and highlighting, "did you mean", suggestions."""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import F, Q, QuerySet
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
from ecity.search.backends import SAMPLE_EVERY, SearchBackend, backend
from ecity.search.highlighting import highlight, snippet
from ecity.search.models import IndexedDocument, SearchWord
from ecity.search.selectors.params import PAGE_SIZE, SearchParams, search_params_parse
from ecity.search.sources import registered_sources

SUGGEST_LIMIT = 8
MAX_PAGES = 50  # of a large result; nobody reads further, and candidates stay bounded
RERANK = 100  # candidates re-scored by full relevance
TITLE_WINDOW = 4  # the title candidates' window of newest ids, in body windows
TITLE_ENOUGH = 20  # title matches in that window that make the index lookup unnecessary
# Testing one row for a match costs about as much as this many entries of the full-text index
# (PostgreSQL at 1,000,000 documents: 5.5 µs a row, 0.85 µs an index entry).
ROW_TEST_COST = 8
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
    # True when more documents matched than are counted exactly: ``total`` and the facet
    # counts are then estimates from the sample, and the pages run through the best candidates.
    estimated: bool = False


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


_FACET_FIELDS = ("id", "kind", "department_code", "department_name", "audiences", "year")


def _facet_rows(documents: QuerySet[IndexedDocument]) -> QuerySet:
    """``_FACET_FIELDS`` of ``documents``, newest first (the year is read in the database:
    thousands of time stamps cost more to convert in Python)."""
    return (
        documents.annotate(year=ExtractYear("published_at"))
        .order_by(F("published_at").desc(nulls_last=True), "id")
        .values_list(*_FACET_FIELDS)
    )


def _facets(
    rows: list[tuple], labels: dict[str, str], scale: int = 1
) -> tuple[int, dict[str, list[FacetValue]]]:
    """The total and every facet's counts of matching ``rows`` (``_FACET_FIELDS``), each row
    counting ``scale`` documents (a sample of one in ``scale`` estimates the whole)."""
    kinds: Counter[str] = Counter()
    departments: Counter[tuple[str, str]] = Counter()
    audiences: Counter[str] = Counter()
    years: Counter[int] = Counter()
    for _id, kind, code, name, audience_text, year in rows:
        kinds[kind] += scale
        if code:
            departments[(code, name)] += scale
        for audience in filter(None, audience_text.strip("|").split("|")):
            audiences[audience] += scale
        if year is not None:
            years[year] += scale

    def ordered(counter: Counter) -> list:
        return sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))

    return len(rows) * scale, {
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


def _hit(
    document: IndexedDocument, query: ParsedQuery, labels: dict[str, str], score: float
) -> SearchHit:
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
        score=float(score or 0.0),
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


def _exact_limit() -> int:
    return int(getattr(settings, "ECITY_SEARCH_EXACT_LIMIT", 2000))


def _matches(
    engine: SearchBackend, filtered: QuerySet[IndexedDocument], query: ParsedQuery
) -> tuple[list[tuple], bool]:
    """The matching rows (``_FACET_FIELDS``, newest first) and whether they are the sample.

    The sample is read first (a small index): when it shows more matches than are counted
    exactly, it stands for the whole. Otherwise the matches are counted up to the limit (ids
    only), and read when they are within it.
    """
    limit = _exact_limit()
    sample = list(_facet_rows(engine.sampled_matching(filtered, query)))
    if len(sample) * SAMPLE_EVERY <= 2 * limit:
        matched = engine.matching(filtered, query)
        if len(matched.values_list("id", flat=True)[: limit + 1]) <= limit:
            return list(_facet_rows(matched)), False
    return sample, True


def _few(window: int, estimate: int) -> bool:
    """Whether testing each row of a ``window`` of ids costs less than looking up the
    ``estimate`` matches in the full-text index (``SearchBackend.matching``'s ``few``)."""
    return window * ROW_TEST_COST < estimate


def _candidates(
    engine: SearchBackend,
    filtered: QuerySet[IndexedDocument],
    query: ParsedQuery,
    sample: list[tuple],
    estimate: int,
    wanted: int,
) -> list[int]:
    """Ids of a large result worth ranking, each kind bounded by ``wanted``: the newest title
    matches, the most used matches, the most recently indexed matches, and the newest of the
    sample.

    The database never walks all matches: the recent matches are read from a window of the
    newest ids sized to hold about twice ``wanted`` of them, and the title matches first from a
    window ``TITLE_WINDOW`` times larger (titles match less often than bodies); a window small
    next to the estimate is tested row by row (``_few``). Only when that window holds fewer
    than ``TITLE_ENOUGH`` title matches are the
    title matches looked up in the index, and they are then few by that very fact.
    """
    newest = IndexedDocument.objects.order_by("-id").values_list("id", flat=True).first() or 0
    window = 2 * wanted * newest // max(estimate, 1) + 1
    title_window = TITLE_WINDOW * window
    recent_titles = filtered.filter(id__gt=newest - title_window)
    ids = list(
        engine.title_matching(recent_titles, query, few=_few(title_window, estimate))
        .order_by("-published_at")
        .values_list("id", flat=True)[:wanted]
    )
    if len(ids) < TITLE_ENOUGH:
        ids = list(
            engine.title_matching(filtered, query)
            .order_by("-published_at")
            .values_list("id", flat=True)[:wanted]
        )
    recent_or_popular = filtered.filter(Q(boost__gt=1.0) | Q(id__gt=newest - window))
    ids += (
        engine.matching(recent_or_popular, query, few=_few(window, estimate))
        .order_by("-boost", "-id")
        .values_list("id", flat=True)[: 2 * wanted]
    )
    ids += [row[0] for row in sample[:wanted]]
    return list(dict.fromkeys(ids))


def _ranked_ids(
    engine: SearchBackend, ids: list[int], query: ParsedQuery
) -> tuple[list[int], dict[int, float]]:
    """``ids`` best first: all by the quick score, the best ``RERANK`` again by full
    relevance (the order of a document depends only on itself, so pages stay stable)."""
    # "score" is the backends' extra select, which the model's stubs cannot see.
    quick = list(
        engine.quick_ranked(IndexedDocument.objects.filter(id__in=ids), query).values_list(
            "id",
            "score",  # type: ignore[misc]
        )
    )
    if engine.quick_is_full:
        return [pk for pk, _score in quick], dict(quick)
    top = [pk for pk, _score in quick[:RERANK]]
    full = list(
        engine.ranked(IndexedDocument.objects.filter(id__in=top), query).values_list(
            "id",
            "score",  # type: ignore[misc]
        )
    )
    scores = dict(quick) | dict(full)
    ordered = [pk for pk, _score in full]
    return ordered + [pk for pk, _score in quick[RERANK:]], scores


def search_run(*, params: SearchParams) -> SearchResult:
    """``search_query`` with parameters already parsed by ``search_params_parse``.

    Bounded work however many documents match: up to ``ECITY_SEARCH_EXACT_LIMIT`` matches
    are counted and ranked exactly; beyond it, the total and facets are estimated from the
    sample (``estimated``) and the ranked candidates are the title matches, the most used
    matches, the most recently indexed matches and the sample's newest (``_candidates``),
    which the pages run through.
    """
    query = parse_query(params.q)
    labels = _kind_labels()
    if not query.terms:
        return SearchResult(
            params=params, hits=[], total=0, page=1, pages=0, did_you_mean=did_you_mean(q=params.q)
        )
    engine = backend()
    filtered = _filtered(params)
    rows, estimated = _matches(engine, filtered, query)
    # Thousands of matches: the words are known ones, nothing to correct.
    correction = "" if estimated else did_you_mean(q=params.q)
    total, facets = _facets(rows, labels, scale=SAMPLE_EVERY if estimated else 1)
    if estimated:
        # Candidates for the pages up to nine beyond the one asked for.
        wanted = min(params.page + 9, MAX_PAGES) * PAGE_SIZE
        pool = _candidates(engine, filtered, query, rows, total, wanted)
        total = max(total, _exact_limit() + 1, len(pool))
    else:
        pool = [row[0] for row in rows]
    ordered, scores = _ranked_ids(engine, pool, query) if pool else ([], {})
    pages = math.ceil(len(ordered) / PAGE_SIZE)
    if estimated:
        pages = min(pages, MAX_PAGES)
    page = min(params.page, max(pages, 1))
    offset = (page - 1) * PAGE_SIZE
    shown = ordered[offset : offset + PAGE_SIZE]
    documents = IndexedDocument.objects.filter(id__in=shown).only(
        "title", "summary", "body", "url", "kind", "department_name", "published_at", "title_words"
    )
    by_id = {document.id: document for document in documents}
    hits = []
    for pk in shown:
        hits.append(_hit(by_id[pk], query, labels, scores.get(pk, 0.0)))
    return SearchResult(
        params=params,
        hits=hits,
        total=total,
        page=page,
        pages=pages,
        facets=facets if total else {},
        did_you_mean=correction,
        estimated=estimated,
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
