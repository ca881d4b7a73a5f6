"""Shared model base classes and kernel models.

Working-day calendar, USCC allow-list, and the kernel mechanisms every app uses: the event
outbox, gap-free sequences, idempotency records of write requests, and the signing-key vault.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecity.core.fields import EncryptedJSONField, EncryptedTextField
from ecity.core.validators import validate_uscc_format


class BaseModel(models.Model):
    """Every domain model: a public UUID for URLs and APIs, creation and update times.

    The integer primary key stays internal (joins, ordering); only ``public_id`` leaves the
    platform, so identifiers cannot be enumerated.
    """

    public_id = models.UUIDField(_("public ID"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class CalendarYear(BaseModel):
    """Where a year's holidays and adjusted working days came from, and whether they are final.

    The State Council publishes each year's holiday arrangement late in the previous year. A year
    is seeded from the ``chinese-calendar`` package when the package knows it; otherwise an
    administrator enters the days and ticks ``is_complete`` once the official notice is in.
    """

    class Source(models.TextChoices):
        PACKAGE = "chinese_calendar", _("Seeded from the chinese-calendar package")
        ADMINISTRATOR = "administrator", _("Entered by an administrator")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=32, choices=Source.choices)
    is_complete = models.BooleanField(
        _("official data complete"),
        default=False,
        help_text=_("Tick when every holiday and adjusted working day of the year is entered."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(BaseModel):
    """A date that breaks the Monday-to-Friday rule: a public holiday or an adjusted working day.

    Every other date is a working day from Monday to Friday and a rest day at the weekend.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday (no work)")
        ADJUSTED_WORKDAY = "adjusted_workday", _("Adjusted working day (work at the weekend)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(
        _("name"), max_length=100, blank=True, help_text=_("For example 春节 or 国庆节.")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"

    def clean(self) -> None:
        super().clean()
        # Saturdays and Sundays are the only days that can be turned into working days.
        if self.kind == self.Kind.ADJUSTED_WORKDAY and self.date and self.date.weekday() < 5:
            raise ValidationError(
                {"date": _("An adjusted working day must be a Saturday or a Sunday.")},
                code="adjusted_workday_on_weekday",
            )


class UsccAllowListEntry(BaseModel):
    """A legally issued unified social credit code that fails the GB 32100 check character.

    Some codes issued in the early years of the system do not satisfy the check; validators
    accept them only when an administrator has put them here with the reason.
    """

    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_uscc_format],
    )
    reason = models.CharField(
        _("reason"), max_length=300, help_text=_("Who issued the code and how it was verified.")
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("USCC allow-list entry")
        verbose_name_plural = _("USCC allow-list")
        ordering = ["uscc"]

    def __str__(self) -> str:
        return self.uscc


class OutboxEvent(BaseModel):
    """A domain event published through the transactional outbox (see ``ecity.core.events``).

    The row is written in the publisher's transaction, so it exists exactly when the change it
    describes was committed: it is the record that delivery resumes from after a crash. ``data``
    may name people (the applicant of a decided case), so it is encrypted at rest.
    """

    name = models.CharField(_("event"), max_length=100)
    subject = models.CharField(_("subject"), max_length=200)
    key = models.CharField(_("idempotency key"), max_length=200)
    data = EncryptedJSONField(_("data"), default=dict)

    class Meta:
        verbose_name = _("published event")
        verbose_name_plural = _("published events")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["name", "key"], name="core_outbox_event_name_key")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.subject}"


class EventDelivery(BaseModel):
    """The delivery of one event to one handler, with its own state, attempts and error.

    Pending deliveries are due at ``next_attempt_at``; a failed attempt is retried with
    exponential backoff until ``ECITY_EVENTS_MAX_ATTEMPTS``, then the delivery is dead (the
    dead-letter list in the admin) until an operator replays it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Delivered")
        DEAD = "dead", _("Dead letter (gave up)")

    event = models.ForeignKey(
        OutboxEvent,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    handler = models.CharField(_("handler"), max_length=150)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("event delivery")
        verbose_name_plural = _("event deliveries")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "handler"], name="core_event_delivery_event_handler"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="core_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.handler} ← {self.event_id}"


class Sequence(models.Model):
    """The last number handed out in one numbering scope (see ``ecity.core.sequences``).

    A scope names one gap-free series, for example ``cases:2026:SCJ`` (case numbers of a lead
    department and year) or ``decision:SCJ:2026`` (decision documents).
    """

    scope = models.CharField(_("scope"), max_length=150, unique=True)
    last = models.PositiveBigIntegerField(_("last number"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sequence")
        verbose_name_plural = _("sequences")
        ordering = ["scope"]

    def __str__(self) -> str:
        return f"{self.scope}: {self.last}"


class IdempotencyRecord(BaseModel):
    """A write request's key, so a retry gets the first answer (see ``ecity.core.idempotency``).

    The result is referenced generically: its type (``cases.case``) and public ID, not a foreign
    key, so any app's write API can use the same table.
    """

    key = models.CharField(_("idempotency key"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    scope = models.CharField(_("operation"), max_length=64)
    request_fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    result_type = models.CharField(_("result type"), max_length=100, blank=True)
    result_id = models.UUIDField(_("result public ID"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.JSONField(_("response body"), null=True, blank=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="core_idempotency_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class SigningKey(BaseModel):
    """A key pair in the signing-key vault (see ``ecity.core.vault``).

    One key per purpose is current (signs); previous keys no longer sign but still verify (and
    OIDC publishes them in its JWKS); retired keys are kept as a record. The private key is PKCS#8
    PEM in an encrypted column, wrapped by the field-encryption keyring like any personal data.
    """

    class Purpose(models.TextChoices):
        OIDC = "oidc", _("OpenID Connect ID tokens")
        CERTIFICATES = "certificates", _("E-certificates and decision documents")
        EXCHANGE = "exchange", _("Data exchange messages")
        AUDIT = "audit", _("Audit chain checkpoints")
        CONTENT = "content", _("Published web pages (anti-tampering)")

    class Status(models.TextChoices):
        CURRENT = "current", _("Current (signs)")
        PREVIOUS = "previous", _("Previous (verifies, no longer signs)")
        RETIRED = "retired", _("Retired")

    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    # Whose key within the purpose: empty for the node's own key; an exchange subsystem's
    # identifier for that subsystem's key (one current key per purpose and owner).
    owner = models.CharField(_("owner"), max_length=255, blank=True, default="")
    kid = models.CharField(_("key ID"), max_length=100)
    algorithm = models.CharField(_("algorithm"), max_length=16)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    public_key = models.TextField(_("public key"))
    private_key = EncryptedTextField(_("private key (PKCS#8 PEM, encrypted)"), blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["purpose", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "kid"], name="core_signingkey_unique_kid"),
            models.UniqueConstraint(
                fields=["purpose", "owner"],
                condition=models.Q(status="current"),
                name="core_signingkey_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.algorithm} {self.kid} ({self.status})"
