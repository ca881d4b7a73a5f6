"""Anti-tampering (防篡改): the signed record of what each live page showed when published."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecity.core.models import BaseModel


class IntegrityRecord(BaseModel):
    """The hash of a page's rendered content at publication, signed with the vault's key.

    ``snapshot`` is the published revision's content, kept here (and covered by the signature)
    so a page can be restored even when its revision rows were altered too.
    """

    page = models.OneToOneField(
        "wagtailcore.Page",
        verbose_name=_("page"),
        on_delete=models.CASCADE,
        related_name="integrity_record",
    )
    revision_id = models.BigIntegerField(_("published revision"), null=True)
    content_sha256 = models.CharField(_("content hash"), max_length=64)
    snapshot = models.JSONField(_("published content"))
    snapshot_sha256 = models.CharField(_("snapshot hash"), max_length=64)
    kid = models.CharField(_("key ID"), max_length=64)
    signature = models.TextField(_("signature"))
    signed_at = models.DateTimeField(_("signed at"))
    checked_at = models.DateTimeField(_("last checked at"), null=True, blank=True)
    restored_count = models.PositiveIntegerField(_("times restored"), default=0)

    class Meta:
        verbose_name = _("integrity record")
        verbose_name_plural = _("integrity records")

    def __str__(self) -> str:
        return f"{self.page_id} · {self.content_sha256[:12]}"
