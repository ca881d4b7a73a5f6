"""Template helpers for accessible forms."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def accessible_widget(field: BoundField, also: str = "") -> SafeString:
    """Render a field's widget linked to its hint and error text for screen readers.

    ``also`` names one more description by its suffix: ``field|accessible_widget:"source"``
    adds ``<id>-source`` (the element with that id must be on the page).
    """
    described_by = []
    if field.help_text:
        described_by.append(f"{field.id_for_label}-hint")
    if also:
        described_by.append(f"{field.id_for_label}-{also}")
    if field.errors:
        described_by.append(f"{field.id_for_label}-error")
    attrs: dict[str, str] = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
