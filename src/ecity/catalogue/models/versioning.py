"""Versioned catalogue content: drafts are edited, publishing makes one current, and it stays.

Service guides (``ServiceItemVersion``) and joint applications (``JointServiceVersion``) are
versioned alike: the stable identity points at its ``current_version``; each version is
numbered, starts as the one draft, becomes published (current) and later superseded, and
keeps who published it and what changed.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ecity.core.models import BaseModel


class PublishedVersion(BaseModel):
    """One version of versioned catalogue content. Published versions are never changed again.

    The concrete model adds the foreign key to its stable identity, its names
    (``BilingualName``) and the constraints on both: unique numbers, one draft at a time.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published (current)")
        SUPERSEDED = "superseded", _("Superseded")

    name_zh: str  # from BilingualName, which every concrete version also inherits

    number = models.PositiveIntegerField(_("version number"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        "identity.User",
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name_zh} v{self.number}"

    @property
    def summary(self) -> str:
        if (get_language() or "").startswith("en") and self.summary_en:
            return self.summary_en
        return self.summary_zh

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_public(self) -> bool:
        """Published and superseded versions may be shown to anyone; drafts never."""
        return self.status != self.Status.DRAFT
