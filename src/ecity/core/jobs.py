"""Periodic background jobs, run the same way in both deployment modes.

An app registers its jobs in its own ``jobs.py`` module (discovered at start-up)::

    from ecity.core.jobs import register_job
    register_job("notify.deliver", deliver_due_notifications, every_seconds=10)

* Embedded mode: ``ecity run`` starts one ``ecity worker`` process next to the web server; it
  runs every job when it is due (``run_worker`` management command).
* Production: Celery beat schedules the ``ecity.run_job`` task for each job and Celery workers
  (Redis broker) run it; see ``ecity.conf.celery``.

A job takes no arguments, must be idempotent and safe to run concurrently with itself (use
conditional updates or ``select_for_update(skip_locked=True)``), and returns a short summary.
Durable state lives in the database, never only in the queue.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import autodiscover_modules

from ecity.core.events import deliver_due_events

logger = logging.getLogger("ecity.jobs")


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[[], object]
    every_seconds: int


_registry: dict[str, Job] = {}
_discovered = False


def register_job(name: str, func: Callable[[], object], *, every_seconds: int) -> None:
    """Register (or replace) a periodic job under a unique dotted name."""
    if every_seconds < 1:
        raise ValueError("every_seconds must be at least 1")
    _registry[name] = Job(name=name, func=func, every_seconds=every_seconds)


def registered_jobs() -> dict[str, Job]:
    """Every job, after importing each installed app's ``jobs`` module once."""
    global _discovered
    if not _discovered:
        autodiscover_modules("jobs")
        _discovered = True
    return dict(_registry)


def run_job(name: str) -> object:
    """Run one job now, logging its outcome; unknown names raise KeyError."""
    job = registered_jobs()[name]
    started = time.monotonic()
    try:
        result = job.func()
    except Exception:
        logger.exception("job %s failed", name)
        raise
    logger.debug("job %s done in %.3fs: %s", name, time.monotonic() - started, result)
    return result


class Scheduler:
    """In-process schedule for the embedded worker: run each job when its interval has passed."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.next_run: dict[str, float] = {}

    def run_due(self) -> list[str]:
        """Run the jobs that are due; a failing job is logged and retried at its next interval."""
        ran = []
        now = self.clock()
        for name, job in registered_jobs().items():
            if self.next_run.get(name, 0.0) <= now:
                self.next_run[name] = now + job.every_seconds
                try:
                    run_job(name)
                except Exception:  # noqa: BLE001, S112 - logged by run_job; others still run
                    continue
                ran.append(name)
        return ran

    def seconds_until_next(self) -> float:
        if not self.next_run:
            return 0.0
        return max(0.0, min(self.next_run.values()) - self.clock())


# The kernel's own job: deliver outbox events to their handlers (see ecity.core.events).
register_job(
    "core.events.deliver",
    deliver_due_events,
    every_seconds=settings.ECITY_EVENTS_DELIVER_EVERY_SECONDS,
)
