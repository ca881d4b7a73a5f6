"""The knowledge base (知识库): articles agents and citizens read, reviewed before publication.

An article moves ``draft → in_review → published → archived``. Editing a published article
returns it to draft (the published text is kept as a ``KnowledgeArticleVersion``, so history
shows every text that was ever published); a reviewer who is not its author publishes it again.
Only published articles inside their validity period are found by search; internal articles only
by staff. ``search_text`` holds ``ecity.core.chinese.search_text`` of title, keywords and body.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecity.core.models import BaseModel


class KnowledgeArticle(BaseModel):
    """One article of the knowledge base, owned by one department."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("knowledge article", "Draft")  # 草稿
        IN_REVIEW = "in_review", pgettext_lazy("knowledge article", "In review")  # 待审核
        PUBLISHED = "published", pgettext_lazy("knowledge article", "Published")  # 已发布
        ARCHIVED = "archived", pgettext_lazy("knowledge article", "Archived")  # 已归档

    category = models.ForeignKey(
        "hotline.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="knowledge_articles",
    )
    title = models.CharField(_("title"), max_length=200)
    # Plain text: services strip any markup before saving, pages escape it and keep line breaks.
    body = models.TextField(_("body"))
    keywords = models.CharField(
        _("keywords"),
        max_length=300,
        blank=True,
        help_text=_("Words callers use for this topic, separated by commas or spaces."),
    )
    # None = the whole city.
    regions = models.ManyToManyField(
        "org.Region",
        verbose_name=_("applicable regions"),
        blank=True,
        related_name="knowledge_articles",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, db_index=True)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("owning department"),
        on_delete=models.PROTECT,
        related_name="knowledge_articles",
    )
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Public articles are shown to citizens; the others only to staff."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Who last changed the text: neither the author nor the last editor may approve it.
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    # The ticket whose answer the article was proposed from (知识反哺).
    source_ticket = models.ForeignKey(
        "hotline.Ticket",
        verbose_name=_("proposed from ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposed_articles",
    )
    # Optimistic lock: forms send the revision they showed; a stale one is refused.
    revision = models.PositiveIntegerField(_("revision"), default=1)
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        indexes = [
            models.Index(fields=["status", "is_public"], name="hotline_kb_status_public"),
            models.Index(fields=["department", "status"], name="hotline_kb_dept_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def keyword_list(self) -> list[str]:
        """The keywords, split on commas, enumeration commas and whitespace."""
        return [k for k in _split_keywords(self.keywords) if k]


def _split_keywords(keywords: str) -> list[str]:
    for separator in ("，", "、", ";", "；"):
        keywords = keywords.replace(separator, ",")
    return [part.strip() for chunk in keywords.split(",") for part in chunk.split()]


class KnowledgeArticleVersion(BaseModel):
    """A text of an article as it was published (one row per publication)."""

    article = models.ForeignKey(
        KnowledgeArticle,
        verbose_name=_("knowledge article"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("edited by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        ordering = ["article", "-number"]
        verbose_name = _("knowledge article version")
        verbose_name_plural = _("knowledge article versions")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="hotline_kb_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article} v{self.number}"
