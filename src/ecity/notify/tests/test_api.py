"""Notifications API: my messages, mark read, my settings."""

from __future__ import annotations

import pytest

from ecity.notify.models import Notification
from ecity.notify.tests.conftest import enqueue

pytestmark = pytest.mark.django_db

LIST = "/api/v1/notifications/"
PREFERENCES = "/api/v1/notifications/preferences/"


def test_list_needs_login(api_client):
    response = api_client.get(LIST)
    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"


def test_list_returns_only_my_in_app_messages(api_client, citizen, other_citizen):
    enqueue(citizen, key="mine")
    enqueue(other_citizen, key="theirs")
    api_client.force_authenticate(citizen)

    response = api_client.get(LIST)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["id"] == str(
        Notification.objects.get(recipient=citizen, channel="in_app").public_id
    )
    assert item["event"] == "case_accepted"
    assert item["subject"] == "办件 SF20250517000001 已受理"
    assert item["reference"] == "SF20250517000001"
    assert item["case_number"] == "SF20250517000001"  # deprecated alias, kept for clients
    assert item["link"] == "/cases/3fa85f64-5717-4562-b3fc-2c963f66afa6/"
    assert item["is_read"] is False


def test_list_can_show_unread_only_and_paginates(api_client, citizen):
    for n in range(3):
        enqueue(citizen, key=f"k{n}")
    Notification.objects.filter(idempotency_key="k0", channel="in_app").update(is_read=True)
    api_client.force_authenticate(citizen)

    assert api_client.get(LIST, {"unread": "true"}).json()["count"] == 2
    page = api_client.get(LIST, {"page_size": 2}).json()
    assert page["count"] == 3
    assert len(page["results"]) == 2
    assert page["next"] is not None


def test_list_rejects_a_bad_filter(api_client, citizen):
    api_client.force_authenticate(citizen)
    response = api_client.get(LIST, {"unread": "perhaps"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["unread"]


def test_mark_read(api_client, citizen):
    enqueue(citizen)
    message = Notification.objects.get(channel="in_app")
    api_client.force_authenticate(citizen)

    response = api_client.post(f"{LIST}{message.public_id}/read/")

    assert response.status_code == 200
    assert response.json()["is_read"] is True
    assert response.json()["read_at"] is not None


def test_mark_read_of_someone_elses_message_is_404(api_client, citizen, other_citizen):
    enqueue(other_citizen)
    theirs = Notification.objects.get(channel="in_app")
    api_client.force_authenticate(citizen)

    response = api_client.post(f"{LIST}{theirs.public_id}/read/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "This notification does not exist.",
        "fields": {},
    }
    theirs.refresh_from_db()
    assert theirs.is_read is False


def test_get_preferences(api_client, citizen):
    api_client.force_authenticate(citizen)
    channels = {c["channel"]: c for c in api_client.get(PREFERENCES).json()["channels"]}
    assert channels["in_app"]["is_switchable"] is False
    assert channels["email"]["address"] == "z***@example.cn"
    assert channels["sms"]["address"] == "138****0001"
    assert channels["sms"]["groups"] == {
        "progress": True,
        "action_required": True,
        "result": True,
        "staff": True,
        "subscriptions": True,
    }


def test_put_preferences(api_client, citizen):
    api_client.force_authenticate(citizen)

    response = api_client.put(
        PREFERENCES,
        {"channels": [{"channel": "email", "groups": {"all": False, "result": True}}]},
        format="json",
    )

    assert response.status_code == 200
    email = next(c for c in response.json()["channels"] if c["channel"] == "email")
    assert email["groups"] == {
        "progress": False,
        "action_required": False,
        "result": True,
        "staff": False,
        "subscriptions": False,
    }


def test_put_preferences_cannot_switch_in_app_off(api_client, citizen):
    api_client.force_authenticate(citizen)
    response = api_client.put(
        PREFERENCES,
        {"channels": [{"channel": "in_app", "groups": {"all": False}}]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"in_app": ["站内消息不能关闭。"]}


def test_put_preferences_validates_the_shape(api_client, citizen):
    api_client.force_authenticate(citizen)
    response = api_client.put(
        PREFERENCES, {"channels": [{"channel": "email", "groups": {"all": "x"}}]}, format="json"
    )
    assert response.status_code == 400
    assert "channels.0.groups.all" in response.json()["fields"]
