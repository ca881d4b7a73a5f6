"""The hotspot page's figures, computed once per period and options, then kept for a while.

At the scale of a large city (thousands of tickets a day) the trends, rising topics, repeated
places and recurring problems of a month take seconds to compute, and they change little from
one minute to the next. ``hotspot_overview`` computes them all once and keeps them in the
cache for ``OVERVIEW_CACHE_SECONDS`` under the period and options; the page says when they
were computed. The page opens on the last ``DEFAULT_DAYS`` days: the periodic job
``hotline.hotspots_warm`` computes those figures again before they expire, so that nobody
opening the page waits for them. Who may read them: as ``selectors.hotspots.can_view_statistics``
(the view checks).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from ecity.hotline.selectors import hotspots
from ecity.hotline.selectors.hotspot_places import Place, repeated_places

#: How long computed figures are shown before they are computed again.
OVERVIEW_CACHE_SECONDS = 300
#: The period the hotspot page opens on: the last 30 days (today included).
DEFAULT_DAYS = 30
#: How often the job computes the default figures again (before they expire).
WARM_EVERY_SECONDS = 240
_KEY_VERSION = 1


@dataclass(frozen=True)
class Overview:
    """Everything the hotspot page shows for one period and its options."""

    series: list[hotspots.Bucket]
    by_category: list[hotspots.Group]
    by_region: list[hotspots.Group]
    topics: list[hotspots.TopicRise]
    places: list[Place]
    recurring: list[hotspots.Recurring]
    computed_at: dt.datetime


def _key(period: hotspots.Period, granularity: str, topic_days: int) -> str:
    return (
        f"hotline:hotspots:{_KEY_VERSION}:{period.start:%Y%m%d}:{period.end:%Y%m%d}:"
        f"{granularity}:{topic_days}"
    )


def hotspot_overview(
    *, period: hotspots.Period, granularity: str = "day", topic_days: int = 7
) -> Overview:
    """The figures of ``period`` (series per ``granularity``, rising topics over the last
    ``topic_days`` against the four times as many days before), from the cache when they were
    computed less than ``OVERVIEW_CACHE_SECONDS`` ago."""
    key = _key(period, granularity, topic_days)
    found = cache.get(key)
    if isinstance(found, Overview):
        return found
    overview = Overview(
        series=hotspots.tickets_over_time(period=period, granularity=granularity),
        by_category=hotspots.tickets_by_category(period=period),
        by_region=hotspots.tickets_by_region(period=period),
        topics=hotspots.rising_topics(
            end=period.end, days=topic_days, baseline_days=4 * topic_days
        ),
        places=repeated_places(end=period.end),
        recurring=hotspots.recurring_problems(end=period.end),
        computed_at=timezone.now(),
    )
    cache.set(key, overview, OVERVIEW_CACHE_SECONDS)
    return overview


def hotspot_overview_forget(
    *, period: hotspots.Period, granularity: str = "day", topic_days: int = 7
) -> None:
    """Drop the kept figures of ``period`` and options (the next read computes them)."""
    cache.delete(_key(period, granularity, topic_days))


def hotspot_overview_warm() -> Overview:
    """Compute the figures the page opens on (the last ``DEFAULT_DAYS`` days, by day, rising
    topics over 7 days) afresh and keep them, so that the next reader finds them ready."""
    period = hotspots.Period.last_days(DEFAULT_DAYS)
    hotspot_overview_forget(period=period)
    return hotspot_overview(period=period)
