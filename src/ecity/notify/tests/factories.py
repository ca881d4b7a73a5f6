"""factory_boy factories for the notification outbox and the channel preferences.

``NotificationFactory`` makes rows as ``notification_enqueue`` leaves them: an in-app message is
sent as soon as it is written (the inbox is the delivery), an e-mail or SMS waits ``pending``
with its address and a due time. Use the ``email``/``sms`` traits for the outbox channels.
"""

from __future__ import annotations

import factory
from django.utils import timezone

from ecity.identity.tests.factories import UserFactory
from ecity.notify.models import Channel, Notification, NotificationPreference
from ecity.notify.registry import EventGroup


class NotificationFactory(factory.django.DjangoModelFactory):
    """An unread in-app message to an account that its application was accepted."""

    class Meta:
        model = Notification

    class Params:
        email = factory.Trait(
            channel=Channel.EMAIL,
            to_address=factory.LazyAttribute(lambda o: o.recipient.email),
        )
        sms = factory.Trait(
            channel=Channel.SMS,
            to_address=factory.LazyAttribute(lambda o: o.recipient.phone),
        )

    recipient = factory.SubFactory(UserFactory)
    channel = Channel.IN_APP
    event = "case_accepted"
    object_type = "cases.case"
    object_id = factory.Faker("uuid4")
    reference = factory.Sequence(lambda n: f"2026-SCJ-{n:06d}")
    language = "zh-hans"
    subject = factory.LazyAttribute(lambda o: f"您的申请已受理（{o.reference}）")
    body = factory.LazyAttribute(lambda o: f"您提交的申请 {o.reference} 已受理。")
    link_path = factory.LazyAttribute(lambda o: f"/cases/{o.object_id}/")
    to_address = ""
    status = factory.LazyAttribute(
        lambda o: Notification.Status.SENT
        if o.channel == Channel.IN_APP
        else Notification.Status.PENDING
    )
    sent_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Notification.Status.SENT else None
    )
    next_attempt_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Notification.Status.PENDING else None
    )
    idempotency_key = factory.LazyAttribute(lambda o: f"{o.event}:{o.object_id}:{o.recipient.pk}")


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    """An account's choice for one channel (e-mail by default) and every event group."""

    class Meta:
        model = NotificationPreference
        django_get_or_create = ("user", "channel", "event_group")

    user = factory.SubFactory(UserFactory)
    channel = Channel.EMAIL
    event_group = EventGroup.ALL
    is_enabled = True
