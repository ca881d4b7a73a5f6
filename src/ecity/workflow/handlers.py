"""Events the workflow handles: a change of the working-day calendar moves the clocks."""

from __future__ import annotations

import logging

from ecity.core.calendar import CALENDAR_CHANGED
from ecity.core.events import PublishedEvent, register_handler
from ecity.workflow.registry import registered_subjects

logger = logging.getLogger("ecity.workflow")


def deadlines_recompute_for_calendar(event: PublishedEvent) -> None:
    """Recompute the due dates of every registered subject type reaching into the changed years.

    Idempotent: a subject whose due dates do not move is left alone (and records nothing).
    """
    years = [int(year) for year in event.data.get("years", [])]
    if not years:
        return
    for subject in registered_subjects():
        if subject.recompute_deadlines is not None:
            moved = subject.recompute_deadlines(years)
            logger.info("calendar %s changed: %s %s recomputed", years, moved, subject.name)


register_handler(
    CALENDAR_CHANGED, deadlines_recompute_for_calendar, name="workflow.recompute_deadlines"
)
