"""Background jobs of the portal (discovered by ecity.core.jobs)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ecity.core.errors import ValidationFailed
from ecity.core.jobs import register_job
from ecity.notify.selectors import followed_topics
from ecity.notify.subscriptions import topic_publish
from ecity.portal.notifications import KIND
from ecity.search.selectors.query import search_query


def saved_searches_tell(*, now: dt.datetime | None = None) -> int:
    """Tell the followers of each saved search of documents published since yesterday.

    Each matching document is told once per saved search (``topic_publish`` is keyed by the
    document's address); only the first page of the newest matches is considered per run.
    Returns the number of new items.
    """
    today = timezone.localdate(now or timezone.now())
    told = 0
    for topic in followed_topics(kind=KIND):
        words = topic.split(":", 1)[1]
        try:
            result = search_query(q=words, date_from=today - dt.timedelta(days=1))
        except ValidationFailed:
            continue
        with transaction.atomic():
            for hit in result.hits:
                item = topic_publish(
                    topic=topic,
                    key=hit.url[:100],
                    title=hit.title,
                    path=hit.url,
                    published_at=hit.published_at,
                )
                told += item is not None
    return told


register_job("portal.saved_searches", saved_searches_tell, every_seconds=10 * 60)
