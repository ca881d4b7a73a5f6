"""Publish/subscribe: topics with JSON Schema event types, subscriptions, the outbox and inbox.

A publication (``Publication``) is committed with its message-log record and one ``Delivery``
per approved subscription in one transaction (the outbox): a rolled-back publication delivers
nothing, a committed one is delivered at least once. Receivers inside ecity keep an
``InboxEntry`` per subscription and message ID, so that a redelivery has no second effect.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecity.core.models import BaseModel
from ecity.exchange.models.log import MessageLogRecord
from ecity.exchange.models.parties import Subsystem

# A topic or event type name: dotted lower-case words (``registry.person.changed``).
TOPIC_NAME = RegexValidator(
    r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){1,7}$",
    _("Use two to eight dot-separated lower-case words (letters, digits, underscores)."),
)


class Topic(BaseModel):
    """A topic (主题) a subsystem publishes on; other subsystems subscribe to it."""

    name = models.CharField(_("name"), max_length=128, unique=True, validators=[TOPIC_NAME])
    owner = models.ForeignKey(
        Subsystem,
        verbose_name=pgettext_lazy("exchange topic", "owner"),
        on_delete=models.PROTECT,
        related_name="topics",
    )
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Listed to every subsystem of the exchange.")
    )

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TopicSchema(BaseModel):
    """One version of the JSON Schema (draft 2020-12) of an event type of a topic."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="schemas"
    )
    event_type = models.CharField(_("event type"), max_length=128, validators=[TOPIC_NAME])
    version = models.PositiveIntegerField(_("version"))
    schema = models.JSONField(_("JSON Schema"))

    class Meta:
        verbose_name = _("event type schema")
        verbose_name_plural = _("event type schemas")
        ordering = ["topic", "event_type", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "event_type", "version"], name="exchange_topic_schema_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic.name} {self.event_type} v{self.version}"


class Subscription(BaseModel):
    """A subscriber subsystem's subscription (订阅) to a topic, approved by the topic's owner."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        SUSPENDED = "suspended", _("Suspended")

    class Mode(models.TextChoices):
        PUSH = "push", _("Push (webhook)")
        PULL = "pull", _("Pull (cursor API)")

    subscriber = models.ForeignKey(
        Subsystem,
        verbose_name=_("subscriber"),
        on_delete=models.PROTECT,
        related_name="subscriptions",
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="subscriptions"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    mode = models.CharField(_("delivery mode"), max_length=8, choices=Mode.choices)
    push_url = models.URLField(_("webhook address"), max_length=500, blank=True)
    # Empty: every event type of the topic.
    event_types = models.JSONField(_("event types"), default=list, blank=True)
    # None: from the approval on; a time in the past: replayed from then on at approval.
    starts_at = models.DateTimeField(_("start position"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=500, blank=True)
    decided_at = models.DateTimeField(
        pgettext_lazy("subscription", "decided at"), null=True, blank=True
    )
    decision_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["topic", "subscriber"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "topic"], name="exchange_subscription_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber.identifier} → {self.topic.name}"

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class Publication(models.Model):
    """A message published on a topic: the envelope and the payload kept for delivery.

    The payload is kept here whatever the publisher's log level (deliveries and replays need
    it); the message log keeps it only at the ``full`` level.
    """

    publisher = models.ForeignKey(
        Subsystem, verbose_name=_("publisher"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="publications"
    )
    event_type = models.CharField(_("event type"), max_length=128)
    schema_version = models.PositiveIntegerField(_("schema version"))
    message_id = models.CharField(_("message ID"), max_length=64)
    key = models.CharField(_("ordering key"), max_length=200, blank=True)
    envelope = models.JSONField(_("envelope"))
    payload = models.JSONField(_("payload"))
    log_record = models.ForeignKey(
        MessageLogRecord, verbose_name=_("log record"), on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), db_index=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["publisher", "message_id"], name="exchange_publication_once"
            ),
        ]
        indexes = [models.Index(fields=["topic", "published_at"], name="exchange_pub_topic_at")]

    def __str__(self) -> str:
        return f"{self.topic.name} {self.message_id}"


class Delivery(models.Model):
    """One publication to one subscription (the outbox row), delivered at least once.

    ``pending``: due at ``next_attempt_at``. ``delivered``: pushed (in flight) or pulled, waiting
    for the acknowledgement; due again at ``next_attempt_at`` (lease / visibility timeout).
    ``acked``: done. ``dead``: gave up after the last attempt; blocks its key until requeued.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered, not yet acknowledged")
        ACKED = "acked", _("Acknowledged")
        DEAD = "dead", _("Dead letter")

    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("subscription"),
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    publication = models.ForeignKey(
        Publication,
        verbose_name=_("publication"),
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    key = models.CharField(_("ordering key"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    acked_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "publication"], name="exchange_delivery_once"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="exchange_delivery_due"),
            models.Index(
                fields=["subscription", "key", "publication"], name="exchange_delivery_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id}:{self.publication_id} {self.status}"


class InboxEntry(models.Model):
    """A message a receiver inside ecity has handled: a redelivery finds it and does nothing."""

    subscription = models.ForeignKey(
        Subscription, verbose_name=_("subscription"), on_delete=models.CASCADE, related_name="+"
    )
    message_id = models.CharField(_("message ID"), max_length=64)
    sender = models.CharField(_("sender"), max_length=255)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inbox entry")
        verbose_name_plural = _("inbox entries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "message_id"], name="exchange_inbox_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.message_id}"
