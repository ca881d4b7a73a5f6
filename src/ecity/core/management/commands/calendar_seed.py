"""``calendar_seed``: copy the holiday calendar from ``chinese-calendar`` into the database.

``ecity run`` and ``ecity migrate`` call it on every start. It only adds years that are not in
the database yet (administrators' edits are never overwritten) and costs one query when there is
nothing to add.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ecity.core.calendar import calendar_seed, upcoming_years_without_official_data


class Command(BaseCommand):
    help = "Seed the working-day calendar from the chinese-calendar package (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = calendar_seed()
        if result.seeded_years:
            summary = _(
                "Working-day calendar: seeded %(count)d years (%(first)d-%(last)d, %(days)d days)."
            ) % {
                "count": len(result.seeded_years),
                "first": result.seeded_years[0],
                "last": result.seeded_years[-1],
                "days": result.days_created,
            }
        else:
            summary = _("Working-day calendar: up to date.")
        missing = upcoming_years_without_official_data()
        if missing:
            summary += " " + _(
                "No official holiday data for %(years)s (weekends only until an administrator "
                "enters it)."
            ) % {"years": ", ".join(str(year) for year in missing)}
        self.stdout.write(summary)
