"""Reads of the department sub-sites: what is public, lists and feeds, whose a page is."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from wagtail.models import Page, PageViewRestriction
from wagtail.query import PageQuerySet

from ecity.org.models import Department


def public_pages() -> PageQuerySet:
    """Live pages anyone may see: not drafts, not expired, not under a view restriction.

    Rules: a page under a restricted page (password, login, groups) is not public.
    """
    restricted_paths = list(
        PageViewRestriction.objects.values_list("page__path", flat=True).distinct()
    )
    qs = cast(PageQuerySet, Page.objects.live().filter(depth__gt=1))
    for path in restricted_paths:
        qs = qs.exclude(path__startswith=path)
    return qs


def content_models() -> list[type[Page]]:
    """The content page types (news, notices, policies...): what lists and feeds show."""
    from ecity.cms.models import (
        InterpretationPage,
        NewsPage,
        NoticePage,
        PlainPage,
        PolicyPage,
        TopicPage,
    )

    return [NewsPage, NoticePage, PolicyPage, InterpretationPage, TopicPage, PlainPage]


def feed_items(*, parent: Page, limit: int = 50) -> list[Any]:
    """The newest public content pages anywhere under ``parent`` (specific instances).

    Rules: only public pages (``public_pages``); newest first by first publication.
    """
    qs = (
        public_pages()
        .descendant_of(parent)
        .type(*content_models())
        .order_by("-first_published_at", "-pk")
        .specific()
    )
    return list(qs[:limit])


def page_children(*, parent: Page, limit: int = 20) -> list[Any]:
    """The public direct children of ``parent`` (columns first, then newest content)."""
    return list(
        public_pages().child_of(parent).order_by("-first_published_at", "path").specific()[:limit]
    )


def department_site_of(page: Page) -> Any:
    """The department sub-site ``page`` belongs to (itself included), or None."""
    from ecity.cms.models import DepartmentSitePage

    return (
        DepartmentSitePage.objects.filter(path__in=_ancestor_paths(page))
        .select_related("department")
        .order_by("-depth")
        .first()
    )


def department_of(page: Page) -> Department | None:
    """The department whose sub-site holds ``page`` (None: the city's own pages)."""
    site = department_site_of(page)
    return site.department if site is not None else None


def _ancestor_paths(page: Page) -> list[str]:
    step = page.steplen
    return [page.path[:i] for i in range(step, len(page.path) + 1, step)]


def site_navigation(*, page: Page) -> list[Page]:
    """The top columns of the sub-site (or city home) ``page`` belongs to, for its navigation."""
    from ecity.cms.models import ColumnPage, HomePage

    root: Any = department_site_of(page)
    if root is None:
        root = HomePage.objects.filter(path__in=_ancestor_paths(page)).first()
    if root is None:
        return []
    return list(public_pages().child_of(root).type(ColumnPage).order_by("path"))


def pages_by_ids(ids: Iterable[int]) -> PageQuerySet:
    """Public pages with these IDs (specific instances)."""
    return public_pages().filter(pk__in=list(ids)).specific()
