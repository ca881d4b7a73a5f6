"""Asking for documents to be (re)indexed, in the changing service's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from ecity.core.events import event_publish

REINDEX_EVENT = "search.reindex"


def index_schedule(*, source: str, keys: Iterable[str]) -> None:
    """Have the documents ``keys`` of ``source`` indexed again (or removed) after commit.

    Rules: call inside the transaction that changes the objects (an outbox event, so a rolled-back
    change is never indexed and a committed one always is, within seconds: the event is delivered
    on commit and by the job otherwise). Keys whose object is gone or no longer public are removed
    from the index when the event is handled. Side effects: one outbox event.
    """
    wanted = sorted({str(k) for k in keys})
    if not wanted:
        return
    event_publish(
        name=REINDEX_EVENT,
        subject=f"search.source:{source}",
        data={"source": source, "keys": wanted},
        key=uuid.uuid4().hex,
    )
