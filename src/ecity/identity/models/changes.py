"""Requested changes of an account's e-mail address or mobile number, until they are confirmed.

A new address counts only once its owner proves they receive messages there; until then the
old one stays in force for login, password reset and notifications
(``ecity.identity.services.account_changes``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecity.core.fields import EncryptedTextField
from ecity.core.models import BaseModel


class ContactChange(BaseModel):
    """One requested change of e-mail address or mobile number, pending until confirmed.

    An e-mail change is confirmed with a signed link sent to the new address (the link names
    this row and a digest of ``new_value``); a phone change with a 6-digit code sent by SMS to
    the new number, of which only a keyed hash is kept. A user has at most one pending change
    of each kind: a new request cancels the previous one, so its link or code stops working.
    """

    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail address")
        PHONE = "phone", _("Mobile phone")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="contact_changes",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    # Personal data: encrypted at rest like the account's own phone and address.
    new_value = EncryptedTextField(_("new value"), max_length=254)
    code_hash = models.CharField(_("hash of the code"), max_length=128, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("wrong codes entered"), default=0)
    expires_at = models.DateTimeField(_("expires at"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    closed_at = models.DateTimeField(_("confirmed or cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact detail change")
        verbose_name_plural = _("contact detail changes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(status="pending"),
                name="identity_contact_change_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()} · {self.get_status_display()}"
