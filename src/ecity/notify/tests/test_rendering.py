"""Rendering event messages: languages, links, plain text, short SMS."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.translation import gettext_lazy

from ecity.notify.registry import event_get, registered_events
from ecity.notify.rendering import localised_path, render_message, sms_compose

FULL_CONTEXT = {
    "case_number": "SF20250517000001",
    "service_name": {"zh-hans": "食品经营许可", "en": "Food business licence"},
    "department_name": {"zh-hans": "市市场监督管理局", "en": "Market Regulation"},
    "link_path": "/cases/3fa85f64/",
    "recipient_name": "张三",
    "due_on": dt.date(2025, 6, 3),
    "acceptance_due_on": dt.date(2025, 5, 23),
    "correction_due_on": dt.date(2025, 6, 10),
    "query_code": "ABCD1234",
    # a joint application (一件事) of cases
    "joint_number": "YJS-2025-000001",
    "joint_name": {"zh-hans": "开办餐馆“一件事”", "en": "Opening a restaurant"},
    "cases": [
        {"zh-hans": "食品经营许可（市市场监督管理局）：SF20250517000001", "en": "Food (SCJ): SF1"},
    ],
    "reason": "材料不全",
    "items": ["营业执照"],
    "certificate_name": "食品经营许可证",
    "certificate_number": "JY13101010000001",
    "task_name": "审查",
    "urged_by": "李督办",
    "message": "请今天处理",
    "rating_text": "不满意",
    "comment": "等太久",
    # data sharing requests (registry)
    "requester": {"zh-hans": "示范市人力资源和社会保障局", "en": "Human Resources Bureau"},
    "provider": {"zh-hans": "示范市公安局", "en": "Public Security Bureau"},
    "resource_name": {"zh-hans": "人口基础信息", "en": "Population base information"},
    "resource_code": "330100-GAJ-0001",
    "purpose": "核验参保人员身份",
    "decision": gettext_lazy("Approved"),
    # account security (identity)
    "username": "zhangsan",
    "new_value": "n***@example.org",
    "code": "123456",
    "minutes": 10,
    "valid_hours": 24,
}


def render(*, event, context, language):
    """Render a declared event (the events of cases: the first app that notifies)."""
    return render_message(templates=event_get(event).templates, context=context, language=language)


# The events about a case carry its number and link, a joint application's its number (the
# other apps' events are about accounts).
CASE_EVENTS = sorted(
    name for name, event in registered_events().items() if event.templates.startswith("cases/")
)


@pytest.mark.parametrize("event", sorted(registered_events()))
def test_every_event_renders_in_chinese_and_english(event):
    zh = render(event=event, context=FULL_CONTEXT, language="zh-hans")
    en = render(event=event, context=FULL_CONTEXT, language="en")

    # every text exists in both languages, and the Chinese one is translated
    for message in (zh, en):
        assert message.subject
        assert message.body.endswith(("请勿直接回复。", "Please do not reply to it."))
    assert zh.subject != en.subject
    assert zh.body != en.body
    assert en.subject.isascii()
    assert len(zh.sms_text) <= 70


@pytest.mark.parametrize("event", CASE_EVENTS)
def test_case_events_carry_the_case_number_and_its_link(event):
    zh = render(event=event, context=FULL_CONTEXT, language="zh-hans")
    en = render(event=event, context=FULL_CONTEXT, language="en")

    reference = "YJS-2025-000001" if event.startswith("joint_") else "SF20250517000001"
    for message in (zh, en):
        assert reference in message.subject
        assert reference in message.sms_text
    assert "http://127.0.0.1:8000/cases/3fa85f64/" in zh.body
    assert "http://127.0.0.1:8000/en/cases/3fa85f64/" in en.body


def test_missing_optional_values_leave_no_empty_labels():
    message = render(
        event="case_refused",
        context={"case_number": "X1", "service_name": "登记"},
        language="zh-hans",
    )
    assert "原因" not in message.body
    assert "您好：" in message.body


def test_text_is_not_html_escaped():
    message = render(
        event="case_refused",
        context={"case_number": "X1", "service_name": "A & B <C>", "reason": "\"x\" & 'y'"},
        language="en",
    )
    assert "“A & B <C>”" in message.body
    assert "Reason: \"x\" & 'y'" in message.body


def test_lazy_translations_in_the_context_follow_the_recipients_language():
    context = {"case_number": "X1", "rating_text": gettext_lazy("Unread")}
    zh = render(event="rating_low", context=context, language="zh-hans")
    en = render(event="rating_low", context=context, language="en")
    assert "评价：未读" in zh.body
    assert "Rating: Unread" in en.body


def test_dates_are_written_the_readers_way():
    context = {"case_number": "X1", "due_on": dt.date(2025, 6, 3)}
    assert "2025年6月3日" in render(event="case_accepted", context=context, language="zh-hans").body
    assert "June 3, 2025" in render(event="case_accepted", context=context, language="en").body


@pytest.mark.parametrize(
    ("path", "language", "expected"),
    [
        ("/cases/1/", "zh-hans", "/cases/1/"),
        ("/cases/1/", "en", "/en/cases/1/"),
        ("/en/cases/1/", "en", "/en/cases/1/"),
        ("/en/cases/1/", "zh-hans", "/cases/1/"),
        ("/api/v1/cases/1/", "en", "/api/v1/cases/1/"),
        ("javascript:alert(1)", "en", ""),
        ("https://evil.example/", "zh-hans", ""),
        ("//evil.example/", "zh-hans", ""),
        ("", "en", ""),
    ],
)
def test_links_stay_on_this_site_and_follow_the_language(path, language, expected):
    assert localised_path(path, language) == expected


def test_sms_keeps_the_case_link_when_it_fits():
    text = sms_compose(
        "办件X1已受理。", link="http://a.cn/cases/1/", site_url="http://a.cn", signature="【市】"
    )
    assert text == "【市】办件X1已受理。 http://a.cn/cases/1/"


def test_sms_falls_back_to_the_site_address_then_shortens_the_text():
    long_link = "http://a.cn/cases/" + "x" * 60 + "/"
    text = sms_compose("办件X1已受理。", link=long_link, site_url="http://a.cn", signature="【市】")
    assert text == "【市】办件X1已受理。 http://a.cn"

    long_text = "办件X1需要补正，" + "请尽快提交补正材料" * 10
    text = sms_compose(long_text, link=long_link, site_url="http://a.cn", signature="【市】")
    assert len(text) == 70
    assert text.startswith("【市】办件X1需要补正")
    assert text.endswith("… http://a.cn")


def test_latin_sms_may_be_longer():
    text = sms_compose(
        "Case X1 " + "word " * 20,
        link="http://a.cn/c/",
        site_url="http://a.cn",
        signature="[City] ",
    )
    assert len(text) <= 160
    assert text.endswith("http://a.cn/c/")


def test_english_variants_aliases_and_iso_dates_from_callers():
    # given the shape the case services pass: name_en beside name, other key names, ISO dates
    context = {
        "case_number": "X1",
        "service_name": "食品经营许可",
        "service_name_en": "Food business licence",
        "note": "Please hurry",
        "committed_due_on": "2025-06-03",
    }

    en = render(event="case_urged", context=context, language="en")
    zh = render(event="case_urged", context=context, language="zh-hans")

    assert "Service: Food business licence" in en.body
    assert "Message: Please hurry" in en.body
    assert "Due by: June 3, 2025" in en.body
    assert "办理事项：食品经营许可" in zh.body
    assert "办理期限：2025年6月3日" in zh.body


def test_an_sms_that_needs_its_link_keeps_it_in_two_segments():
    # Given an event whose SMS is useless without its link (a questionnaire)
    link = "http://a.cn/hotline/callback/" + "k" * 24 + "/"
    long_text = "诉求HL1已办结，是否解决、是否满意？" + "请点击链接评价" * 20
    # When the text and the link do not fit into one segment
    text = sms_compose(
        long_text, link=link, site_url="http://a.cn", signature="【市】", needs_link=True
    )
    # Then the link stays whole, the text is cut, and the message fits two segments
    assert text.endswith(" " + link)
    assert text.startswith("【市】诉求HL1已办结") and "…" in text
    assert len(text) <= 2 * 67


def test_texts_no_channel_shows_are_left_unrendered():
    # Given an event rendered in full
    event = "case_accepted"
    full = render(event=event, context=FULL_CONTEXT, language="zh-hans")

    # When only the SMS is wanted (a caller known only by phone), or only the body
    sms_only = render_message(
        templates=event_get(event).templates, context=FULL_CONTEXT, language="zh-hans", body=False
    )
    body_only = render_message(
        templates=event_get(event).templates, context=FULL_CONTEXT, language="zh-hans", sms=False
    )

    # Then the texts rendered are the same, and the others are empty
    assert (sms_only.subject, sms_only.sms_text, sms_only.body) == (full.subject, full.sms_text, "")
    assert (body_only.subject, body_only.body, body_only.sms_text) == (full.subject, full.body, "")
    assert sms_only.link_path == body_only.link_path == full.link_path
