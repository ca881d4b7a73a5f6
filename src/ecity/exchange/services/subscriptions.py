"""Writes of subscriptions: request, approve, refuse, suspend, replay.

A subscriber subsystem asks for a topic (its department's administrator on the staff page, or
the system itself through the API); the topic owner's department administrator approves or
refuses; either side suspends. Every act is audited. Approval with a start position in the past
replays the topic's publications from then on (``subscription_replay``).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Sequence
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.exchange.errors import ExchangeErrorCode
from ecity.exchange.models import Delivery, Publication, Subscription, Subsystem, Topic
from ecity.exchange.models.pubsub import TopicSchema
from ecity.exchange.selectors.pubsub import can_administer_subsystem
from ecity.identity.models import User

REASON_LIMIT = 500
LOOPBACK_HOSTS = {"localhost"}


def _audit(
    *, actor: User | Subsystem | None, action: str, subscription: Subscription, **data: object
) -> None:
    system = actor.identifier if isinstance(actor, Subsystem) else ""
    audit_record(
        actor=actor if isinstance(actor, User) else None,
        action=action,
        obj=subscription,
        data={
            "subscription": str(subscription.public_id),
            "topic": subscription.topic.name,
            "subscriber": subscription.subscriber.identifier,
            "mode": subscription.mode,
            **data,
        },
        system=system,
        system_department=actor.member.identifier if isinstance(actor, Subsystem) else "",
    )


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def push_url_errors(url: str) -> list[str]:
    """What is wrong with a webhook address ([] when usable)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return [_("Enter a valid web address.")]
    host = parts.hostname or ""
    if not host or parts.username or parts.password or len(url) > 500:
        return [_("Enter a web address with a host and without a password.")]
    if parts.scheme == "https":
        return []
    if (
        parts.scheme == "http"
        and settings.ECITY_EXCHANGE_ALLOW_HTTP_LOOPBACK
        and _is_loopback(host)
    ):
        return []
    return [_("A webhook address must start with https://.")]


@transaction.atomic
def subscription_request(
    *,
    actor: User | Subsystem,
    subscriber: Subsystem,
    topic: Topic,
    mode: str,
    push_url: str = "",
    event_types: Sequence[str] = (),
    starts_at: dt.datetime | None = None,
    purpose: str = "",
) -> Subscription:
    """Ask the owner of ``topic`` for a subscription of ``subscriber``; return it (requested).

    Rules: the subscriber's department administrator, or the subscriber system itself. The topic
    is public (or the subscriber's own); one subscription per subscriber and topic (a refused one
    may be asked for again); ``mode`` push needs an https webhook (http on loopback only with
    ``ECITY_EXCHANGE_ALLOW_HTTP_LOOPBACK``), pull needs none; each event type filtered on exists
    on the topic; ``starts_at`` is not in the future (None: from the approval on).
    Side effects: audit ``exchange.subscription_requested``.
    Errors: ``PermissionDenied``, ``ValidationFailed`` (per field), ``Conflict``.
    """
    if isinstance(actor, Subsystem):
        allowed = actor.pk == subscriber.pk
    else:
        allowed = can_administer_subsystem(actor=actor, subsystem=subscriber)
    if not allowed:
        raise PermissionDenied(_("Only the subscriber's department may ask for a subscription."))
    errors: dict[str, list[str]] = {}
    if not topic.is_public and topic.owner_id != subscriber.pk:
        errors["topic"] = [_("There is no such topic.")]
    if mode not in Subscription.Mode.values:
        errors["mode"] = [_("Choose push or pull.")]
    push_url = (push_url or "").strip()
    if mode == Subscription.Mode.PUSH:
        problems = push_url_errors(push_url)
        if problems:
            errors["push_url"] = problems
    elif push_url:
        errors["push_url"] = [_("A pull subscription has no webhook address.")]
    types = list(dict.fromkeys(event_types or []))
    known = set(TopicSchema.objects.filter(topic=topic).values_list("event_type", flat=True))
    unknown = [t for t in types if t not in known]
    if unknown:
        errors["event_types"] = [
            _("The topic has no event type “%(type)s”.") % {"type": str(t)[:128]} for t in unknown
        ]
    if starts_at is not None and starts_at > timezone.now():
        errors["starts_at"] = [_("The start position cannot be in the future.")]
    if len(purpose or "") > REASON_LIMIT:
        errors["purpose"] = [_("At most %(limit)s characters.") % {"limit": REASON_LIMIT}]
    if errors:
        raise ValidationFailed(fields=errors)
    subscription = (
        Subscription.objects.select_for_update().filter(subscriber=subscriber, topic=topic).first()
    )
    if subscription is not None and subscription.status != Subscription.Status.REFUSED:
        raise Conflict(
            _("This system already has a subscription to this topic."),
            code=ExchangeErrorCode.SUBSCRIPTION_STATE,
        )
    if subscription is None:
        subscription = Subscription(subscriber=subscriber, topic=topic)
    subscription.status = Subscription.Status.REQUESTED
    subscription.mode = mode
    subscription.push_url = push_url
    subscription.event_types = types
    subscription.starts_at = starts_at
    subscription.purpose = (purpose or "").strip()
    subscription.decided_at = None
    subscription.decision_reason = ""
    subscription.save()
    _audit(actor=actor, action="exchange.subscription_requested", subscription=subscription)
    return subscription


def _locked(subscription: Subscription) -> Subscription:
    return (
        Subscription.objects.select_for_update()
        .select_related("topic__owner__member", "subscriber__member")
        .get(pk=subscription.pk)
    )


def _require_owner(actor: User, subscription: Subscription) -> None:
    if not can_administer_subsystem(actor=actor, subsystem=subscription.topic.owner):
        raise PermissionDenied(
            _("Only the administrator of the topic owner's department may decide.")
        )


def _state(subscription: Subscription, allowed: Sequence[str]) -> None:
    if subscription.status not in allowed:
        raise Conflict(
            _("The subscription is %(status)s: this is not possible now.")
            % {"status": subscription.get_status_display()},
            code=ExchangeErrorCode.SUBSCRIPTION_STATE,
        )


@transaction.atomic
def subscription_approve(*, actor: User, subscription: Subscription, reason: str = "") -> int:
    """Approve a requested (or suspended) subscription; return how many messages it replayed.

    Rules: the administrator of the topic owner's department; the subscription is requested or
    suspended. From now on every publication it wants is delivered; a start position in the
    past replays the publications since then (``subscription_replay``).
    Side effects: audit ``exchange.subscription_approved``.
    Errors: ``PermissionDenied``, ``Conflict``.
    """
    subscription = _locked(subscription)
    _require_owner(actor, subscription)
    _state(subscription, [Subscription.Status.REQUESTED, Subscription.Status.SUSPENDED])
    subscription.status = Subscription.Status.APPROVED
    subscription.decided_at = timezone.now()
    subscription.decision_reason = (reason or "").strip()[:REASON_LIMIT]
    if subscription.starts_at is None:
        subscription.starts_at = subscription.decided_at
    subscription.save()
    _audit(actor=actor, action="exchange.subscription_approved", subscription=subscription)
    replayed = 0
    if subscription.starts_at < subscription.decided_at:
        replayed = _replay(subscription, since=subscription.starts_at)
    return replayed


@transaction.atomic
def subscription_refuse(*, actor: User, subscription: Subscription, reason: str) -> Subscription:
    """Refuse a requested subscription with a reason.

    Rules: the administrator of the topic owner's department; the subscription is requested; a
    reason is required. Side effects: audit ``exchange.subscription_refused``.
    Errors: ``PermissionDenied``, ``Conflict``, ``ValidationFailed``.
    """
    subscription = _locked(subscription)
    _require_owner(actor, subscription)
    _state(subscription, [Subscription.Status.REQUESTED])
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_LIMIT:
        raise ValidationFailed(fields={"reason": [_("Say why (at most 500 characters).")]})
    subscription.status = Subscription.Status.REFUSED
    subscription.decided_at = timezone.now()
    subscription.decision_reason = reason
    subscription.save()
    _audit(
        actor=actor,
        action="exchange.subscription_refused",
        subscription=subscription,
        reason=reason,
    )
    return subscription


@transaction.atomic
def subscription_suspend(*, actor: User, subscription: Subscription, reason: str) -> Subscription:
    """Suspend an approved subscription (nothing is delivered until approved again).

    Rules: the administrator of the topic owner's or the subscriber's department; the
    subscription is approved; a reason is required. Publications made while suspended are not
    delivered (replay them after approval if needed). Side effects: audit
    ``exchange.subscription_suspended``. Errors: ``PermissionDenied``, ``Conflict``,
    ``ValidationFailed``.
    """
    subscription = _locked(subscription)
    if not (
        can_administer_subsystem(actor=actor, subsystem=subscription.topic.owner)
        or can_administer_subsystem(actor=actor, subsystem=subscription.subscriber)
    ):
        raise PermissionDenied(_("Only the subscriber's or the owner's department may do this."))
    _state(subscription, [Subscription.Status.APPROVED])
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_LIMIT:
        raise ValidationFailed(fields={"reason": [_("Say why (at most 500 characters).")]})
    subscription.status = Subscription.Status.SUSPENDED
    subscription.decision_reason = reason
    subscription.save()
    _audit(
        actor=actor,
        action="exchange.subscription_suspended",
        subscription=subscription,
        reason=reason,
    )
    return subscription


def _replay(subscription: Subscription, *, since: dt.datetime) -> int:
    """Queue again every publication of the topic since ``since`` the subscription wants."""
    now = timezone.now()
    publications = Publication.objects.filter(
        topic_id=subscription.topic_id, published_at__gte=since
    ).order_by("id")
    if subscription.event_types:
        publications = publications.filter(event_type__in=subscription.event_types)
    existing = set(
        Delivery.objects.filter(
            subscription=subscription, publication__in=publications
        ).values_list("publication_id", flat=True)
    )
    Delivery.objects.filter(subscription=subscription, publication_id__in=existing).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=now, acked_at=None
    )
    Delivery.objects.bulk_create(
        [
            Delivery(subscription=subscription, publication=p, key=p.key, next_attempt_at=now)
            for p in publications.only("pk", "key")
            if p.pk not in existing
        ]
    )
    return publications.count()


@transaction.atomic
def subscription_replay(
    *, actor: User | Subsystem, subscription: Subscription, since: dt.datetime
) -> int:
    """Deliver again every publication of the topic since ``since``; return how many.

    Rules: the subscriber (system or its department's administrator) or the topic owner's
    administrator; the subscription is approved; ``since`` is not in the future. Replays come
    from the publications table, which keeps every payload (whatever the publisher's log
    level), in publication order and per key; earlier deliveries of those messages, acknowledged
    or not, are queued again. Side effects: audit ``exchange.subscription_replayed``.
    Errors: ``PermissionDenied``, ``Conflict``, ``ValidationFailed``.
    """
    subscription = _locked(subscription)
    if isinstance(actor, Subsystem):
        allowed = actor.pk == subscription.subscriber_id
    else:
        allowed = can_administer_subsystem(
            actor=actor, subsystem=subscription.subscriber
        ) or can_administer_subsystem(actor=actor, subsystem=subscription.topic.owner)
    if not allowed:
        raise PermissionDenied(_("Only the subscriber or the topic's owner may replay."))
    _state(subscription, [Subscription.Status.APPROVED])
    if since > timezone.now():
        raise ValidationFailed(fields={"since": [_("The time cannot be in the future.")]})
    count = _replay(subscription, since=since)
    _audit(
        actor=actor,
        action="exchange.subscription_replayed",
        subscription=subscription,
        since=since.isoformat(),
        count=count,
    )
    return count
