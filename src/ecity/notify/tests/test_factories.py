"""The notify factories build valid rows shaped as the services write them."""

from __future__ import annotations

import pytest

from ecity.identity.tests.factories import UserFactory
from ecity.notify.models import Channel, Notification
from ecity.notify.registry import EventGroup
from ecity.notify.selectors import channels_for_event
from ecity.notify.tests.factories import NotificationFactory, NotificationPreferenceFactory

pytestmark = pytest.mark.django_db


def test_a_factory_in_app_notification_is_valid_sent_and_unread():
    notification = NotificationFactory()

    notification.full_clean()
    assert notification.channel == Channel.IN_APP
    assert notification.status == Notification.Status.SENT
    assert notification.sent_at is not None and not notification.is_read


@pytest.mark.parametrize(("trait", "channel"), [("email", Channel.EMAIL), ("sms", Channel.SMS)])
def test_a_factory_outbox_notification_waits_with_its_address(trait, channel):
    recipient = UserFactory(email="zhangsan@example.cn", phone="13800000001")

    notification = NotificationFactory(recipient=recipient, **{trait: True})

    notification.full_clean()
    assert notification.channel == channel
    assert notification.status == Notification.Status.PENDING
    assert notification.to_address in {"zhangsan@example.cn", "13800000001"}


def test_a_factory_preference_is_valid_and_switches_the_channel_off():
    user = UserFactory(email="zhangsan@example.cn")

    preference = NotificationPreferenceFactory(user=user, is_enabled=False)

    preference.full_clean()
    assert preference.event_group == EventGroup.ALL
    channels = channels_for_event(user=user, group=EventGroup.PROGRESS, email=user.email, phone="")
    assert channels == [Channel.IN_APP]
