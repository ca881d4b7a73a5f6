"""Consultations (征集意见): a department's draft document put to the public for comments.

A consultation moves ``draft ──open──▶ open ──close──▶ closed ──summarise──▶ summarised``.
Signed-in citizens with a verified identity comment under their verified name, on the whole
draft or one of its sections (``第三条``). Every comment waits for moderation: a participation
editor of the owning department publishes or rejects it (with a reason); only published
comments are ever shown publicly. After closing, the department marks each published comment
adopted / partly adopted / not adopted with a reason and writes an overall summary.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecity.core.models import BaseModel


class Consultation(BaseModel):
    """One call for comments on a draft (规范性文件、政策草案…)."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("consultation status", "Draft")  # 未发布
        OPEN = "open", pgettext_lazy("consultation status", "Open for comments")  # 征集中
        CLOSED = "closed", pgettext_lazy("consultation status", "Closed")  # 已结束
        SUMMARISED = "summarised", _("Summary published")  # 已反馈

    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    draft_text = models.TextField(_("draft text"))
    # Optional PDF of the draft (checked by the safe upload rules), downloaded by anyone.
    attachment = models.FileField(
        _("draft (PDF)"), upload_to="participation/consultations/%Y/", blank=True
    )
    attachment_name = models.CharField(_("file name"), max_length=255, blank=True)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("owning department"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.TextField(_("summary of the comments"), blank=True)
    summarised_at = models.DateTimeField(_("summary published at"), null=True, blank=True)

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="participation_consultation_period",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ConsultationComment(BaseModel):
    """A citizen's comment (意见) on a consultation, moderated before publication."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")  # 待审核
        PUBLISHED = "published", _("Published")  # 已发布
        REJECTED = "rejected", _("Rejected")  # 未通过

    class Adoption(models.TextChoices):
        ADOPTED = "adopted", _("Adopted")  # 采纳
        PARTLY_ADOPTED = "partly_adopted", _("Partly adopted")  # 部分采纳
        NOT_ADOPTED = "not_adopted", _("Not adopted")  # 未采纳

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="consultation_comments",
    )
    # The account's verified name when the comment was written (a snapshot).
    author_name = models.CharField(_("name"), max_length=100)
    section = models.CharField(_("section of the draft"), max_length=100, blank=True)
    body = models.TextField(pgettext_lazy("consultation comment", "comment"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    adoption = models.CharField(_("adoption"), max_length=16, choices=Adoption.choices, blank=True)
    adoption_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("consultation comment")
        verbose_name_plural = _("consultation comments")
        indexes = [
            models.Index(fields=["consultation", "status"], name="participation_comment_status")
        ]

    def __str__(self) -> str:
        return f"{self.consultation} · {self.author_name}"
