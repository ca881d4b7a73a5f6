"""Subscriptions across cities: a subsystem of city A subscribes to a topic of city B.

Three steps, each checked where it happens:

1. ``remote_subscription_request`` (on A): A's node asks B, on behalf of its subsystem, with a
   request envelope sealed by the subscriber's key and A's node seal (see
   ``gateway/federation.py``). The push address is A's federation inbox of a local mirror
   subscription (pull mode), created once B accepted the request.
2. ``remote_subscription_receive`` (on B): B opens the envelope, checks the node seal and that
   the push address is the inbox of the subscriber's own city, then asks the topic owner with
   the ordinary ``subscription_request`` (the subscriber is the remote ``Subsystem`` row of A,
   created by the federation import). The owner approves it like any other subscription; B's
   push deliveries then POST the signed envelope and payload to A's inbox, at least once.
3. ``remote_delivery_receive`` (on A): A opens the envelope (publisher of B, trusted by the
   import) and, through ``inbox_receive``, in one transaction records the inbox entry and hands
   the message to the local subscriber: a publication copy, a ``delivered`` log record in the
   subscriber's chain and a pending pull delivery. A redelivery finds the inbox entry and has no
   second effect.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ecity.exchange.canonical import Envelope
from ecity.exchange.envelope import envelope_open, envelope_seal
from ecity.exchange.errors import EnvelopeRefused, ExchangeErrorCode, GatewayFault
from ecity.exchange.identifiers import local_instance, subsystem_id_parse
from ecity.exchange.message_log import log_append, log_refusal
from ecity.exchange.models import (
    Delivery,
    MessageLogRecord,
    Publication,
    RemoteInstance,
    Subscription,
    Subsystem,
    Topic,
)
from ecity.exchange.node_seal import node_seal, node_seal_valid
from ecity.exchange.selectors.pubsub import can_administer_subsystem, topic_get
from ecity.exchange.services.inbox import inbox_receive
from ecity.exchange.services.subscriptions import _audit, subscription_request
from ecity.identity.models import User

INBOX_PATH = "/api/v1/exchange/federation/inbox/"
REQUEST_PATH = "/api/v1/exchange/federation/subscriptions"
REQUEST_EVENT = "exchange.subscription.requested"


def _remote(instance: str) -> RemoteInstance:
    remote = RemoteInstance.objects.filter(code=instance).first()
    if remote is None or instance == local_instance():
        raise ValidationFailed(
            fields={"instance": [_("This is not a federated city.")]},
        )
    return remote


def remote_subscription_request(
    *,
    actor: User | Subsystem,
    subscriber: Subsystem,
    instance: str,
    topic: str,
    event_types: list[str] | None = None,
    purpose: str = "",
) -> Subscription:
    """Ask federated city ``instance`` for a subscription of ``subscriber`` to its ``topic``.

    Rules: the subscriber is a local, active subsystem; the actor is that subsystem or its
    department administrator; ``instance`` is an imported city with a gateway URL; this node's
    own gateway URL (``ECITY_EXCHANGE_GATEWAY_URL``) is set, since the other city pushes to it.
    Side effects: a signed request to the other city (which asks its topic owner), then a local
    mirror topic (owned by the remote owner) and an approved pull subscription that receives
    what the other city delivers; audited ``exchange.subscription_requested``.
    Errors: ``PermissionDenied``, ``ValidationFailed``, ``Conflict``, ``GatewayFault`` (the
    other city unreachable or refusing, with its reason).
    """
    if isinstance(actor, Subsystem):
        allowed = actor.pk == subscriber.pk
    else:
        allowed = can_administer_subsystem(actor=actor, subsystem=subscriber)
    if not allowed:
        raise PermissionDenied(_("Only the subscriber's department may ask for a subscription."))
    if subscriber.member.instance != local_instance() or not subscriber.is_active:
        raise ValidationFailed(fields={"subscriber": [_("Choose an active system of this city.")]})
    remote = _remote(instance)
    own_url = str(settings.ECITY_EXCHANGE_GATEWAY_URL).rstrip("/")
    if not own_url or not remote.gateway_url:
        raise ValidationFailed(
            fields={"instance": [_("Both cities need a gateway address for pushes.")]}
        )
    if Subscription.objects.filter(
        subscriber=subscriber, topic__name=topic, status=Subscription.Status.APPROVED
    ).exists():
        raise Conflict(
            _("This system already has a subscription to this topic."),
            code=ExchangeErrorCode.SUBSCRIPTION_STATE,
        )
    local_id = uuid.uuid4()
    payload = {
        "topic": topic,
        "push_url": f"{own_url}{INBOX_PATH}{local_id}",
        "event_types": list(event_types or []),
        "purpose": purpose,
    }
    envelope = envelope_seal(
        sender=subscriber.identifier,
        payload=payload,
        receiver=instance,
        topic=topic,
        event_type=REQUEST_EVENT,
    )
    answer = _post(remote, envelope, payload)
    owner_id = str(answer.get("topic_owner", ""))
    with transaction.atomic():
        owner = Subsystem.objects.filter(identifier=owner_id, member__instance=instance).first()
        if owner is None:
            raise GatewayFault(code=ExchangeErrorCode.REMOTE_UNVERIFIED, status=502)
        mirror, _created = Topic.objects.get_or_create(
            name=topic,
            defaults={"owner": owner, "description_zh": f"{instance} {topic}", "is_public": False},
        )
        if mirror.owner_id != owner.pk:
            raise Conflict(
                _("A topic of this city has the same name."),
                code=ExchangeErrorCode.SUBSCRIPTION_STATE,
            )
        subscription = Subscription.objects.create(
            public_id=local_id,
            subscriber=subscriber,
            topic=mirror,
            status=Subscription.Status.APPROVED,
            mode=Subscription.Mode.PULL,
            event_types=list(event_types or []),
            purpose=purpose,
            decided_at=timezone.now(),
            decision_reason=f"{instance}:{answer.get('id', '')}",
        )
        _audit(
            actor=actor,
            action="exchange.subscription_requested",
            subscription=subscription,
            instance=instance,
            remote_subscription=str(answer.get("id", "")),
        )
    return subscription


def _post(remote: RemoteInstance, envelope: Envelope, payload: dict[str, Any]) -> dict[str, Any]:
    try:
        response = httpx.post(
            remote.gateway_url.rstrip("/") + REQUEST_PATH,
            json={"envelope": envelope.to_dict(), "payload": payload},
            headers={"X-Road-Node-Seal": node_seal(envelope), "Accept-Language": "en"},
            timeout=float(settings.ECITY_EXCHANGE_GATEWAY_TIMEOUT_SECONDS),
            trust_env=False,
        )
    except httpx.HTTPError as error:
        raise GatewayFault(
            _("The federated city could not be reached."),
            code=ExchangeErrorCode.PROVIDER_UNREACHABLE,
            status=502,
        ) from error
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code != 201 or not isinstance(body, dict):
        message = body.get("message", "") if isinstance(body, dict) else ""
        raise GatewayFault(
            _("The federated city refused the subscription: %(reason)s")
            % {"reason": str(message)[:300] or response.status_code},
            code=ExchangeErrorCode.REMOTE_REFUSED,
            status=502 if response.status_code >= 500 else 409,
        )
    return body


def remote_subscription_receive(*, envelope: Any, payload: Any, seal: str) -> Subscription:
    """Take a federated city's signed subscription request to a topic of this city.

    Rules: the envelope opens (``envelope_open``: known, enabled remote sender, signature,
    payload hash, fresh, not replayed) and is sealed by the sender's node; the sender belongs
    to a federated city; the push address is that city's federation inbox. Then it is an
    ordinary request of the remote subsystem (``subscription_request``: the topic is public,
    the event types exist), waiting for the topic owner's approval.
    Errors: ``EnvelopeRefused``, ``GatewayFault`` (node seal), ``ValidationFailed``,
    ``NotFound`` (topic), ``Conflict``.
    """
    opened, sender = envelope_open(envelope, payload)
    instance = subsystem_id_parse(opened.sender, field="sender").instance
    if not node_seal_valid(opened, seal, instance=instance):
        reason = _("The message is not sealed by the node of %(instance)s.") % {
            "instance": instance
        }
        log_refusal(
            envelope=opened, raw=envelope, code=ExchangeErrorCode.NODE_SEAL_INVALID, reason=reason
        )
        raise GatewayFault(reason, code=ExchangeErrorCode.NODE_SEAL_INVALID, status=401)
    remote = _remote(instance)
    errors: dict[str, list[str]] = {}
    values = payload if isinstance(payload, dict) else {}
    push_url = values.get("push_url")
    inbox = remote.gateway_url.rstrip("/") + INBOX_PATH
    if not isinstance(push_url, str) or not push_url.startswith(inbox) or not remote.gateway_url:
        errors["push_url"] = [_("Expected the federation inbox of the subscriber's city.")]
    topic_name = values.get("topic")
    if not isinstance(topic_name, str) or topic_name != opened.topic:
        errors["topic"] = [_("Expected the topic named in the signed envelope.")]
    event_types = values.get("event_types") or []
    if not isinstance(event_types, list) or not all(isinstance(t, str) for t in event_types):
        errors["event_types"] = [_("Expected a list of event types.")]
    purpose = values.get("purpose", "")
    if not isinstance(purpose, str):
        errors["purpose"] = [_("Expected text.")]
    if errors:
        raise ValidationFailed(fields=errors)
    assert isinstance(push_url, str) and isinstance(topic_name, str)
    return subscription_request(
        actor=sender,
        subscriber=sender,
        topic=topic_get(name=topic_name),
        mode=Subscription.Mode.PUSH,
        push_url=push_url,
        event_types=event_types,
        purpose=purpose,
    )


def remote_delivery_receive(*, subscription_id: uuid.UUID, envelope: Any, payload: Any) -> bool:
    """Receive a message pushed by a federated city for a local mirror subscription.

    Rules: the subscription exists and is a mirror of a remote topic; the envelope opens (see
    ``inbox_receive``) and is sent by a subsystem of the topic's city. Side effects, once per
    message ID (the inbox): a ``delivered`` log record in the subscriber's chain, a copy of the
    publication and a pending pull delivery to the local subscriber. Returns False for a
    redelivery (nothing done). Errors: ``NotFound``, ``EnvelopeRefused``.
    """
    subscription = (
        Subscription.objects.select_related("topic__owner__member", "subscriber")
        .filter(public_id=subscription_id)
        .exclude(topic__owner__member__instance=local_instance())
        .first()
    )
    if subscription is None:
        raise NotFound(_("There is no such subscription."))
    instance = subscription.topic.owner.member.instance

    def hand_over(opened: Envelope, body: Any) -> None:
        if subsystem_id_parse(opened.sender, field="sender").instance != instance:
            raise EnvelopeRefused(
                _("The message comes from another city than the topic's."),
                code=ExchangeErrorCode.UNKNOWN_SENDER,
            )
        publisher = Subsystem.objects.get(identifier=opened.sender)
        record = log_append(
            kind=MessageLogRecord.Kind.DELIVERED,
            envelope=opened,
            payload=body,
            partition=subscription.subscriber.identifier,
            target=subscription.subscriber.identifier,
            detail={"subscription": str(subscription.public_id), "from_instance": instance},
        )
        publication = Publication.objects.create(
            publisher=publisher,
            topic=subscription.topic,
            event_type=opened.event_type,
            schema_version=0,  # validated against its schema by the publishing city
            message_id=opened.message_id,
            key=opened.key,
            envelope=opened.to_dict(),
            payload=body,
            log_record=record,
            published_at=opened.created,
        )
        Delivery.objects.create(
            subscription=subscription,
            publication=publication,
            key=opened.key,
            next_attempt_at=timezone.now(),
        )

    return inbox_receive(
        subscription=subscription, envelope=envelope, payload=payload, handler=hand_over
    )
