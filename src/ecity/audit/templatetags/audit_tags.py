"""Template helpers for audit pages: entries in words, page links that keep the filters."""

from __future__ import annotations

from django import template
from django.http import HttpRequest

from ecity.audit import labels
from ecity.audit.models import AuditEntry

register = template.Library()


@register.filter
def action_label(entry: AuditEntry) -> str:
    return labels.action_label(entry.action)


@register.filter
def object_type_label(entry: AuditEntry) -> str:
    return labels.object_type_label(entry.object_type)


@register.filter
def field_labels(entry: AuditEntry) -> str:
    return "、".join(labels.field_labels(entry.object_type, entry.fields or []))


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, number: int) -> str:
    """The current address with ``page`` set to ``number`` (other parameters kept)."""
    request: HttpRequest = context["request"]
    params = request.GET.copy()
    params["page"] = str(number)
    return "?" + params.urlencode()
