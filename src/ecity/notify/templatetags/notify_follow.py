"""``{% follow_url topic %}``: the address of the page where anyone follows a topic."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def follow_url(topic: str) -> str:
    return f"{reverse('notify:subscribe')}?{urlencode({'topic': topic})}"
