"""Template helpers for the language of parts: ``{{ text|zh_lang }}`` on the enclosing tag.

``<p{{ version.legal_basis|zh_lang }}>{{ version.legal_basis }}</p>`` gives
``<p lang="zh">…</p>`` when the page is not Chinese and the text is (see
``ecity.core.languages``); nothing otherwise.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from ecity.core.languages import needs_chinese_mark

register = template.Library()


@register.filter
def zh_lang(text: object) -> SafeString:
    """`` lang="zh"`` for a tag holding Chinese ``text`` on a page in another language."""
    return mark_safe(' lang="zh"') if needs_chinese_mark(text) else mark_safe("")
