"""Feeds of a list page (column, department sub-site, city home): JSON, RSS 2.0 and Atom."""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, JsonResponse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from wagtail.models import Page

from ecity.cms.selectors import feed_items

FEED_SIZE = 50


def _absolute(request: HttpRequest, page: Page) -> str:
    return request.build_absolute_uri(page.get_url(request=request) or "/")


def json_feed(request: HttpRequest, *, page: Page) -> JsonResponse:
    """The newest live pages under ``page`` as a JSON Feed 1.1 document."""
    items = feed_items(parent=page, limit=FEED_SIZE)
    return JsonResponse(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": page.title,
            "home_page_url": _absolute(request, page),
            "items": [
                {
                    "id": _absolute(request, item),
                    "url": _absolute(request, item),
                    "title": item.title,
                    "summary": getattr(item, "summary", ""),
                    "date_published": (
                        item.first_published_at.isoformat() if item.first_published_at else None
                    ),
                    "tags": [getattr(item, "kind", "page")],
                }
                for item in items
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


class RssFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Page:
        self.request = request
        return kwargs["page"]

    def title(self, obj: Page) -> str:
        return obj.title

    def link(self, obj: Page) -> str:
        return obj.get_url(request=self.request) or "/"

    def description(self, obj: Page) -> str:
        return obj.title

    def items(self, obj: Page) -> list[Page]:
        return feed_items(parent=obj, limit=FEED_SIZE)

    def item_title(self, item: Page) -> str:
        return item.title

    def item_description(self, item: Page) -> str:
        return getattr(item, "summary", "")

    def item_link(self, item: Page) -> str:
        return item.get_url(request=self.request) or "/"

    def item_pubdate(self, item: Page) -> Any:
        return item.first_published_at


class AtomFeed(RssFeed):
    feed_type = Atom1Feed
    subtitle = RssFeed.description
