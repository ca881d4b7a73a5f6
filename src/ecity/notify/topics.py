"""What people can follow: topic kinds the apps declare, resolved to a title and a page.

A topic is ``"<kind>:<key>"``, for example ``"cms.column:3f2a…"`` or ``"search.query:开店"``.
Notify carries subscriptions to topics without knowing what they are: the app that owns the
kind declares it in its ``notifications.py`` (found at start-up)::

    from ecity.notify.topics import TopicKind, register_topic_kind

    def column_topic(key):  # -> (title, path) of something anyone may see, or None
        column = public_column_or_none(key)
        return (column.title, column.url) if column else None

    register_topic_kind(TopicKind(name="cms.column", label=_("Column"), resolve=column_topic))

and, when something new appears under a topic, publishes it inside its transaction with
``ecity.notify.subscriptions.topic_publish`` (subscribers hear of it at once or in a daily digest).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from ecity.notify.registry import registered_events

TOPIC_MAX = 200
KIND_PATTERN = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class TopicKind:
    name: str  # "<app>.<thing>"
    label: str | Promise
    resolve: Callable[[str], tuple[str, str] | None]  # key -> (title, path) or None


@dataclass(frozen=True)
class Topic:
    topic: str
    kind: TopicKind
    key: str
    title: str
    path: str


_kinds: dict[str, TopicKind] = {}


def register_topic_kind(kind: TopicKind) -> None:
    """Declare (or replace) a kind of topic; ValueError for a malformed name."""
    if not KIND_PATTERN.fullmatch(kind.name):
        raise ValueError(f"malformed topic kind name: {kind.name!r}")
    _kinds[kind.name] = kind


def unregister_topic_kind(name: str) -> None:
    """Forget a kind (tests that declare their own)."""
    _kinds.pop(name, None)


def topic_resolve(topic: str) -> Topic | None:
    """The topic's kind, title and page, or None when it is malformed, unknown or not public."""
    registered_events()  # imports every app's notifications module once
    if not topic or len(topic) > TOPIC_MAX or ":" not in topic:
        return None
    kind_name, key = topic.split(":", 1)
    kind = _kinds.get(kind_name)
    if kind is None or not key:
        return None
    resolved = kind.resolve(key)
    if resolved is None:
        return None
    title, path = resolved
    return Topic(topic=topic, kind=kind, key=key, title=str(title)[:200], path=path)
