"""Mailboxes (领导信箱): letters from signed-in citizens to the mayor or a department.

A letter moves ``received ──take──▶ in_progress ──reply──▶ replied ──rate / close──▶ closed``; a
letter that is really a complaint may leave as ``forwarded_to_hotline`` (the hotline ticket's
number is kept in ``ticket_number``). The reply is due ``Mailbox.reply_limit_days`` working days
after the letter was received (``workflow.clocks``). A replied letter whose writer agreed is
published with its reply, without the writer's personal data (``published_body``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecity.core.models import BaseModel


class Mailbox(BaseModel):
    """A mailbox of a leader (the mayor) or of a department; the department replies."""

    class Kind(models.TextChoices):
        LEADER = "leader", _("Leader's mailbox")  # 市长信箱
        DEPARTMENT = "department", _("Department mailbox")  # 部门信箱

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("owning department"),
        on_delete=models.PROTECT,
        related_name="mailboxes",
    )
    reply_limit_days = models.PositiveSmallIntegerField(
        _("reply within (working days)"), default=15
    )
    is_active = models.BooleanField(_("open for letters"), default=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reply_limit_days__gte=1), name="participation_mailbox_limit_min"
            )
        ]

    def __str__(self) -> str:
        return self.name_zh


class Letter(BaseModel):
    """One letter (来信) to a mailbox, its reply, publication and the writer's rating."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")  # 已收到
        IN_PROGRESS = "in_progress", _("In progress")  # 办理中
        REPLIED = "replied", _("Replied")  # 已回复
        CLOSED = "closed", _("Closed")  # 已办结
        FORWARDED_TO_HOTLINE = "forwarded_to_hotline", _("Forwarded to the 12345 hotline")

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")  # 满意
        BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")  # 基本满意
        UNSATISFIED = "unsatisfied", _("Unsatisfied")  # 不满意

    OPEN_STATUSES = ("received", "in_progress")

    mailbox = models.ForeignKey(
        Mailbox, verbose_name=_("mailbox"), on_delete=models.PROTECT, related_name="letters"
    )
    number = models.CharField(_("letter number"), max_length=60, unique=True)
    query_code = models.CharField(_("query code"), max_length=16)
    writer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("writer"),
        on_delete=models.PROTECT,
        related_name="mailbox_letters",
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(pgettext_lazy("letter", "text"))
    consent_to_publish = models.BooleanField(_("may be published"), default=False)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("reply due on"), db_index=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reply = models.TextField(pgettext_lazy("letter", "reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Publication (with the writer's consent): the text shown publicly, personal data removed.
    is_public = models.BooleanField(_("published"), default=False)
    published_body = models.TextField(_("published text"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    rating = models.CharField(
        pgettext_lazy("letter", "rating"), max_length=24, choices=Rating.choices, blank=True
    )
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    # Set when the letter is turned into a 12345 hotline ticket (status forwarded_to_hotline).
    ticket_number = models.CharField(_("hotline ticket number"), max_length=40, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        indexes = [
            models.Index(fields=["mailbox", "status"], name="participation_letter_box_st"),
            models.Index(fields=["is_public", "published_at"], name="participation_letter_pub"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class LetterAttachment(BaseModel):
    """A file the writer attached, checked by the safe upload rules before it is stored."""

    letter = models.ForeignKey(
        Letter, verbose_name=_("letter"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="participation/letters/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("letter attachment")
        verbose_name_plural = _("letter attachments")
