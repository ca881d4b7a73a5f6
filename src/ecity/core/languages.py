"""The languages of what people read: the city's name, and Chinese text in English pages.

The interface is Chinese (zh-Hans) with English as the second language. Much of the content
is written once, in Chinese (legal bases, conditions, answers people typed): in English mode it
is shown as it is, marked ``lang="zh"`` so that screen readers read it in Chinese and browsers
pick Chinese fonts and line breaking (WCAG 3.1.2, language of parts).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import get_language

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def is_chinese_language(language: str | None = None) -> bool:
    """Whether ``language`` (the active one by default) is Chinese."""
    return (language or get_language() or settings.LANGUAGE_CODE).lower().startswith("zh")


def city_name(language: str | None = None) -> str:
    """The city's name in ``language`` (the active one by default).

    ``ECITY_CITY_NAME`` in Chinese, ``ECITY_CITY_NAME_EN`` in any other language (the Chinese
    name when no English name is set).
    """
    if is_chinese_language(language):
        return str(settings.ECITY_CITY_NAME)
    return str(settings.ECITY_CITY_NAME_EN or settings.ECITY_CITY_NAME)


def is_chinese_text(text: object) -> bool:
    """Whether ``text`` is mostly Chinese: more Han characters than Latin letters."""
    value = str(text or "")
    han = len(_HAN.findall(value))
    return han > 0 and han > len(_LATIN.findall(value))


def needs_chinese_mark(text: object, language: str | None = None) -> bool:
    """Whether ``text`` shown on a page in ``language`` must be marked ``lang="zh"``."""
    return not is_chinese_language(language) and is_chinese_text(text)
