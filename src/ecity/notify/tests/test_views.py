"""The inbox and notification settings pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecity.identity.tests.factories import UserFactory
from ecity.notify.models import Notification, NotificationPreference
from ecity.notify.tests.conftest import enqueue

pytestmark = pytest.mark.django_db


def _in_app(user):
    return Notification.objects.get(recipient=user, channel="in_app")


def test_inbox_needs_login(client):
    response = client.get(reverse("notify:inbox"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_inbox_lists_only_my_messages_unread_first(client, citizen, other_citizen):
    # given two of my messages (the older one unread) and someone else's
    enqueue(citizen, key="old", event="case_submitted")
    enqueue(citizen, key="new", event="case_accepted")
    enqueue(other_citizen, key="theirs", event="case_rejected")
    Notification.objects.filter(recipient=citizen, event="case_accepted").update(is_read=True)
    client.force_login(citizen)

    # when I open my inbox
    response = client.get(reverse("notify:inbox"))

    # then I see my two messages, the unread one first, and not the other person's
    html = response.content.decode()
    assert response.status_code == 200
    assert [n.event for n in response.context["page"].object_list] == [
        "case_submitted",
        "case_accepted",
    ]
    assert "办件 SF20250517000001 已提交" in html
    assert "不予批准" not in html
    assert "您有 1 条未读消息。" in html
    assert 'href="/cases/3fa85f64-5717-4562-b3fc-2c963f66afa6/"' in html
    assert html.count("<h1") == 1


def test_inbox_in_english(client, english_citizen):
    enqueue(english_citizen)
    client.force_login(english_citizen)
    html = client.get("/en/notifications/").content.decode()
    assert "My messages" in html
    assert "Application SF20250517000001 accepted" in html


def test_mark_read_by_post_and_return_to_the_inbox(client, citizen):
    enqueue(citizen)
    message = _in_app(citizen)
    client.force_login(citizen)

    response = client.post(
        reverse("notify:read", args=[message.public_id]), {"next": "/notifications/?page=1"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/notifications/?page=1"
    message.refresh_from_db()
    assert message.is_read is True


def test_mark_read_ignores_a_foreign_next_address(client, citizen):
    enqueue(citizen)
    client.force_login(citizen)
    response = client.post(
        reverse("notify:read", args=[_in_app(citizen).public_id]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("notify:inbox")


def test_mark_read_of_someone_elses_message_is_404(client, citizen, other_citizen):
    enqueue(other_citizen)
    theirs = _in_app(other_citizen)
    client.force_login(citizen)

    response = client.post(reverse("notify:read", args=[theirs.public_id]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_read is False


def test_mark_read_needs_post(client, citizen):
    enqueue(citizen)
    client.force_login(citizen)
    response = client.get(reverse("notify:read", args=[_in_app(citizen).public_id]))
    assert response.status_code == 405


def test_mark_all_read(client, citizen):
    enqueue(citizen, key="a")
    enqueue(citizen, key="b", event="case_approved")
    client.force_login(citizen)

    response = client.post(reverse("notify:read_all"), follow=True)

    assert response.status_code == 200
    assert "所有消息已标为已读。" in response.content.decode()
    assert not Notification.objects.filter(recipient=citizen, is_read=False, channel="in_app")


def test_preferences_page_shows_masked_addresses_and_in_app_always_on(client, citizen):
    client.force_login(citizen)
    response = client.get(reverse("notify:preferences"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "z***@example.cn" in html
    assert "138****0001" in html
    assert "zhangsan@example.cn" not in html
    assert "站内消息不能关闭" in html
    assert 'name="email__result"' in html
    assert 'name="in_app__result"' not in html
    assert html.count("<h1") == 1


def test_preferences_form_saves_choices(client, citizen):
    # given I untick everything but results for SMS, and keep e-mail as it is
    client.force_login(citizen)
    data = {
        "email__progress": "on",
        "email__action_required": "on",
        "email__result": "on",
        "email__staff": "on",
        "email__subscriptions": "on",
        "sms__result": "on",
    }

    # when I save
    response = client.post(reverse("notify:preferences"), data, follow=True)

    # then the choices are stored, and the page says so
    assert response.status_code == 200
    assert "您的通知设置已保存。" in response.content.decode()
    stored = dict(
        NotificationPreference.objects.filter(user=citizen, channel="sms").values_list(
            "event_group", "is_enabled"
        )
    )
    assert stored == {
        "progress": False,
        "action_required": False,
        "result": True,
        "staff": False,
        "subscriptions": False,
    }
    assert "sms" not in {row.channel for row in enqueue(citizen, event="case_accepted")}


def test_preferences_without_phone_cannot_switch_sms_on(client, db):
    user = UserFactory(username="nophone", phone="", email="np@example.cn")
    client.force_login(user)
    response = client.get(reverse("notify:preferences"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "您的账号没有手机号码" in html
    assert 'name="sms__result"' not in html
    assert 'name="email__result"' in html

    response = client.post(reverse("notify:preferences"), {"sms__result": "on"})

    assert response.status_code == 302  # saved (the e-mail choices), back to the page
    assert not NotificationPreference.objects.filter(user=user, channel="sms").exists()


def test_nav_link_shows_unread_count(client, citizen, rf):
    from django.template.loader import render_to_string

    from ecity.notify.context_processors import unread_count

    enqueue(citizen, key="a")
    enqueue(citizen, key="b", event="case_approved")
    request = rf.get("/")
    request.user = citizen
    context = {"user": citizen, **unread_count(request)}

    html = render_to_string("notify/_nav_link.html", context)

    assert 'href="/notifications/"' in html
    assert "2 条未读" in html


def test_unread_count_is_zero_for_visitors(rf):
    from django.contrib.auth.models import AnonymousUser

    from ecity.notify.context_processors import unread_count

    request = rf.get("/")
    request.user = AnonymousUser()
    assert unread_count(request) == {"unread_notifications": 0}
