"""What a publication tells others: the disclosure catalogue and the followers of its lists.

Called from ``receivers`` in the publication's transaction (Wagtail's ``page_published`` and
``page_unpublished`` signals), so a rolled-back publication neither enters the catalogue nor
tells anyone.
"""

from __future__ import annotations

from collections.abc import Iterable

from wagtail.models import Page

from ecity.cms.selectors import _ancestor_paths, department_site_of
from ecity.disclosure.models import Category
from ecity.disclosure.services.catalogue import (
    catalogue_entry_publish,
    catalogue_entry_withdraw,
    entry_source_searched_elsewhere,
)
from ecity.notify.subscriptions import topic_publish

DISCLOSURE_SOURCE = "cms"
# A page's catalogue entry is not offered to search again: the page is (source "cms.page").
entry_source_searched_elsewhere(DISCLOSURE_SOURCE)
# Without a category chosen on its column, a policy and its interpretation are 法规文件.
DEFAULT_CATEGORY = {"policy": Category.REGULATIONS, "interpretation": Category.REGULATIONS}
COLUMN_TOPIC = "cms.column"
SITE_TOPIC = "cms.site"


def _columns_above(page: Page) -> list[Page]:
    from ecity.cms.models import ColumnPage

    return list(ColumnPage.objects.filter(path__in=_ancestor_paths(page)[:-1]).order_by("-depth"))


def disclosure_category_of(page: Page) -> str:
    """The disclosure category of a content page: its nearest column's, else by its kind."""
    for column in _columns_above(page):
        if column.disclosure_category:
            return column.disclosure_category
    return DEFAULT_CATEGORY.get(getattr(page, "kind", ""), "")


def page_announce(*, page: Page) -> None:
    """Put a just-published content page into the disclosure catalogue and tell followers.

    Rules: only content pages of a department sub-site enter the department's catalogue, and
    only when their column (or kind) has a disclosure category; followers of every column above
    the page and of its sub-site hear of it once (a republished page is not news).
    """
    page = page.specific
    if not hasattr(page, "kind"):
        return
    site = department_site_of(page)
    url = page.url or ""
    published_at = page.first_published_at or page.last_published_at
    category = disclosure_category_of(page)
    if site is not None and category:
        catalogue_entry_publish(
            source=DISCLOSURE_SOURCE,
            key=str(page.pk),
            department=site.department,
            category=category,
            title=page.title,
            url=url,
            published_at=published_at,
            document_number=getattr(page, "document_number", ""),
        )
    topics = [f"{COLUMN_TOPIC}:{column.pk}" for column in _columns_above(page)]
    if site is not None:
        topics.append(f"{SITE_TOPIC}:{site.pk}")
    for topic in topics:
        topic_publish(
            topic=topic,
            key=str(page.pk),
            title=page.title,
            path=url,
            summary=getattr(page, "summary", ""),
            published_at=published_at,
        )


def pages_withdraw(*, page_ids: Iterable[int]) -> None:
    """Take unpublished (or deleted) pages out of the disclosure catalogue."""
    for pk in page_ids:
        catalogue_entry_withdraw(source=DISCLOSURE_SOURCE, key=str(pk))
