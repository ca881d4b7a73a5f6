"""Template helpers for the catalogue: bilingual names, query strings."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def localized(obj: Any, field: str = "name") -> str:
    """``obj.<field>_en`` for English readers when present, else ``obj.<field>_zh``."""
    if obj is None:
        return ""
    if (get_language() or "").startswith("en"):
        value = getattr(obj, f"{field}_en", "")
        if value:
            return str(value)
    return str(getattr(obj, f"{field}_zh", "") or "")


@register.simple_tag(takes_context=True)
def query_without(context: dict[str, Any], *names: str, **replace: Any) -> str:
    """The current query string without ``names`` (and ``page``), with ``replace`` applied."""
    query = context["request"].GET.copy()
    for name in (*names, "page"):
        query.pop(name, None)
    for name, value in replace.items():
        query[name] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"
