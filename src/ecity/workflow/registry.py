"""The subject types whose clocks and timers the periodic workflow jobs look after.

An app that runs processes or clocks on its own subjects registers it in its module
``workflow_hooks.py`` (discovered like ``jobs.py``)::

    from ecity.workflow.registry import subject_register

    subject_register(
        "tickets",
        refresh_deadlines=ticket_deadlines_refresh,  # (today) -> rows changed
        fire_timers=ticket_timers_fire,              # (now) -> subjects advanced
        recompute_deadlines=ticket_deadlines_recompute,  # (years, after, limit) -> last pk | None
    )

``recompute_deadlines`` is called (``ecity.workflow.handlers``) when the working days of some
years changed, for example when an administrator enters a year's official holidays: the subject
type recomputes the due dates of its open subjects that reach into those years, one bounded
batch per call: at most ``limit`` subjects with a primary key above ``after``, in key order. It
returns the key of the last subject it looked at, or None when there are no more; the workflow
then calls it again for the next batch, each batch in its own transaction (one event delivery).
It must be idempotent: a batch may be delivered twice.

Workflow never imports the apps: it calls what they registered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

from django.utils.module_loading import autodiscover_modules

# (years, after, limit) -> the primary key of the batch's last subject, None when none is left.
RecomputeBatch: TypeAlias = Callable[[list[int], int, int], int | None]


@dataclass(frozen=True)
class Subject:
    """A registered subject type; ``name`` is its plural, as the job reports it."""

    name: str
    refresh_deadlines: Callable[[dt.date], int] | None = None
    fire_timers: Callable[[dt.datetime], int] | None = None
    recompute_deadlines: RecomputeBatch | None = None


_SUBJECTS: dict[str, Subject] = {}
_discovered = False


def subject_register(
    name: str,
    *,
    refresh_deadlines: Callable[[dt.date], int] | None = None,
    fire_timers: Callable[[dt.datetime], int] | None = None,
    recompute_deadlines: RecomputeBatch | None = None,
) -> Subject:
    """Register (or replace) the subject type ``name`` with its refresh and timer functions."""
    subject = Subject(
        name=name,
        refresh_deadlines=refresh_deadlines,
        fire_timers=fire_timers,
        recompute_deadlines=recompute_deadlines,
    )
    _SUBJECTS[name] = subject
    return subject


def subject_unregister(name: str) -> None:
    """Forget the subject type ``name`` (tests registering a subject of their own)."""
    _SUBJECTS.pop(name, None)


def registered_subject(name: str) -> Subject | None:
    """The registered subject type ``name`` (None when no app registers it)."""
    registered_subjects()
    return _SUBJECTS.get(name)


def registered_subjects() -> list[Subject]:
    """Every registered subject type, after importing each app's ``workflow_hooks`` once."""
    global _discovered
    if not _discovered:
        autodiscover_modules("workflow_hooks")
        _discovered = True
    return list(_SUBJECTS.values())
