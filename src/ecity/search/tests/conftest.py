"""A test-only search source over an in-memory dict ("documents anyone may see")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from django.db import transaction

from ecity.search.analysis import segmenter_reset
from ecity.search.services import index_schedule
from ecity.search.sources import (
    SearchDocument,
    SearchSource,
    register_source,
    unregister_source,
)
from ecity.testing.events import events_deliver_all

SOURCE = "testing.page"


class Pages:
    """Documents by key; ``public`` False is a draft (``load`` leaves it out)."""

    def __init__(self) -> None:
        self.docs: dict[str, tuple[SearchDocument, bool]] = {}

    def load(self, keys: Sequence[str]) -> dict[str, SearchDocument]:
        return {k: self.docs[k][0] for k in keys if k in self.docs and self.docs[k][1]}

    def all_keys(self) -> list[str]:
        return [k for k, (_d, public) in self.docs.items() if public]

    def put(self, key: str, title: str, body: str = "", *, public: bool = True, **extra) -> None:
        extra.setdefault("kind", "page")
        extra.setdefault("url", f"/pages/{key}/")
        extra.setdefault("published_at", dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
        self.docs[key] = (SearchDocument(title=title, body=body, **extra), public)
        with transaction.atomic():
            index_schedule(source=SOURCE, keys=[key])
        events_deliver_all()

    def put_many(self, documents: dict[str, tuple[str, str, dict]]) -> None:
        """Index many documents at once: key -> (title, body, extra fields)."""
        for key, (title, body, extra) in documents.items():
            extra = {"kind": "page", "url": f"/pages/{key}/", **extra}
            extra.setdefault("published_at", dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
            self.docs[key] = (SearchDocument(title=title, body=body, **extra), True)
        with transaction.atomic():
            index_schedule(source=SOURCE, keys=list(documents))
        events_deliver_all()

    def delete(self, key: str) -> None:
        self.docs.pop(key, None)
        with transaction.atomic():
            index_schedule(source=SOURCE, keys=[key])
        events_deliver_all()


@pytest.fixture
def pages(db):
    store = Pages()
    register_source(
        SearchSource(
            name=SOURCE,
            load=store.load,
            all_keys=store.all_keys,
            kinds={"page": "Page", "news": "News"},
        )
    )
    segmenter_reset()
    yield store
    unregister_source(SOURCE)
    segmenter_reset()
