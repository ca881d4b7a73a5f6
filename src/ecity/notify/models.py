"""Notification outbox (主动告知), per-channel preferences and the delivery log.

A state change writes its notifications here in its own transaction (the outbox); the
``notify.deliver`` job sends them later, at least once, with retries and backoff. Subject and body
are rendered when the row is written, in the recipient's language, so what is sent is fixed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecity.core.fields import EncryptedTextField
from ecity.core.models import BaseModel
from ecity.notify.registry import EventGroup, event_get, event_label


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In-app message")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message (SMS)")


class Notification(BaseModel):
    """One message to one recipient over one channel: an outbox row until it is sent.

    In-app rows are ``sent`` as soon as they are written (the inbox is the delivery); e-mail and
    SMS rows wait in ``pending`` for the delivery job, which claims them (``sending``) and marks
    them ``sent``, or reschedules them with backoff, or gives up (``failed``).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (gave up)")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        help_text=_("Empty for an applicant without an account (e-mail or SMS only)."),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    # One of the events the apps declare (``ecity.notify.registry``), checked when enqueued.
    event = models.CharField(_("event"), max_length=40)
    # What the message is about, named generically: "cases.case" + its public id + "SF2025…".
    object_type = models.CharField(
        _("about (type)"), max_length=100, blank=True, help_text=_('For example "cases.case".')
    )
    object_id = models.CharField(_("about (public id)"), max_length=64, blank=True)
    reference = models.CharField(
        _("reference"),
        max_length=64,
        blank=True,
        help_text=_("The number people know it by, such as the case number."),
    )
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    subject = models.CharField(pgettext_lazy("e-mail", "subject"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    link_path = models.CharField(
        _("link"), max_length=300, blank=True, help_text=_("Path of the page the message is about.")
    )
    to_address = EncryptedTextField(  # personal data: encrypted at rest (ecity.core.fields)
        _("address"), max_length=254, blank=True, help_text=_("E-mail address or mobile number.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(
        pgettext_lazy("delivery", "claimed at"), null=True, blank=True
    )
    claim_token = models.CharField(_("claim token"), max_length=32, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    is_read = models.BooleanField(_("read"), default=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key", "channel"], name="notify_notification_unique_key"
            ),
            models.CheckConstraint(
                condition=Q(channel="in_app", recipient__isnull=False) | ~Q(channel="in_app"),
                name="notify_notification_in_app_has_recipient",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notify_due_idx"),
            models.Index(fields=["recipient", "channel", "is_read"], name="notify_inbox_idx"),
            models.Index(fields=["object_type", "object_id"], name="notify_about_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_label} · {self.get_channel_display()} · {self.reference}"

    @property
    def event_label(self) -> str:
        """The event in words (its name when no app declares it any more)."""
        return event_label(self.event)

    @property
    def link_text(self) -> str:
        """The text of the link to the page the message is about, e.g. "View case SF…"."""
        declared = event_get(self.event)
        if declared is None or not self.reference:
            return str(_("View details"))
        return declared.link_text(self.reference)


class NotificationPreference(BaseModel):
    """A user's choice for one channel and one event group (or ``all`` groups).

    Without a row the default applies: e-mail on when the account has an e-mail address, SMS on
    when it has a mobile number. In-app messages cannot be switched off and are never stored here.
    A group row wins over the channel's ``all`` row.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    channel = models.CharField(
        _("channel"),
        max_length=16,
        choices=[
            (Channel.EMAIL.value, Channel.EMAIL.label),
            (Channel.SMS.value, Channel.SMS.label),
        ],
    )
    event_group = models.CharField(
        _("notifications"), max_length=20, choices=EventGroup.choices, default=EventGroup.ALL
    )
    is_enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        ordering = ["user", "channel", "event_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "channel", "event_group"], name="notify_preference_unique"
            ),
        ]

    def __str__(self) -> str:
        state = _("on") if self.is_enabled else _("off")
        group = self.get_event_group_display()
        return f"{self.user} · {self.get_channel_display()} · {group}: {state}"


class DeliveryAttempt(models.Model):
    """One try to send a notification: the delivery log shown in the admin."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("Sent")
        RETRY = "retry", _("Failed, will retry")
        FAILED = "failed", _("Failed, gave up")

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="delivery_attempts",
    )
    attempted_at = models.DateTimeField(_("attempted at"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["attempted_at", "id"]

    def __str__(self) -> str:
        return f"{self.attempted_at:%Y-%m-%d %H:%M:%S} {self.get_outcome_display()}"


class Subscription(BaseModel):
    """Someone follows a topic (a column, a department, a saved search) on one channel.

    Without an account: e-mail only, ``pending`` until the address is confirmed through the
    link sent to it. With an account: e-mail, SMS or in-app, active at once (the account's
    addresses are verified). Every message carries a one-click unsubscribe link.
    """

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("At once")
        DAILY = "daily", _("Daily digest")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ACTIVE = "active", _("Active")
        CANCELLED = "cancelled", _("Cancelled")

    topic = models.CharField(_("followed topic"), max_length=200)
    topic_title = models.CharField(_("following"), max_length=200)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    email = EncryptedTextField(_("e-mail address"), max_length=254, blank=True)
    email_index = models.CharField(max_length=64, blank=True, editable=False)
    frequency = models.CharField(
        _("delivery frequency"),
        max_length=16,
        choices=Frequency.choices,
        default=Frequency.IMMEDIATE,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    last_digest_at = models.DateTimeField(_("last digest at"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "account", "channel"],
                condition=Q(account__isnull=False),
                name="notify_subscription_account_unique",
            ),
            models.UniqueConstraint(
                fields=["topic", "email_index"],
                condition=Q(account__isnull=True),
                name="notify_subscription_email_unique",
            ),
            models.CheckConstraint(
                condition=Q(account__isnull=False) | Q(channel="email"),
                name="notify_subscription_anonymous_by_email",
            ),
        ]
        indexes = [models.Index(fields=["topic", "status"], name="notify_sub_topic_idx")]

    def __str__(self) -> str:
        return f"{self.topic_title} · {self.get_channel_display()} · {self.get_status_display()}"


class TopicItem(BaseModel):
    """Something new under a topic (a published page), told to the topic's subscribers."""

    topic = models.CharField(_("followed topic"), max_length=200)
    key = models.CharField(_("key"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    path = models.CharField(_("link"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    published_at = models.DateTimeField(_("published at"))
    fanned_out_at = models.DateTimeField(_("told at once at"), null=True, blank=True)

    class Meta:
        verbose_name = _("topic item")
        verbose_name_plural = _("topic items")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "key"], name="notify_topic_item_unique"),
        ]
        indexes = [
            models.Index(fields=["topic", "published_at"], name="notify_item_topic_idx"),
            models.Index(fields=["fanned_out_at"], name="notify_item_fanout_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} · {self.title}"
