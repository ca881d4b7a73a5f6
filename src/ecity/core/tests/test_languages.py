"""The city's name in the reader's language; Chinese passages on English pages are marked."""

from __future__ import annotations

from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

from ecity.core.languages import city_name, is_chinese_text


@override_settings(ECITY_CITY_NAME="示范市", ECITY_CITY_NAME_EN="Shifan City")
def test_city_name_follows_the_language():
    assert city_name("zh-hans") == "示范市"
    assert city_name("en") == "Shifan City"
    with translation.override("en"):
        assert city_name() == "Shifan City"


@override_settings(ECITY_CITY_NAME="示范市", ECITY_CITY_NAME_EN="")
def test_without_an_english_name_the_chinese_one_is_used():
    assert city_name("en") == "示范市"


def test_mostly_chinese_text_is_chinese():
    assert is_chinese_text("《食品安全法》第三十五条")
    assert is_chinese_text("GB 32100 统一社会信用代码编码规则")
    assert not is_chinese_text("Food business licence (食品经营许可)")
    assert not is_chinese_text("2026-SCJ-000123")
    assert not is_chinese_text("")


def test_zh_lang_marks_chinese_only_on_pages_in_another_language():
    template = Template("{% load ecity_lang %}<p{{ text|zh_lang }}>{{ text }}</p>")
    context = Context({"text": "本市户籍居民。"})

    with translation.override("en"):
        assert template.render(context) == '<p lang="zh">本市户籍居民。</p>'
    with translation.override("zh-hans"):
        assert template.render(context) == "<p>本市户籍居民。</p>"
