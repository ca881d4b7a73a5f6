"""What the intake looks up on every ticket: the category and the region it names.

Both are reference data that change rarely, and every ticket of every channel names them, so a
process remembers what it found for ``ECITY_HOTLINE_LOOKUP_CACHE_SECONDS`` (5 s; 0 looks up
every time): a category deactivated or a region changed is seen by intake within that bound.
Codes not found are never remembered, so a category created or reactivated is usable at once.
"""

from __future__ import annotations

import time

from django.conf import settings

from ecity.hotline.models import Category
from ecity.org.models import Region

#: Levels of the region tree a ticket's place may name (the city's own parts).
PLACE_LEVELS = (Region.Level.DISTRICT, Region.Level.SUBDISTRICT, Region.Level.COMMUNITY)


class _Remembered:
    """Per process: (kind, code) → (monotonic time until which it holds, the row)."""

    clock = time.monotonic
    entries: dict[tuple[str, str], tuple[float, Category | Region]] = {}
    size = 4096


def _remembered(kind: str, code: str) -> Category | Region | None:
    hit = _Remembered.entries.get((kind, code))
    if hit is not None and hit[0] > _Remembered.clock():
        return hit[1]
    return None


def _remember(kind: str, code: str, row: Category | Region) -> None:
    seconds = settings.ECITY_HOTLINE_LOOKUP_CACHE_SECONDS
    if seconds <= 0:
        return
    if len(_Remembered.entries) >= _Remembered.size:
        _Remembered.entries.clear()
    _Remembered.entries[(kind, code)] = (_Remembered.clock() + seconds, row)


def intake_category(*, code: str) -> Category | None:
    """The active category with ``code``, or None.

    Rules: remembered by the process for ``ECITY_HOTLINE_LOOKUP_CACHE_SECONDS`` (deactivation
    takes effect within that bound); an unknown or inactive code is looked up every time.
    Side effects: none (the process's table of recent look-ups).
    """
    if settings.ECITY_HOTLINE_LOOKUP_CACHE_SECONDS > 0:
        hit = _remembered("category", code)
        if isinstance(hit, Category):
            return hit
    try:  # get, not first: no ORDER BY to build for a unique code
        category = Category.objects.get(code=code, is_active=True)
    except Category.DoesNotExist:
        _Remembered.entries.pop(("category", code), None)
        return None
    _remember("category", code, category)
    return category


def intake_region(*, code: str) -> Region | None:
    """The district, sub-district or community with ``code``, or None.

    Rules and side effects as ``intake_category``.
    """
    if settings.ECITY_HOTLINE_LOOKUP_CACHE_SECONDS > 0:
        hit = _remembered("region", code)
        if isinstance(hit, Region):
            return hit
    try:
        region = Region.objects.get(code=code, level__in=PLACE_LEVELS)
    except Region.DoesNotExist:
        _Remembered.entries.pop(("region", code), None)
        return None
    _remember("region", code, region)
    return region
