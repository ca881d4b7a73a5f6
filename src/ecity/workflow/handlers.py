"""Events the workflow handles: a change of the working-day calendar moves the clocks.

A city has many open subjects (cases, tickets), so the clocks are not all recomputed in the
transaction that delivers ``calendar.changed``: that delivery publishes, for each subject type,
a ``workflow.deadlines_recompute`` event for its first batch; each batch is its own delivery
(so its own transaction, locking at most ``ECITY_DEADLINE_RECOMPUTE_BATCH_SIZE`` subjects) and
publishes the event of the next batch in the same transaction. A crash resumes at the batch
that was not committed; a batch delivered twice recomputes nothing new and publishes its
successor once (the successor's key is fixed by the calendar change, subject type and batch).
"""

from __future__ import annotations

import logging

from django.conf import settings

from ecity.core.calendar import CALENDAR_CHANGED
from ecity.core.events import PublishedEvent, event_publish, register_handler
from ecity.workflow.registry import registered_subject, registered_subjects

logger = logging.getLogger("ecity.workflow")

DEADLINES_RECOMPUTE = "workflow.deadlines_recompute"


def _batch_publish(*, subject: str, years: list[int], after: int, origin: str) -> None:
    event_publish(
        name=DEADLINES_RECOMPUTE,
        subject=f"workflow.subjects:{subject}",
        data={"subject": subject, "years": years, "after": after, "origin": origin},
        key=f"{origin}:{subject}:{after}",
    )


def deadlines_recompute_for_calendar(event: PublishedEvent) -> None:
    """Start recomputing the due dates of every subject type reaching into the changed years.

    Publishes the first batch of each registered subject type that recomputes deadlines.
    Idempotent: delivered twice, it publishes each first batch once.
    """
    years = [int(year) for year in event.data.get("years", [])]
    if not years:
        return
    for subject in registered_subjects():
        if subject.recompute_deadlines is not None:
            _batch_publish(subject=subject.name, years=years, after=0, origin=event.public_id)


def deadlines_recompute_batch(event: PublishedEvent) -> None:
    """Recompute one batch of a subject type's open subjects, then publish the next batch.

    The batch is the subjects with a primary key above ``after`` (at most
    ``ECITY_DEADLINE_RECOMPUTE_BATCH_SIZE``). Idempotent: a subject whose due dates do not move
    is left alone, and the next batch's event is published once.
    """
    name = str(event.data.get("subject", ""))
    subject = registered_subject(name)
    if subject is None or subject.recompute_deadlines is None:
        logger.warning("no subject type %r recomputes deadlines; batch skipped", name)
        return
    years = [int(year) for year in event.data.get("years", [])]
    after = int(event.data.get("after", 0))
    limit = max(1, int(settings.ECITY_DEADLINE_RECOMPUTE_BATCH_SIZE))
    last = subject.recompute_deadlines(years, after, limit)
    logger.info("calendar %s changed: %s after %s recomputed up to %s", years, name, after, last)
    if last is not None:
        _batch_publish(
            subject=name, years=years, after=int(last), origin=str(event.data.get("origin"))
        )


register_handler(
    CALENDAR_CHANGED, deadlines_recompute_for_calendar, name="workflow.recompute_deadlines"
)
register_handler(
    DEADLINES_RECOMPUTE, deadlines_recompute_batch, name="workflow.recompute_deadlines_batch"
)
