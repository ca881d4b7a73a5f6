"""Subscriptions: follow a topic by e-mail (confirmed), SMS or in-app; at once or daily; stop."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecity.identity.tests.factories import UserFactory
from ecity.notify.models import Notification, Subscription, TopicItem
from ecity.notify.subscriptions import (
    CONFIRM_SALT,
    subscription_create_for,
    subscription_digests_send,
    topic_items_fan_out,
    topic_publish,
)
from ecity.notify.topics import TopicKind, register_topic_kind, unregister_topic_kind

pytestmark = pytest.mark.django_db

TOPIC = "tests.column:news"


@pytest.fixture(autouse=True)
def column_topics():
    columns = {"news": ("市场监管局 · 新闻动态", "/site/scj/news/")}
    register_topic_kind(
        TopicKind(name="tests.column", label=_("Column"), resolve=lambda key: columns.get(key))
    )
    yield columns
    unregister_topic_kind("tests.column")


def _publish(key: str, title: str, when: dt.datetime | None = None) -> None:
    with transaction.atomic():
        topic_publish(
            topic=TOPIC, key=key, title=title, path=f"/site/scj/news/{key}/", published_at=when
        )


def _emails(event: str) -> list[Notification]:
    return list(Notification.objects.filter(event=event, channel="email").order_by("id"))


def _link(body: str, name: str) -> str:
    match = re.search(r"https?://\S+(/notifications/subscriptions/" + name + r"/[^/\s]+/)", body)
    assert match, body
    return match.group(1)


def test_anonymous_reader_confirms_by_email_hears_of_news_and_unsubscribes(client):
    # when a reader without an account follows the column with their address
    response = client.post(
        reverse("notify:subscribe"),
        {"topic": TOPIC, "email": "reader@example.cn", "frequency": "immediate"},
    )
    # then they are asked to check their mailbox, and only a confirmation is sent
    assert response.status_code == 200
    assert "请查收邮件" in response.content.decode()
    (confirmation,) = _emails("subscription_confirm")
    assert confirmation.to_address == "reader@example.cn"
    assert "市场监管局 · 新闻动态" in confirmation.subject

    # news published before confirming is not sent
    _publish("a1", "关于开展食品安全检查的通知")
    topic_items_fan_out()
    assert _emails("subscription_update") == []

    # when they open the link, the subscription is active
    response = client.get(_link(confirmation.body, "confirm"))
    assert response.status_code == 200
    assert Subscription.objects.get().status == Subscription.Status.ACTIVE

    # news published now reaches them once, with a link to stop
    _publish("a2", "市场监管局发布2026年抽检计划")
    topic_items_fan_out()
    topic_items_fan_out()
    (update,) = _emails("subscription_update")
    assert "市场监管局发布2026年抽检计划" in update.subject
    assert "/site/scj/news/a2/" in update.body

    # one click on the link in the message (then the button) stops the messages
    unsubscribe = _link(update.body, "unsubscribe")
    assert client.get(unsubscribe).status_code == 200
    assert Subscription.objects.get().status == Subscription.Status.ACTIVE  # GET changes nothing
    assert client.post(unsubscribe).status_code == 200
    assert Subscription.objects.get().status == Subscription.Status.CANCELLED
    _publish("a3", "又一条新闻")
    topic_items_fan_out()
    assert len(_emails("subscription_update")) == 1


def test_bad_address_and_unknown_topic_get_clear_answers(client):
    response = client.post(
        reverse("notify:subscribe"), {"topic": TOPIC, "email": "不是邮箱", "frequency": "daily"}
    )
    assert response.status_code == 200
    assert "请输入有效的电子邮箱地址" in response.content.decode()
    assert not Subscription.objects.exists()

    response = client.get(reverse("notify:subscribe"), {"topic": "tests.column:gone"})
    assert response.status_code == 404
    response = client.get(reverse("notify:subscribe"), {"topic": "nonsense"})
    assert response.status_code == 404


def test_same_address_twice_is_one_subscription_and_active_gets_no_new_mail(client):
    data = {"topic": TOPIC, "email": "Reader@Example.cn", "frequency": "immediate"}
    client.post(reverse("notify:subscribe"), data)
    client.post(reverse("notify:subscribe"), {**data, "email": "reader@example.cn"})
    assert Subscription.objects.count() == 1
    assert len(_emails("subscription_confirm")) == 2  # still pending: asked again
    client.get(_link(_emails("subscription_confirm")[-1].body, "confirm"))

    client.post(reverse("notify:subscribe"), data)
    assert len(_emails("subscription_confirm")) == 2


def test_expired_and_forged_confirmation_links_are_refused(client, monkeypatch):
    client.post(
        reverse("notify:subscribe"),
        {"topic": TOPIC, "email": "late@example.cn", "frequency": "immediate"},
    )
    link = _link(_emails("subscription_confirm")[0].body, "confirm")
    later = timezone.now().timestamp() + 4 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.get(link)
    assert response.status_code == 400
    assert "链接已过期" in response.content.decode()
    monkeypatch.undo()

    forged = signing.dumps(str(Subscription.objects.get().public_id), salt="another purpose")
    assert client.get(reverse("notify:subscription_confirm", args=[forged])).status_code == 404
    assert client.get(reverse("notify:subscription_confirm", args=["x" * 20])).status_code == 404
    assert Subscription.objects.get().status == Subscription.Status.PENDING
    assert signing.loads(link.split("/")[-2], salt=CONFIRM_SALT)  # the real one was well-formed


def test_signed_in_person_follows_in_app_and_by_sms(client):
    person = UserFactory(username="follower", phone="13900000001")
    client.force_login(person)
    response = client.post(
        reverse("notify:subscribe"),
        {"topic": TOPIC, "channel": "in_app", "frequency": "immediate"},
    )
    assert response.status_code == 302
    sms = subscription_create_for(user=person, topic=TOPIC, channel="sms", frequency="immediate")
    assert sms.status == Subscription.Status.ACTIVE

    _publish("b1", "政务服务中心调整办公时间的公告")
    topic_items_fan_out()

    channels = sorted(
        Notification.objects.filter(recipient=person, event="subscription_update").values_list(
            "channel", flat=True
        )
    )
    assert channels == ["in_app", "sms"]  # no e-mail: not chosen

    page = client.get(reverse("notify:subscriptions")).content.decode()
    assert "市场监管局 · 新闻动态" in page


def test_sms_without_a_number_is_refused_on_the_field(client):
    person = UserFactory(username="nophone", phone="")
    client.force_login(person)
    response = client.post(
        reverse("notify:subscribe"), {"topic": TOPIC, "channel": "sms", "frequency": "daily"}
    )
    assert response.status_code == 200
    assert "没有手机号码" in response.content.decode()
    assert not Subscription.objects.exists()


def test_nobody_cancels_someone_elses_subscription(client):
    owner = UserFactory(username="owner")
    other = UserFactory(username="other")
    mine = subscription_create_for(user=owner, topic=TOPIC, channel="in_app", frequency="daily")
    client.force_login(other)
    url = reverse("notify:subscription_cancel", args=[mine.public_id])
    assert client.post(url).status_code == 404
    mine.refresh_from_db()
    assert mine.status == Subscription.Status.ACTIVE


def test_daily_digest_bundles_the_days_items_once():
    person = UserFactory(username="digest")
    sub = subscription_create_for(user=person, topic=TOPIC, channel="in_app", frequency="daily")
    _publish("c1", "第一条通知")
    _publish("c2", "第二条通知")
    _publish("c2", "第二条通知（修改后再次发布）")  # the same page again is not news
    assert TopicItem.objects.count() == 2

    assert subscription_digests_send() == 0  # not a day yet
    topic_items_fan_out()  # immediate fan-out does not touch daily subscribers
    assert not Notification.objects.filter(recipient=person).exists()

    tomorrow = timezone.now() + dt.timedelta(hours=25)
    assert subscription_digests_send(now=tomorrow) == 1
    assert subscription_digests_send(now=tomorrow) == 0
    (digest,) = Notification.objects.filter(recipient=person, event="subscription_digest")
    assert "第一条通知" in digest.body and "第二条通知" in digest.body
    assert "修改后" not in digest.body
    assert "2 条" in digest.subject

    # a day with nothing new sends nothing
    sub.refresh_from_db()
    assert subscription_digests_send(now=tomorrow + dt.timedelta(hours=25)) == 0
