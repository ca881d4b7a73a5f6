"""Statistical periods (统计时期): ``2025`` (a year), ``2025Q3`` (a quarter), ``2025-09`` (a month).

``period_parse`` reads the forms people type (``2025q3``, ``2025-9``, ``2025年``) and returns the
canonical text with the period's first and last day, or raises ``PeriodError`` with a translated
message. The indicator's frequency decides which form is right.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ecity.registry.models.indicators import Frequency

_YEAR = re.compile(r"^(\d{4})年?\Z")
_QUARTER = re.compile(r"^(\d{4})\s*(?:[Qq]|年第?)([1-4])(?:季度)?\Z")
_MONTH = re.compile(r"^(\d{4})(?:-|/|年)(\d{1,2})月?\Z")
_EXAMPLES = {
    Frequency.ANNUAL: "2025",
    Frequency.QUARTERLY: "2025Q3",
    Frequency.MONTHLY: "2025-09",
}
FIRST_YEAR = 1949


class PeriodError(ValueError):
    """The text is not a period of the expected frequency; ``message`` says why (translated)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Period:
    text: str
    frequency: str
    start: dt.date
    end: dt.date


def _frequency_of(text: str) -> tuple[str, re.Match[str]] | None:
    for frequency, pattern in (
        (Frequency.ANNUAL, _YEAR),
        (Frequency.QUARTERLY, _QUARTER),
        (Frequency.MONTHLY, _MONTH),
    ):
        match = pattern.match(text)
        if match:
            return frequency, match
    return None


def period_parse(text: str, *, frequency: str) -> Period:
    """Return the period ``text`` names, which must be of ``frequency``; raise ``PeriodError``."""
    text = text.strip()
    example = _EXAMPLES[Frequency(frequency)]
    found = _frequency_of(text)
    if found is None:
        raise PeriodError(_("Write the period as %(example)s.") % {"example": example})
    found_frequency, match = found
    if found_frequency != frequency:
        raise PeriodError(
            _("This indicator is %(frequency)s: write the period as %(example)s.")
            % {"frequency": Frequency(frequency).label.lower(), "example": example}
        )
    year = int(match.group(1))
    if year < FIRST_YEAR:
        raise PeriodError(_("The year must be %(year)d or later.") % {"year": FIRST_YEAR})
    if frequency == Frequency.ANNUAL:
        return Period(f"{year}", frequency, dt.date(year, 1, 1), dt.date(year, 12, 31))
    if frequency == Frequency.QUARTERLY:
        quarter = int(match.group(2))
        first_month = 3 * quarter - 2
        last_month = first_month + 2
        return Period(
            f"{year}Q{quarter}",
            frequency,
            dt.date(year, first_month, 1),
            dt.date(year, last_month, calendar.monthrange(year, last_month)[1]),
        )
    month = int(match.group(2))
    if not 1 <= month <= 12:
        raise PeriodError(_("A month is 01 to 12."))
    return Period(
        f"{year}-{month:02d}",
        frequency,
        dt.date(year, month, 1),
        dt.date(year, month, calendar.monthrange(year, month)[1]),
    )


def period_of_any(text: str) -> Period | None:
    """The period ``text`` names whatever its frequency, or ``None`` (for filters)."""
    found = _frequency_of(text.strip())
    if found is None:
        return None
    try:
        return period_parse(text, frequency=found[0])
    except PeriodError:
        return None
