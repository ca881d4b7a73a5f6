"""Forms of the statistics pages (they collect the period and options of a read)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecity.hotline.selectors.hotspot_overview import DEFAULT_DAYS
from ecity.hotline.selectors.hotspots import Period

MAX_DAYS = 366
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=pgettext_lazy("start of a period", "From"),
        widget=DATE,
        error_messages={"invalid": _("Enter a date.")},
    )
    end = forms.DateField(
        label=pgettext_lazy("end of a period", "To"),
        widget=DATE,
        error_messages={"invalid": _("Enter a date.")},
    )

    default_days = DEFAULT_DAYS

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        # An empty query string shows the default period rather than errors.
        if data is not None and not any(data.get(name) for name in ("start", "end")):
            data = None
        super().__init__(data, **kwargs)
        if data is None:
            period = Period.last_days(self.default_days)
            self.initial.update(start=period.start, end=period.end)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end date must not be before the start date."))
            elif (end - start).days >= MAX_DAYS:
                self.add_error("end", _("Choose a period of at most 366 days."))
            elif end > timezone.localdate() + dt.timedelta(days=1):
                self.add_error("end", _("The end date must not be in the future."))
        return data

    def period(self) -> Period:
        """The chosen period (the default one while the form is unbound)."""
        if not self.is_bound:
            return Period(start=self.initial["start"], end=self.initial["end"])
        return Period(start=self.cleaned_data["start"], end=self.cleaned_data["end"])


class HotspotsForm(PeriodForm):
    granularity = forms.ChoiceField(
        label=_("Count per"),
        choices=[("day", _("day")), ("week", _("week"))],
        initial="day",
        required=False,
    )
    topic_days = forms.IntegerField(
        label=_("Rising topics: last days"),
        min_value=1,
        max_value=90,
        initial=7,
        required=False,
        help_text=_("Compared with the four times as many days before them."),
        error_messages={
            "invalid": _("Enter a whole number."),
            "min_value": _("Enter at least 1."),
            "max_value": _("Enter at most 90."),
        },
    )


class MeasuresForm(PeriodForm):
    grouping = forms.ChoiceField(
        label=_("Per"),
        choices=[("department", _("department")), ("subdistrict", _("sub-district"))],
        initial="department",
        required=False,
    )
    order = forms.ChoiceField(
        label=_("Rank by"),
        choices=[
            ("score", _("Score")),
            ("sign_rate", _("Sign-for rate")),
            ("on_time_rate", _("On-time rate")),
            ("solved_rate", _("Solved rate")),
            ("satisfied_rate", _("Satisfaction rate")),
            ("repeat_rate", _("Repeat complaint rate")),
            ("return_rate", _("Return rate")),
            ("average_hours", _("Average handling time")),
        ],
        initial="score",
        required=False,
    )


class WeekForm(forms.Form):
    week = forms.DateField(
        label=_("A day of the week"),
        widget=DATE,
        help_text=_("The report covers Monday to Sunday of that week."),
        error_messages={"invalid": _("Enter a date."), "required": _("Enter a date.")},
    )

    def week_period(self) -> Period:
        """Monday to Sunday of the chosen day's week."""
        day = self.cleaned_data["week"]
        monday = day - dt.timedelta(days=day.weekday())
        return Period(start=monday, end=monday + dt.timedelta(days=6))
