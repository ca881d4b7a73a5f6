"""What the portal lets people follow: a saved search (``search.query:<words>``).

A saved search's followers hear of newly published documents that match it: the job
``portal.saved_searches`` (``jobs.py``) runs each followed search over what was published since
yesterday and tells each match once (``topic_publish`` keeps one item per document).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecity.notify.topics import TopicKind, register_topic_kind
from ecity.search.selectors.params import MAX_QUERY_CHARS

KIND = "search.query"


def _saved_search(words: str) -> tuple[str, str] | None:
    words = words.strip()
    if not words or len(words) > MAX_QUERY_CHARS or not any(ch.isalnum() for ch in words):
        return None
    title = _("Search “%(words)s”") % {"words": words}
    return title, f"{reverse('portal:search')}?{urlencode({'q': words})}"


register_topic_kind(TopicKind(name=KIND, label=gettext_lazy("Saved search"), resolve=_saved_search))
