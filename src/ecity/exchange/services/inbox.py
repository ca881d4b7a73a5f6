"""The inbox of receivers inside ecity: a redelivered message never has a second effect.

Pub/sub delivers at least once (a retry after a lost answer, a replay), so a receiver keeps an
``InboxEntry`` per subscription and message ID. ``inbox_receive`` verifies the envelope first,
outside any transaction (a refusal is logged in its own transaction and survives), then inserts
the inbox row and runs the handler in ONE transaction: either both commit or neither does, and a
second arrival finds the row and does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ecity.exchange.canonical import Envelope
from ecity.exchange.envelope import envelope_open
from ecity.exchange.errors import EnvelopeRefused, ExchangeErrorCode
from ecity.exchange.models import InboxEntry, Subscription

InboxHandler = Callable[[Envelope, Any], object]


def inbox_receive(
    *,
    subscription: Subscription,
    envelope: dict[str, Any],
    payload: Any,
    handler: InboxHandler,
) -> bool:
    """Verify a delivered message and run ``handler(envelope, payload)`` once; True if it ran.

    Rules: the envelope opens (signature, known and enabled sender, payload hash) and names the
    subscription's topic, else ``EnvelopeRefused`` (logged). Freshness and the replay window of
    ``envelope_open`` do not apply: redelivery hours later and replays are normal in pub/sub;
    the inbox (kept per subscription, never purged) is the protection against a second effect.
    Returns False for a message already received. A handler that raises leaves no inbox row,
    so the redelivery runs it again.
    """
    try:
        created = Envelope.from_dict(envelope).created
    except EnvelopeRefused:
        created = None  # envelope_open refuses it and logs the refusal
    opened, _sender = envelope_open(envelope, payload, now=created, record_seen=False)
    if opened.topic != subscription.topic.name:
        raise EnvelopeRefused(
            _("The message was published on another topic."),
            code=ExchangeErrorCode.MALFORMED_ENVELOPE,
            fields={"topic": [_("Not the subscription's topic.")]},
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                InboxEntry.objects.create(
                    subscription=subscription,
                    message_id=opened.message_id,
                    sender=opened.sender,
                )
        except IntegrityError:
            return False
        handler(opened, payload)
    return True
