"""The cms pages offered to the one search (``cms.page``): live, public content pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from ecity.search.sources import SearchDocument, SearchSource, register_source

SOURCE = "cms.page"
KINDS = {
    "news": _("News"),
    "notice": _("Notices"),
    "policy": _("Policy documents"),
    "interpretation": _("Policy interpretations"),
    "topic": _("Special topics"),
    "page": _("Other pages"),
}


def _attachment_text(page: object) -> str:
    from ecity.cms.models import Attachment

    ids = [
        block.value.pk if hasattr(block.value, "pk") else block.value
        for block in getattr(page, "attachments", [])
        if block.value
    ]
    texts = Attachment.objects.filter(pk__in=ids).values_list("title", "extracted_text")
    return "\n".join(f"{title}\n{text}" for title, text in texts)


def _published_at(page: object) -> dt.datetime | None:
    """When the page's content was published: a policy's date issued (发布日期) when it has one,
    otherwise when the page first went live on the site (a policy of 2019 put online today is
    not today's policy, in the dates shown, the date filter and freshness alike)."""
    issued = getattr(page, "issued_on", None)
    if issued:
        return dt.datetime.combine(issued, dt.time.min, tzinfo=timezone.get_current_timezone())
    return getattr(page, "first_published_at", None)


def load(keys: Sequence[str]) -> Mapping[str, SearchDocument]:
    """The documents of the live public content pages among ``keys`` (page IDs)."""
    from ecity.cms.selectors import content_models, department_of, public_pages

    ids = [int(k) for k in keys if str(k).isdigit()]
    pages = public_pages().filter(pk__in=ids).type(*content_models()).specific()
    documents: dict[str, SearchDocument] = {}
    for page in pages:
        department = department_of(page)
        body = strip_tags(getattr(page, "body", "") or "")
        keywords: tuple[str, ...] = ()
        if getattr(page, "document_number", ""):
            keywords = (page.document_number,)
        documents[str(page.pk)] = SearchDocument(
            title=page.title,
            body=f"{body}\n{_attachment_text(page)}".strip(),
            url=page.url or "",
            kind=getattr(page, "kind", "page"),
            department_code=department.code if department else "",
            department_name=department.name if department else "",
            published_at=_published_at(page),
            keywords=keywords,
            summary=getattr(page, "summary", ""),
        )
    return documents


def all_keys() -> Iterable[str]:
    """Every live public content page's ID."""
    from ecity.cms.selectors import content_models, public_pages

    return (str(pk) for pk in public_pages().type(*content_models()).values_list("pk", flat=True))


register_source(SearchSource(name=SOURCE, load=load, all_keys=all_keys, kinds=KINDS))
