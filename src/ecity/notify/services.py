"""Writes of the notify app: enqueue into the outbox, mark read, preferences, retry.

Delivery itself (``deliver_due_notifications``) lives in ``ecity.notify.delivery`` and is
re-exported here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.accounts import Account
from ecity.core.errors import NotFound, ValidationFailed
from ecity.notify.delivery import deliver_due_notifications
from ecity.notify.models import Channel, Notification, NotificationPreference
from ecity.notify.registry import EventGroup, event_get, link_for
from ecity.notify.rendering import render_message
from ecity.notify.selectors import channels_for_event

__all__ = [
    "deliver_due_notifications",
    "notification_enqueue",
    "notification_mark_all_read",
    "notification_mark_read",
    "notification_retry",
    "preferences_update",
]


def _language_for(recipient: Account | None, language: str | None) -> str:
    codes = {code.lower() for code, _name in settings.LANGUAGES}
    for candidate in (language, recipient.preferred_language if recipient else None):
        if candidate and candidate.lower() in codes:
            return candidate.lower()
    return settings.LANGUAGE_CODE.lower()


def _object_values(obj: models.Model | None) -> dict[str, str]:
    if obj is None:
        return {}
    public_id = getattr(obj, "public_id", None)
    return {
        "object_type": obj._meta.label_lower,
        "object_id": str(public_id if public_id is not None else obj.pk)[:64],
    }


def notification_enqueue(
    *,
    recipient: Account | None,
    event: str,
    context: Mapping[str, Any],
    obj: models.Model | None = None,
    reference: str = "",
    email: str = "",
    phone: str = "",
    idempotency_key: str,
    language: str | None = None,
    only_channels: Collection[str] | None = None,
    fresh_key: bool = False,
) -> list[Notification]:
    """Write the notifications of one event for one recipient into the outbox.

    Call it INSIDE the transaction of the state change it reports: the rows commit or roll back
    with it, and the ``notify.deliver`` job sends them afterwards (never blocking the caller).

    One row per channel the recipient gets (see ``selectors.channels_for_event``): in-app for an
    account (stored as sent: the inbox is the delivery), e-mail to ``email`` or else the
    account's address, SMS to ``phone`` or else the account's number. Subject and body are
    rendered now from the templates the event's app declared (``ecity.notify.registry``) in
    ``language``, else the recipient's preferred language, else zh-Hans. ``context`` holds plain
    values; lazy translations and ``{"zh-hans": …, "en": …}`` dicts are resolved in the
    recipient's language.

    ``obj`` is what the message is about (stored generically as its model label and public id)
    and ``reference`` the number people know it by (a case number), shown with the link.

    ``idempotency_key`` names this notification of this recipient (for example
    ``f"case_accepted:{case.public_id}"``; add the recipient when one event notifies several
    people). If any row with the key exists, nothing is written and ``[]`` is returned, so a
    retried state change does not notify twice. ``fresh_key=True`` states that no row can have
    the key yet (it names an object created in this very transaction): the look-up and the
    savepoint are skipped, and the unique constraint still refuses a duplicate (IntegrityError,
    which rolls the caller's transaction back) instead of skipping it.

    Returns the rows written. Raises TransactionManagementError outside a transaction and
    ValueError for an event no app declared or an empty key (programming errors).

    ``only_channels`` narrows the channels to those named (a subscription chosen for one
    channel); the recipient's preferences still apply within them.
    """
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError(
            "notification_enqueue() must run inside the state change's transaction.atomic()"
        )
    declared = event_get(event)
    if declared is None:
        raise ValueError(f"unknown notification event {event!r}: no app declares it")
    if not idempotency_key:
        raise ValueError("notification_enqueue() needs an idempotency_key")
    if not fresh_key and Notification.objects.filter(idempotency_key=idempotency_key).exists():
        return []

    email = (email or (recipient.email if recipient else "")).strip()
    phone = (phone or (recipient.phone if recipient else "")).strip()
    channels = channels_for_event(user=recipient, group=declared.group, email=email, phone=phone)
    if only_channels is not None:
        channels = [c for c in channels if c in only_channels]
    if not channels:
        return []
    language = _language_for(recipient, language)
    about = _object_values(obj)
    values = {"recipient_name": recipient.real_name if recipient else "", **context}
    if not values.get("link_path") and about:
        values["link_path"] = link_for(
            **about, reference=str(reference or ""), event=event, recipient=recipient
        )
    message = render_message(
        templates=declared.templates,
        context=values,
        language=language,
        sms_needs_link=declared.sms_needs_link,
        body=any(channel != Channel.SMS for channel in channels),
        sms=Channel.SMS in channels,
    )
    now = timezone.now()
    rows = []
    for channel in channels:
        row = Notification(
            recipient=recipient,
            channel=channel,
            event=event,
            reference=str(reference or "")[:64],
            **about,
            language=language,
            subject=message.subject,
            body=message.sms_text if channel == Channel.SMS else message.body,
            link_path=message.link_path[:300],
            idempotency_key=idempotency_key,
        )
        if channel == Channel.IN_APP:
            row.status, row.sent_at = Notification.Status.SENT, now
        else:
            row.to_address = email if channel == Channel.EMAIL else phone
            row.status, row.next_attempt_at = Notification.Status.PENDING, now
        rows.append(row)
    if fresh_key:
        return Notification.objects.bulk_create(rows)
    try:
        # One statement for every channel; a concurrent retry of the same state change may have
        # written some of the rows meanwhile: then each row is tried on its own below.
        with transaction.atomic():
            return Notification.objects.bulk_create(rows)
    except IntegrityError:
        pass
    created = []
    for row in rows:
        row.pk = None
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            continue
        created.append(row)
    return created


@transaction.atomic
def notification_mark_read(*, user: Account, notification: Notification) -> Notification:
    """Mark one of the user's in-app notifications as read (again: nothing changes).

    Raises NotFound when the notification is not the user's own in-app message.
    """
    if notification.recipient_id != user.pk or notification.channel != Channel.IN_APP:
        raise NotFound(_("This notification does not exist."))
    if not notification.is_read:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, is_read=False).update(
            is_read=True, read_at=now, updated_at=now
        )
        notification.refresh_from_db(fields=["is_read", "read_at", "updated_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, user: Account) -> int:
    """Mark every unread in-app notification of the user as read; return how many changed."""
    now = timezone.now()
    return Notification.objects.filter(
        recipient=user, channel=Channel.IN_APP, is_read=False
    ).update(is_read=True, read_at=now, updated_at=now)


@transaction.atomic
def preferences_update(*, user: Account, preferences: Mapping[str, Mapping[str, bool]]) -> None:
    """Change which notifications the user gets by e-mail and SMS.

    ``preferences`` maps a channel to ``{event group: enabled}``, for example
    ``{"email": {"all": False, "result": True}}`` (no e-mail except results). ``all`` applies to
    every group of the channel and replaces earlier group choices; it is applied first.
    In-app messages cannot be switched off; a channel cannot be switched on without an address.

    Raises ValidationFailed (fields keyed by channel) for unknown channels or groups, for
    switching in-app off and for enabling a channel the account has no address for.
    """
    errors: dict[str, list[str]] = {}
    groups = set(EventGroup.values)
    for channel, choices in preferences.items():
        if channel not in Channel.values:
            errors.setdefault(channel, []).append(_("Unknown channel."))
            continue
        unknown = sorted(set(choices) - groups)
        if unknown:
            errors.setdefault(channel, []).append(
                _("Unknown notification group: %(groups)s.") % {"groups": ", ".join(unknown)}
            )
        if channel == Channel.IN_APP and not all(choices.values()):
            errors.setdefault(channel, []).append(_("In-app messages cannot be switched off."))
        if any(choices.values()):
            if channel == Channel.EMAIL and not user.email:
                errors.setdefault(channel, []).append(
                    _("Add an e-mail address to your account first.")
                )
            if channel == Channel.SMS and not user.phone:
                errors.setdefault(channel, []).append(
                    _("Add a mobile phone number to your account first.")
                )
    if errors:
        raise ValidationFailed(fields=errors)

    for channel, choices in preferences.items():
        if channel == Channel.IN_APP:
            continue
        ordered = sorted(choices.items(), key=lambda item: item[0] != EventGroup.ALL)
        for group, enabled in ordered:
            if group == EventGroup.ALL:
                NotificationPreference.objects.filter(user=user, channel=channel).exclude(
                    event_group=EventGroup.ALL
                ).delete()
            NotificationPreference.objects.update_or_create(
                user=user,
                channel=channel,
                event_group=group,
                defaults={"is_enabled": bool(enabled)},
            )


@transaction.atomic
def notification_retry(*, notification: Notification) -> Notification:
    """Send a failed (or waiting) e-mail or SMS again now, with a fresh set of attempts.

    In-app rows and rows already sent or being sent are left alone.
    """
    if notification.channel == Channel.IN_APP or notification.status not in (
        Notification.Status.FAILED,
        Notification.Status.PENDING,
    ):
        return notification
    now = timezone.now()
    Notification.objects.filter(pk=notification.pk, status=notification.status).update(
        status=Notification.Status.PENDING, attempts=0, next_attempt_at=now, updated_at=now
    )
    notification.refresh_from_db()
    return notification
