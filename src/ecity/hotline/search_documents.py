"""What the hotline offers the one search: public knowledge-base articles and published answers.

Articles: published, currently valid and public (``is_public``) only; published tickets: closed
and published, with the masked texts the public list shows (never the caller or the address).
The knowledge and publication services schedule reindexing in their transactions; an article
whose validity ends is removed by the nightly ``search.rebuild`` job.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Sequence

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ecity.hotline.selectors.knowledge import published_articles
from ecity.hotline.selectors.public import public_ticket_view, published_tickets
from ecity.search.sources import SearchDocument, SearchSource, register_source

ARTICLE_SOURCE = "hotline.article"
TICKET_SOURCE = "hotline.answer"


def _uuids(keys: Sequence[str]) -> list[uuid.UUID]:
    found = []
    for key in keys:
        try:
            found.append(uuid.UUID(str(key)))
        except ValueError:
            continue
    return found


def _noon(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_default_timezone())


def load_articles(keys: Sequence[str]) -> dict[str, SearchDocument]:
    """Documents for the public, published, valid articles among ``keys`` (public ids)."""
    documents = {}
    with translation.override(settings.LANGUAGE_CODE):
        for article in published_articles(public_only=True).filter(public_id__in=_uuids(keys)):
            department = article.department
            documents[str(article.public_id)] = SearchDocument(
                title=article.title,
                body=article.body,
                url=reverse("hotline:knowledge_article", kwargs={"public_id": article.public_id}),
                kind="knowledge",
                department_code=department.code if department else "",
                department_name=department.name_zh if department else "",
                published_at=article.updated_at,
                keywords=tuple(article.keywords.replace("，", ",").split(","))
                if article.keywords
                else (),
            )
    return documents


def article_keys() -> Iterator[str]:
    for public_id in published_articles(public_only=True).values_list("public_id", flat=True):
        yield str(public_id)


def load_answers(keys: Sequence[str]) -> dict[str, SearchDocument]:
    """Documents for the published tickets among ``keys`` (masked texts only)."""
    documents = {}
    with translation.override(settings.LANGUAGE_CODE):
        for ticket in published_tickets().filter(public_id__in=_uuids(keys)):
            view = public_ticket_view(ticket)
            documents[str(ticket.public_id)] = SearchDocument(
                title=view.title,
                body=f"{view.description}\n{view.answer}",
                summary=view.answer[:200],
                url=reverse("hotline:public_ticket", kwargs={"public_id": ticket.public_id}),
                kind="answer",
                department_code=ticket.department.code if ticket.department else "",
                department_name=view.department,
                published_at=_noon(view.closed_on),
                keywords=(view.category,) if view.category else (),
            )
    return documents


def answer_keys() -> Iterator[str]:
    for public_id in published_tickets().values_list("public_id", flat=True):
        yield str(public_id)


register_source(
    SearchSource(
        name=ARTICLE_SOURCE,
        load=load_articles,
        all_keys=article_keys,
        kinds={"knowledge": _("Knowledge base")},
    )
)
register_source(
    SearchSource(
        name=TICKET_SOURCE,
        load=load_answers,
        all_keys=answer_keys,
        kinds={"answer": _("Hotline answers")},
    )
)
