"""Template filters of the hotline's statistics pages."""

from __future__ import annotations

from django import template

from ecity.hotline.reports import percent as _percent

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """A rate (0–1) as a percentage with one decimal, or a dash when there is none."""
    return _percent(value)
