"""Handling of a dispatched ticket: extension requests (申请延期), assistance by a second
department (协办) and the callback to the citizen after closing (回访).

The rules live in ``services/handling.py`` and ``services/callbacks.py``; these models hold the
data and the database constraints (at most one pending extension request per ticket, one
assistance per department, one callback per closing of a ticket).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecity.core.models import BaseModel


class ExtensionRequest(BaseModel):
    """A department's request for more time to answer a ticket (申请延期)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    ticket = models.ForeignKey(
        "hotline.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="extension_requests",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    previous_due_at = models.DateTimeField(_("previous due time"), null=True, blank=True)
    requested_due_at = models.DateTimeField(_("requested due time"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(status="pending"),
                name="hotline_one_pending_extension",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket} {self.status}"


class TicketAssist(BaseModel):
    """A second department assisting the lead department (协办), with its own contribution."""

    ticket = models.ForeignKey(
        "hotline.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="assists",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("assisting department"),
        on_delete=models.PROTECT,
        related_name="hotline_assists",
    )
    reason = models.TextField(_("what is asked"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    contribution = models.TextField(_("contribution"), blank=True)
    contributed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contributed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contributed_at = models.DateTimeField(_("contributed at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket assistance")
        verbose_name_plural = _("ticket assistances")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "department"], name="hotline_assist_once_per_department"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket} {self.department_id}"


class Callback(BaseModel):
    """The callback (回访) after a ticket was closed: by an agent, or the citizen rating online.

    ``cycle`` is the ticket's ``reopen_count`` when it was called back, so each closing gets at
    most one callback and a reopened ticket is called back again after its next closing.
    """

    class Method(models.TextChoices):
        PHONE = "phone", pgettext_lazy("callback method", "Phone")
        SMS = "sms", pgettext_lazy("callback method", "SMS")
        WEB = "web", pgettext_lazy("callback method", "Online")
        # The citizen answered the questionnaire whose link the platform sent by SMS.
        SMS_WEB = "sms_web", pgettext_lazy("callback method", "SMS questionnaire")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")  # 满意
        FAIRLY_SATISFIED = "fairly_satisfied", _("Fairly satisfied")  # 基本满意
        DISSATISFIED = "dissatisfied", _("Dissatisfied")  # 不满意

    ticket = models.ForeignKey(
        "hotline.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="callbacks",
    )
    cycle = models.PositiveIntegerField(_("handling round"), default=0)
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    is_solved = models.BooleanField(_("solved"))
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the citizen rated online."),
    )
    led_to_reopen = models.BooleanField(_("ticket reopened"), default=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "cycle"], name="hotline_callback_per_cycle")
        ]

    def __str__(self) -> str:
        return f"{self.ticket} {self.satisfaction}"


class CallbackQuestionnaire(BaseModel):
    """The callback questionnaire sent by SMS when a ticket closes (短信回访).

    One per closing (``cycle`` is the ticket's ``reopen_count`` then). The link carries ``key``
    and its signature (``services/questionnaires.py``); the citizen answers without signing in
    until ``expires_at``; unanswered by then, the ticket is left to a phone callback.
    ``callback`` is set when the citizen answered (the link is then used up).
    """

    ticket = models.ForeignKey(
        "hotline.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="questionnaires",
    )
    cycle = models.PositiveIntegerField(_("handling round"), default=0)
    key = models.CharField(_("link key"), max_length=24, unique=True)
    expires_at = models.DateTimeField(_("answer by"))
    callback = models.OneToOneField(
        Callback,
        verbose_name=_("callback"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questionnaire",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("callback questionnaire")
        verbose_name_plural = _("callback questionnaires")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "cycle"], name="hotline_questionnaire_per_cycle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket} {self.cycle}"
