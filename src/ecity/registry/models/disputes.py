"""Disputes (异议) over a registry value: a proposed correction the authority settles in time.

Another department, or the person themselves, disputes an attribute's value of a record and
proposes the right one. The dispute goes to the authority department of the attribute's data
element (一数一源), which settles it within a working-day limit (a clock of ``ecity.workflow``,
refreshed by the periodic job ``workflow.deadlines``): accepted, the authority writes the
proposed value through ``person_write`` / ``legal_entity_record_write``; rejected, with a
reason. The record shows the open dispute until then.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecity.core.fields import EncryptedTextField
from ecity.registry.models.records import RecordReference
from ecity.workflow.clocks import DeadlineState


class Dispute(RecordReference):
    """A proposed correction of one attribute of one record, until the authority settles it."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("dispute status", "Open")
        ACCEPTED = "accepted", pgettext_lazy("dispute status", "Accepted (corrected)")
        REJECTED = "rejected", pgettext_lazy("dispute status", "Rejected")

    disputed_value = EncryptedTextField(_("disputed value"), blank=True)
    proposed_value = EncryptedTextField(_("proposed value"))
    reason = models.TextField(_("reason"), max_length=2000)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # None: the person themselves (a citizen on their own record).
    raised_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("raising department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    authority = models.ForeignKey(
        "org.Department",
        verbose_name=_("authority department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    started_on = models.DateField(_("started on"))
    limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"))
    due_on = models.DateField(_("due on"))
    deadline_state = models.CharField(
        _("deadline state"),
        max_length=16,
        choices=DeadlineState.choices,
        default=DeadlineState.NORMAL,
    )
    # The deadline state the administrators were last alerted of ("" none yet): one alert each.
    alerted_state = models.CharField(
        _("alerted state"), max_length=16, choices=DeadlineState.choices, blank=True
    )
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("settled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    settlement_reason = models.TextField(_("settlement reason"), blank=True)

    class Meta(RecordReference.Meta):
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["due_on", "id"]
        constraints = [
            *RecordReference.Meta.constraints,
            # One open dispute per attribute of a record: the record shows it until settled.
            models.UniqueConstraint(
                fields=["person", "attribute"],
                condition=Q(status="open", person__isnull=False),
                name="registry_dispute_one_open_person",
            ),
            models.UniqueConstraint(
                fields=["legal_entity", "attribute"],
                condition=Q(status="open", legal_entity__isnull=False),
                name="registry_dispute_one_open_legal_entity",
            ),
        ]
        indexes = [
            models.Index(fields=["authority", "status", "due_on"], name="registry_dispute_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.attribute} ({self.get_status_display()})"
