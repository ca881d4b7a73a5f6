"""Template helpers for the language switcher."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def default_language_path(context: dict[str, Any]) -> str:
    """The current page's address in the default language (without the ``/en/`` prefix).

    Django's ``set_language`` view runs outside the language prefix, so it resolves ``next`` in
    the default language: an ``/en/...`` address would not resolve and switching from English
    back to Chinese would return to the English page. Handing it the unprefixed address lets it
    translate ``next`` into whichever language was chosen.
    """
    request = context.get("request")
    if request is None:
        return "/"
    path = request.get_full_path()
    translated = translate_url(path, settings.LANGUAGE_CODE)
    prefix = f"/{get_language()}/"
    if translated == path and get_language() != settings.LANGUAGE_CODE and path.startswith(prefix):
        # Not a resolvable page (a 404, say): drop the prefix so the switch still works.
        translated = "/" + path[len(prefix) :]
    return translated
