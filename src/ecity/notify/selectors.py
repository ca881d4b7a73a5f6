"""Reads of notifications and preferences, limited to what the caller may see."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ecity.core.accounts import Account
from ecity.core.errors import NotFound
from ecity.core.masking import mask_email, mask_phone
from ecity.notify.models import Channel, Notification, NotificationPreference, Subscription
from ecity.notify.registry import EventGroup

SWITCHABLE_CHANNELS = (Channel.EMAIL.value, Channel.SMS.value)
PREFERENCE_GROUPS = tuple(group for group in EventGroup.values if group != EventGroup.ALL)


@dataclass(frozen=True)
class GroupPreference:
    group: str
    label: str
    is_enabled: bool


@dataclass(frozen=True)
class ChannelPreferences:
    """A user's effective settings for one channel, for the preferences page and API."""

    channel: str
    label: str
    address_masked: str
    has_address: bool
    is_switchable: bool
    groups: list[GroupPreference]


def notification_list_for(*, user: Account, unread_only: bool = False) -> QuerySet[Notification]:
    """List the user's own in-app notifications: unread first, then newest first.

    Only the recipient sees a notification; e-mail and SMS rows (the outbox) are not listed.
    """
    rows = Notification.objects.filter(recipient=user, channel=Channel.IN_APP)
    if unread_only:
        rows = rows.filter(is_read=False)
    return rows.order_by("is_read", "-created_at", "-id")


def notification_get_for(*, user: Account, public_id: uuid.UUID | str) -> Notification:
    """Return one of the user's own in-app notifications.

    Raises NotFound for unknown ids and for other people's notifications alike, so ids cannot be
    probed.
    """
    try:
        return Notification.objects.get(public_id=public_id, recipient=user, channel=Channel.IN_APP)
    except (Notification.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("This notification does not exist.")) from exc


def notifications_about(*, obj: models.Model) -> QuerySet[Notification]:
    """List every notification (all channels and recipients) about ``obj``, oldest first.

    For staff tools and tests; not filtered by recipient, so never hand it to a citizen.
    """
    public_id = getattr(obj, "public_id", None)
    return Notification.objects.filter(
        object_type=obj._meta.label_lower,
        object_id=str(public_id if public_id is not None else obj.pk),
    ).order_by("created_at", "id")


def unread_count(*, user: Account) -> int:
    """Count the user's unread in-app notifications (0 for anonymous visitors)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(
        recipient=user, channel=Channel.IN_APP, is_read=False
    ).count()


def _stored_choices(user: Account) -> dict[tuple[str, str], bool]:
    rows = NotificationPreference.objects.filter(user=user).values_list(
        "channel", "event_group", "is_enabled"
    )
    return {(channel, group): enabled for channel, group, enabled in rows}


def _effective(choices: dict[tuple[str, str], bool], channel: str, group: str) -> bool:
    # A group row wins over the channel's "all" row; without either the channel is on.
    if (channel, group) in choices:
        return choices[(channel, group)]
    return choices.get((channel, EventGroup.ALL.value), True)


def channels_for_event(*, user: Account | None, group: str, email: str, phone: str) -> list[str]:
    """Return the channels a notification of an event of ``group`` goes out on, in fixed order.

    Rules: in-app always for an account (it cannot be switched off); e-mail when there is an
    address and the user's preference for the event's group allows it; SMS likewise with a phone
    number. A recipient without an account gets e-mail and SMS whenever an address is given
    (they gave it at the counter for this purpose).
    """
    if user is None:
        channels = []
        if email:
            channels.append(Channel.EMAIL.value)
        if phone:
            channels.append(Channel.SMS.value)
        return channels
    choices = _stored_choices(user)
    channels = [Channel.IN_APP.value]
    if email and _effective(choices, Channel.EMAIL, group):
        channels.append(Channel.EMAIL.value)
    if phone and _effective(choices, Channel.SMS, group):
        channels.append(Channel.SMS.value)
    return channels


def preferences_for(*, user: Account) -> list[ChannelPreferences]:
    """Return the user's effective notification settings, one entry per channel.

    Addresses are masked. In-app is listed as always on and not switchable; a channel without
    an address is shown off (nothing can be sent) whatever the stored choice.
    """
    choices = _stored_choices(user)
    addresses = {
        Channel.IN_APP.value: ("", True),
        Channel.EMAIL.value: (mask_email(user.email), bool(user.email)),
        Channel.SMS.value: (mask_phone(user.phone), bool(user.phone)),
    }
    result = []
    for channel in Channel:
        masked, has_address = addresses[channel.value]
        switchable = channel.value in SWITCHABLE_CHANNELS
        groups = [
            GroupPreference(
                group=group,
                label=str(EventGroup(group).label),
                is_enabled=(
                    has_address and (not switchable or _effective(choices, channel.value, group))
                ),
            )
            for group in PREFERENCE_GROUPS
        ]
        result.append(
            ChannelPreferences(
                channel=channel.value,
                label=str(channel.label),
                address_masked=masked,
                has_address=has_address,
                is_switchable=switchable,
                groups=groups,
            )
        )
    return result


def subscription_list_for(*, user: Account) -> QuerySet[Subscription]:
    """The user's subscriptions that are not cancelled, newest first."""
    return Subscription.objects.filter(account=user).exclude(status=Subscription.Status.CANCELLED)


def followed_topics(*, kind: str) -> list[str]:
    """The topics of ``kind`` ("search.query") that someone actively follows, each once."""
    return list(
        Subscription.objects.filter(topic__startswith=f"{kind}:", status=Subscription.Status.ACTIVE)
        .values_list("topic", flat=True)
        .distinct()
        .order_by("topic")
    )
