"""Reads of the knowledge base: who may do what, the search, and the lists of the pages.

Search (``article_search``) segments the query with ``ecity.core.chinese`` and matches the words
against ``KnowledgeArticle.search_text`` with ``LIKE`` (the same on SQLite and PostgreSQL), then
ranks the candidates in Python: a word in the title counts most, then in the keywords, then in
the body. Only published articles inside their validity period are found; the public finds only
public ones.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ecity.core.accounts import Account
from ecity.core.chinese import search_tokens
from ecity.core.errors import NotFound
from ecity.hotline.models import Category, KnowledgeArticle, Ticket
from ecity.org.models import Department, Region, StaffRole
from ecity.org.selectors import is_staff_member, user_has_role

#: Roles that may write articles for their department (and propose them from answers).
AUTHOR_ROLES = (
    StaffRole.Role.DEPARTMENT_ADMIN,
    StaffRole.Role.TICKET_HANDLER,
    StaffRole.Role.HOTLINE_AGENT,
    StaffRole.Role.HOTLINE_DISPATCHER,
)
# Candidates read from the database before ranking: enough for the first pages of any query.
_CANDIDATES = 200
_SNIPPET_CHARS = 120
TITLE_WEIGHT, KEYWORD_WEIGHT, BODY_WEIGHT = 10, 5, 1


# --- permissions ------------------------------------------------------------------------------


def can_author(*, actor: Account, department: Department) -> bool:
    """Whether ``actor`` may write and submit articles owned by ``department``."""
    return any(user_has_role(user=actor, role=role, department=department) for role in AUTHOR_ROLES)


def can_review(*, actor: Account, article: KnowledgeArticle) -> bool:
    """Whether ``actor`` may approve, send back or archive ``article``.

    Reviewers are the hotline centre's dispatchers and the owning department's administrators.
    Whether they wrote the text themselves is checked by the service (``is_own_text``).
    """
    return user_has_role(user=actor, role=StaffRole.Role.HOTLINE_DISPATCHER) or user_has_role(
        user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN, department=article.department
    )


def is_own_text(*, actor: Account, article: KnowledgeArticle) -> bool:
    """Whether ``actor`` wrote or last edited the text (and so may not approve it)."""
    return actor.pk is not None and actor.pk in (article.author_id, article.edited_by_id)


def can_propose_from(*, actor: Account, ticket: Ticket) -> bool:
    """Whether ``actor`` may turn the answer of ``ticket`` into a draft article."""
    if ticket.department is None:
        return user_has_role(user=actor, role=StaffRole.Role.HOTLINE_DISPATCHER)
    return can_author(actor=actor, department=ticket.department) or user_has_role(
        user=actor, role=StaffRole.Role.HOTLINE_DISPATCHER
    )


def author_departments(*, actor: Account) -> QuerySet[Department]:
    """List the departments ``actor`` may write articles for."""
    if not getattr(actor, "is_authenticated", False):
        return Department.objects.none()
    ids = {
        d.pk
        for d in Department.objects.filter(is_active=True)
        if can_author(actor=actor, department=d)
    }
    return Department.objects.filter(pk__in=ids).order_by("sort_order", "code")


# --- validity and visibility --------------------------------------------------------------------


def _current(articles: QuerySet[KnowledgeArticle], today: dt.date) -> QuerySet[KnowledgeArticle]:
    return articles.filter(status=KnowledgeArticle.Status.PUBLISHED).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
    )


def _region_and_ancestors(region: Region) -> list[int]:
    ids: list[int] = []
    node: Region | None = region
    while node is not None and node.pk not in ids:
        ids.append(node.pk)
        node = node.parent
    return ids


def published_articles(
    *, public_only: bool, region: Region | None = None, today: dt.date | None = None
) -> QuerySet[KnowledgeArticle]:
    """List published, currently valid articles (public ones only if ``public_only``).

    With ``region``, only articles for the whole city or for the region or one containing it.
    """
    articles = _current(KnowledgeArticle.objects.all(), today or timezone.localdate())
    if public_only:
        articles = articles.filter(is_public=True)
    if region is not None:
        articles = articles.filter(
            Q(regions__isnull=True) | Q(regions__in=_region_and_ancestors(region))
        ).distinct()
    return articles.select_related("category", "department")


def article_get_public(*, public_id: str) -> KnowledgeArticle:
    """Get a public, published, currently valid article. Raises NotFound otherwise."""
    article = (
        published_articles(public_only=True)
        .prefetch_related("regions")
        .filter(public_id=public_id)
        .first()
    )
    if article is None:
        raise NotFound()
    return article


def public_categories() -> list[tuple[Category, int]]:
    """Categories that have public articles now, with how many, in the tree's order."""
    counts = dict(
        published_articles(public_only=True)
        .values("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    )
    return [(c, counts[c.pk]) for c in Category.objects.filter(pk__in=counts)]


def public_articles_in_category(*, category: Category) -> QuerySet[KnowledgeArticle]:
    """List the public articles of one category, newest first."""
    return published_articles(public_only=True).filter(category=category).order_by("title")


# --- staff lists --------------------------------------------------------------------------------


def staff_articles(*, actor: Account, status: str = "") -> QuerySet[KnowledgeArticle]:
    """List the articles ``actor`` may work on: their departments' and those they may review.

    Hotline dispatchers review every department's articles; a department administrator their
    department's (sub-units included); authors see their departments' articles.
    """
    if not is_staff_member(user=actor):
        return KnowledgeArticle.objects.none()
    articles = KnowledgeArticle.objects.select_related("category", "department", "author")
    if not user_has_role(user=actor, role=StaffRole.Role.HOTLINE_DISPATCHER):
        departments = author_departments(actor=actor)
        articles = articles.filter(department__in=departments)
    if status:
        articles = articles.filter(status=status)
    return articles.order_by("-updated_at")


def review_queue(*, actor: Account) -> list[KnowledgeArticle]:
    """List the articles in review that ``actor`` may approve (not their own texts)."""
    return [
        a
        for a in staff_articles(actor=actor, status=KnowledgeArticle.Status.IN_REVIEW)
        if can_review(actor=actor, article=a) and not is_own_text(actor=actor, article=a)
    ]


def article_get_for_staff(*, actor: Account, public_id: str) -> KnowledgeArticle:
    """Get an article for a staff page: any staff member reads published ones; drafts, reviews
    and archived articles only their department's authors and their reviewers.

    Raises NotFound (also for articles the actor may not see, so that they cannot be probed).
    """
    article = (
        KnowledgeArticle.objects.select_related(
            "category", "department", "author", "edited_by", "reviewed_by", "source_ticket"
        )
        .prefetch_related("regions", "versions")
        .filter(public_id=public_id)
        .first()
    )
    if article is None or not is_staff_member(user=actor):
        raise NotFound()
    if article.status == KnowledgeArticle.Status.PUBLISHED:
        return article
    if can_author(actor=actor, department=article.department) or can_review(
        actor=actor, article=article
    ):
        return article
    raise NotFound()


def articles_expiring(*, today: dt.date, days: int) -> QuerySet[KnowledgeArticle]:
    """List published articles whose validity ends within ``days`` days from ``today``."""
    return (
        KnowledgeArticle.objects.filter(
            status=KnowledgeArticle.Status.PUBLISHED,
            valid_until__gte=today,
            valid_until__lte=today + dt.timedelta(days=days),
        )
        .select_related("department", "author")
        .order_by("valid_until", "id")
    )


# --- search -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    """One found article with its rank and the highlighted title and snippet (safe HTML)."""

    article: KnowledgeArticle
    score: int
    title_html: SafeString
    snippet: str
    snippet_html: SafeString
    matched_words: list[str]


def query_words(query: str) -> list[str]:
    """The distinct search words of ``query`` (longest first, so highlighting prefers them)."""
    words = dict.fromkeys(search_tokens((query or "")[:200]))
    return sorted(words, key=len, reverse=True)[:20]


def _highlight(text: str, pattern: re.Pattern[str] | None) -> SafeString:
    if pattern is None:
        return escape(text)
    parts: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


def _snippet(body: str, pattern: re.Pattern[str] | None) -> str:
    text = " ".join(body.split())
    match = pattern.search(text) if pattern is not None else None
    if match is None or match.start() < _SNIPPET_CHARS // 3:
        start = 0
    else:
        start = match.start() - _SNIPPET_CHARS // 3
    snippet = text[start : start + _SNIPPET_CHARS]
    return ("…" if start else "") + snippet + ("…" if start + _SNIPPET_CHARS < len(text) else "")


def _score(article: KnowledgeArticle, words: list[str]) -> int:
    # Substrings, as the database matched them: a word inside a longer word still counts.
    title = article.title.lower()
    keywords = " ".join(article.keyword_list).lower()
    body = article.body.lower()
    score = 0
    for word in words:
        if word in title:
            score += TITLE_WEIGHT
        if word in keywords:
            score += KEYWORD_WEIGHT
        if word in body:
            score += BODY_WEIGHT
    return score


def article_search(
    *, query: str, public_only: bool, region: Region | None = None, limit: int = 10
) -> list[SearchHit]:
    """Find published, currently valid articles for ``query``, best first, at most ``limit``.

    Rank: title hits before keyword hits before body hits (ties: newest publication first).
    ``public_only`` for citizens; staff (agents) also find internal articles. With ``region``,
    articles for other regions are left out. Titles and snippets mark the matched words.
    """
    words = query_words(query)
    if not words or limit < 1:
        return []
    matches = reduce(or_, (Q(search_text__contains=w) for w in words))
    candidates = list(
        published_articles(public_only=public_only, region=region)
        .filter(matches)
        .order_by("-published_at", "-id")[:_CANDIDATES]
    )
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    scored = [(a, _score(a, words)) for a in candidates]
    scored = [(a, s) for a, s in scored if s > 0]
    scored.sort(key=lambda pair: -pair[1])  # stable: equal scores stay newest first
    hits = []
    for article, score in scored[:limit]:
        snippet = _snippet(article.body, pattern)
        text = f"{article.title} {article.keywords} {article.body}".lower()
        hits.append(
            SearchHit(
                article=article,
                score=score,
                title_html=_highlight(article.title, pattern),
                snippet=snippet,
                snippet_html=_highlight(snippet, pattern),
                matched_words=[w for w in words if w in text],
            )
        )
    return hits
