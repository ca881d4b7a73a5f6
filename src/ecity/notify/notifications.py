"""Notify's own notifications: the subscription messages (``ecity.notify.subscriptions``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.notify.registry import EventGroup, NotificationEvent, register_events

register_events(
    NotificationEvent(
        name="subscription_confirm",
        label=_("Confirm your subscription"),
        group=EventGroup.ACTION_REQUIRED,
        templates="notify/events/subscription_confirm",
        link_label=_("Confirm the subscription"),
        sms_needs_link=True,
    ),
    NotificationEvent(
        name="subscription_update",
        label=_("New on something you follow"),
        group=EventGroup.SUBSCRIPTIONS,
        templates="notify/events/subscription_update",
        link_label=_("Read it"),
    ),
    NotificationEvent(
        name="subscription_digest",
        label=_("Daily digest of what you follow"),
        group=EventGroup.SUBSCRIPTIONS,
        templates="notify/events/subscription_digest",
        link_label=_("Read the newest"),
    ),
)
