"""Subscriptions: anyone follows a topic by e-mail; a signed-in person also by SMS and in-app.

Flow: ``subscription_request`` (no account: an e-mail address, confirmed through a signed link)
or ``subscription_create_for`` (an account: active at once); the owning app calls
``topic_publish`` in the transaction that publishes something; the job ``notify.topics_fan_out``
tells immediate subscribers, ``notify.subscription_digests`` sends daily digests. Every message
carries a one-click unsubscribe link (signed, no login needed). Topics are declared by the apps
(``ecity.notify.topics``); notify does not know what they are about.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.accounts import Account
from ecity.core.crypto import blind_index
from ecity.core.errors import NotFound, ValidationFailed
from ecity.notify.models import Channel, Subscription, TopicItem
from ecity.notify.services import notification_enqueue
from ecity.notify.topics import Topic, topic_resolve

CONFIRM_SALT = "ecity.notify.subscription.confirm"
UNSUBSCRIBE_SALT = "ecity.notify.subscription.unsubscribe"
CONFIRM_MAX_AGE = dt.timedelta(days=3)
DIGEST_EVERY = dt.timedelta(hours=24)
DIGEST_MAX_ITEMS = 30
EMAIL_PURPOSE = "notify.subscription.email"


def subscription_token(subscription: Subscription, *, purpose: str) -> str:
    """A signed token naming the subscription (``CONFIRM_SALT`` or ``UNSUBSCRIBE_SALT``)."""
    return signing.dumps(str(subscription.public_id), salt=purpose)


def unsubscribe_path(subscription: Subscription) -> str:
    token = subscription_token(subscription, purpose=UNSUBSCRIBE_SALT)
    return reverse("notify:unsubscribe", args=[token])


def _topic(topic: str) -> Topic:
    resolved = topic_resolve(topic)
    if resolved is None:
        raise ValidationFailed(
            fields={
                "topic": [_("There is nothing to follow here: the page may have been removed.")]
            }
        )
    return resolved


def _frequency(frequency: str) -> str:
    if frequency not in Subscription.Frequency.values:
        raise ValidationFailed(fields={"frequency": [_("Choose at once or a daily digest.")]})
    return frequency


def _notify(subscription: Subscription, *, event: str, context: dict, key: str) -> None:
    notification_enqueue(
        recipient=subscription.account,
        event=event,
        context={
            "topic_title": subscription.topic_title,
            "unsubscribe_path": unsubscribe_path(subscription),
            **context,
        },
        email=subscription.email if subscription.account is None else "",
        idempotency_key=key,
        language=subscription.language if subscription.account is None else None,
        only_channels=[subscription.channel],
    )


@transaction.atomic
def subscription_request(*, topic: str, email: str, frequency: str, language: str) -> Subscription:
    """Follow ``topic`` by e-mail without an account: a confirmation link goes to ``email``.

    Rules: the topic must be one an app declares and still public; the address must be valid.
    An address that already follows the topic gets no second subscription: a pending or
    cancelled one is asked to confirm again, an active one is left alone (the answer is the same
    either way, so nobody learns who follows what). Side effects: one confirmation e-mail.
    """
    resolved = _topic(topic)
    address = (email or "").strip()
    try:
        validate_email(address)
    except DjangoValidationError:
        raise ValidationFailed(fields={"email": [_("Enter a valid e-mail address.")]}) from None
    frequency = _frequency(frequency)
    index = blind_index(address.lower(), purpose=EMAIL_PURPOSE)
    subscription = (
        Subscription.objects.select_for_update()
        .filter(topic=resolved.topic, account__isnull=True, email_index=index)
        .first()
    )
    if subscription is not None and subscription.status == Subscription.Status.ACTIVE:
        return subscription
    if subscription is None:
        subscription = Subscription(topic=resolved.topic, channel=Channel.EMAIL, email_index=index)
    subscription.topic_title = resolved.title
    subscription.email = address
    subscription.frequency = frequency
    subscription.language = language
    subscription.status = Subscription.Status.PENDING
    subscription.save()
    confirm = reverse(
        "notify:subscription_confirm",
        args=[subscription_token(subscription, purpose=CONFIRM_SALT)],
    )
    _notify(
        subscription,
        event="subscription_confirm",
        context={"link_path": confirm, "topic_path": resolved.path},
        key=f"subscription_confirm:{subscription.public_id}:{uuid.uuid4().hex}",
    )
    return subscription


def _by_token(token: str, *, purpose: str, max_age: dt.timedelta | None) -> Subscription:
    try:
        public_id = signing.loads(token, salt=purpose, max_age=max_age)
    except signing.SignatureExpired:
        raise ValidationFailed(
            _("This link has expired. Please subscribe again."), code="link_expired"
        ) from None
    except signing.BadSignature:
        raise NotFound(_("This link is not valid.")) from None
    subscription = Subscription.objects.select_for_update().filter(public_id=public_id).first()
    if subscription is None:
        raise NotFound(_("This subscription no longer exists."))
    return subscription


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription:
    """Confirm an e-mail subscription from the link sent to the address (valid three days).

    Rules: an expired or forged link is refused; confirming twice changes nothing; a cancelled
    subscription is not revived by an old confirmation link.
    """
    subscription = _by_token(token, purpose=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    if subscription.status == Subscription.Status.PENDING:
        subscription.status = Subscription.Status.ACTIVE
        subscription.confirmed_at = timezone.now()
        subscription.last_digest_at = subscription.confirmed_at
        subscription.save(update_fields=["status", "confirmed_at", "last_digest_at", "updated_at"])
    elif subscription.status == Subscription.Status.CANCELLED:
        raise ValidationFailed(
            _("This subscription was cancelled. Please subscribe again."), code="cancelled"
        )
    return subscription


@transaction.atomic
def subscription_create_for(
    *, user: Account, topic: str, channel: str, frequency: str
) -> Subscription:
    """Follow ``topic`` from a signed-in account on ``channel`` (active at once).

    Rules: e-mail needs an address on the account, SMS a mobile number; in-app always works.
    Following again on the same channel updates the frequency (and revives a cancelled one).
    """
    resolved = _topic(topic)
    frequency = _frequency(frequency)
    if channel not in Channel.values:
        raise ValidationFailed(fields={"channel": [_("Choose how you want to be told.")]})
    if channel == Channel.EMAIL and not user.email:
        raise ValidationFailed(fields={"channel": [_("Your account has no e-mail address.")]})
    if channel == Channel.SMS and not user.phone:
        raise ValidationFailed(fields={"channel": [_("Your account has no mobile phone number.")]})
    now = timezone.now()
    defaults = {
        "topic_title": resolved.title,
        "frequency": frequency,
        "status": Subscription.Status.ACTIVE,
        "confirmed_at": now,
        "cancelled_at": None,
        "language": user.preferred_language or "zh-hans",
    }
    try:
        with transaction.atomic():
            subscription, created = Subscription.objects.update_or_create(
                topic=resolved.topic, account=user, channel=channel, defaults=defaults
            )
    except IntegrityError:  # created concurrently: update that one
        subscription = Subscription.objects.get(topic=resolved.topic, account=user, channel=channel)
        created = False
    if created or subscription.last_digest_at is None:
        subscription.last_digest_at = now
        subscription.save(update_fields=["last_digest_at"])
    return subscription


def _cancel(subscription: Subscription) -> Subscription:
    if subscription.status != Subscription.Status.CANCELLED:
        subscription.status = Subscription.Status.CANCELLED
        subscription.cancelled_at = timezone.now()
        subscription.save(update_fields=["status", "cancelled_at", "updated_at"])
    return subscription


@transaction.atomic
def subscription_cancel(*, token: str) -> Subscription:
    """Unsubscribe through the link in any message (no login, never expires, idempotent)."""
    return _cancel(_by_token(token, purpose=UNSUBSCRIBE_SALT, max_age=None))


@transaction.atomic
def subscription_cancel_for(*, user: Account, public_id: uuid.UUID | str) -> Subscription:
    """Unsubscribe one of the user's own subscriptions; anyone else's answers NotFound."""
    subscription = (
        Subscription.objects.select_for_update().filter(public_id=public_id, account=user).first()
    )
    if subscription is None:
        raise NotFound(_("This subscription does not exist."))
    return _cancel(subscription)


def topic_publish(
    *,
    topic: str,
    key: str,
    title: str,
    path: str,
    summary: str = "",
    published_at: dt.datetime | None = None,
) -> TopicItem | None:
    """Record something new under ``topic`` for its subscribers, in the caller's transaction.

    Rules: call inside the transaction that publishes it (a rolled-back publication tells
    nobody); the same ``key`` under a topic is told once (a page published again after an edit
    is not news). Returns the new item, or None when the key was already told. Side effects:
    the fan-out and digest jobs send the messages later.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("topic_publish must run inside the publication's transaction")
    try:
        with transaction.atomic():
            item, created = TopicItem.objects.get_or_create(
                topic=topic[:200],
                key=str(key)[:100],
                defaults={
                    "title": title[:300],
                    "path": path[:300],
                    "summary": summary[:1000],
                    "published_at": published_at or timezone.now(),
                },
            )
    except IntegrityError:
        return None
    return item if created else None


def topic_items_fan_out(*, now: dt.datetime | None = None, batch: int = 100) -> int:
    """Tell each immediate subscriber of new items; returns the number of items handled.

    Each item is handled in one transaction with its notifications (idempotent per subscriber
    and item, so a crash in the middle repeats nobody's message).
    """
    now = now or timezone.now()
    handled = 0
    ids = list(
        TopicItem.objects.filter(fanned_out_at__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)[:batch]
    )
    for item_id in ids:
        with transaction.atomic():
            item = (
                TopicItem.objects.select_for_update(skip_locked=True)
                .filter(id=item_id, fanned_out_at__isnull=True)
                .first()
            )
            if item is None:
                continue
            subscribers = Subscription.objects.filter(
                topic=item.topic,
                status=Subscription.Status.ACTIVE,
                frequency=Subscription.Frequency.IMMEDIATE,
            ).select_related("account")
            for subscription in subscribers:
                _notify(
                    subscription,
                    event="subscription_update",
                    context={
                        "link_path": item.path,
                        "item_title": item.title,
                        "item_summary": item.summary,
                    },
                    key=f"subscription_update:{subscription.public_id}:{item.public_id}",
                )
            item.fanned_out_at = now
            item.save(update_fields=["fanned_out_at", "updated_at"])
            handled += 1
    return handled


def subscription_digests_send(*, now: dt.datetime | None = None, batch: int = 200) -> int:
    """Send each daily subscriber, once a day, what appeared under the topic since the last one.

    Returns the number of digests sent. A day with nothing new sends nothing (and waits for the
    next day); each digest and its bookkeeping commit together.
    """
    now = now or timezone.now()
    sent = 0
    due = list(
        Subscription.objects.filter(
            status=Subscription.Status.ACTIVE,
            frequency=Subscription.Frequency.DAILY,
            last_digest_at__lte=now - DIGEST_EVERY,
        )
        .order_by("last_digest_at", "id")
        .values_list("id", flat=True)[:batch]
    )
    for subscription_id in due:
        with transaction.atomic():
            subscription = (
                Subscription.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("account")
                .filter(id=subscription_id, last_digest_at__lte=now - DIGEST_EVERY)
                .first()
            )
            if subscription is None:
                continue
            items = list(
                TopicItem.objects.filter(
                    topic=subscription.topic,
                    created_at__gt=subscription.last_digest_at,
                    created_at__lte=now,
                ).order_by("-published_at", "-id")[:DIGEST_MAX_ITEMS]
            )
            if items:
                _notify(
                    subscription,
                    event="subscription_digest",
                    context={
                        "items": [{"title": i.title, "path": i.path} for i in items],
                        "count": len(items),
                        "link_path": items[0].path,
                    },
                    key=f"subscription_digest:{subscription.public_id}:{now:%Y%m%d%H}",
                )
                sent += 1
            subscription.last_digest_at = now
            subscription.save(update_fields=["last_digest_at"])
    return sent
