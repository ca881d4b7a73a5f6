"""Proactive disclosure (主动公开): each department's guide and catalogue by national category."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecity.core.models import BaseModel


class Category(models.TextChoices):
    """The national categories of proactively disclosed information (条例 art. 19–20)."""

    FUNCTIONS = "functions", _("Functions and organisation")  # 机构职能
    REGULATIONS = "regulations", _("Regulations and documents")  # 法规文件
    PLANS = "plans", _("Plans and programmes")  # 规划计划
    BUDGETS = "budgets", _("Budgets and final accounts")  # 财政预决算
    PERSONNEL = "personnel", _("Personnel")  # 人事信息
    PERMITS_PENALTIES = "permits_penalties", _("Permits and penalties")  # 行政许可和处罚结果
    PROCUREMENT = "procurement", _("Government procurement")  # 政府采购
    KEY_AREAS = "key_areas", _("Key areas")  # 重点领域
    STATISTICS = "statistics", pgettext_lazy("disclosure", "Statistics")  # 统计信息
    OTHER = "other", _("Other")  # 其他


class CatalogueEntry(BaseModel):
    """One item of a department's disclosure catalogue, owned by the source that published it.

    ``source`` + ``key`` identify the item in its source (``cms`` and a page id, ``catalogue``
    and a service item code, ``cases`` and a decision number …), so publishing again updates it.
    """

    source = models.CharField(_("source"), max_length=40)
    key = models.CharField(_("key in the source"), max_length=100)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="disclosure_entries",
    )
    category = models.CharField(
        pgettext_lazy("disclosure", "category"), max_length=24, choices=Category.choices
    )
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("address"), max_length=500)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    published_at = models.DateTimeField(_("published at"), db_index=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue entries")
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="disclosure_entry_source_key")
        ]
        indexes = [
            models.Index(fields=["department", "category"], name="disclosure_entry_dept_cat"),
        ]

    def __str__(self) -> str:
        return self.title


class DisclosureGuide(BaseModel):
    """A department's disclosure guide (政府信息公开指南), editable text."""

    department = models.OneToOneField(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="disclosure_guide",
    )
    text = models.TextField(_("guide"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("disclosure guide")
        verbose_name_plural = _("disclosure guides")
