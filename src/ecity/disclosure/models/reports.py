"""The annual report on government information disclosure (年度报告, 条例 art. 49–50)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecity.core.models import BaseModel


class AnnualReport(BaseModel):
    """One department's report for one year: generated tables, staff figures and text.

    ``tables`` holds the generated prescribed tables (主动公开情况 and 收到和处理政府信息公开申请
    情况 by applicant type × outcome); ``reviews`` the 行政复议和行政诉讼 figures entered by
    staff; ``problems`` the 存在的主要问题及改进情况 text. Editable while a draft.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", pgettext_lazy("disclosure", "Published")

    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="disclosure_reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    summary = models.TextField(_("overview"), blank=True)
    tables = models.JSONField(_("generated tables"), default=dict)
    reviews = models.JSONField(_("administrative review and litigation"), default=dict)
    problems = models.TextField(_("main problems and improvements"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-year", "department_id"]
        verbose_name = _("annual disclosure report")
        verbose_name_plural = _("annual disclosure reports")
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], name="disclosure_report_year")
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.year}"
