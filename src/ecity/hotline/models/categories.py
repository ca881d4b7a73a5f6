"""The editable tree of hotline categories (诉求分类), shared by tickets, the knowledge base,
Open311 services and the statistics."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ecity.core.models import BaseModel


class Category(BaseModel):
    """One node of the category tree, e.g. 城乡建设 › 市容环境 › 噪音扰民.

    ``department`` is the department a ticket of this category usually goes to (the first
    dispatch rule); a sub-district may still be chosen by the ticket's region.
    """

    code = models.CharField(_("category code"), max_length=32, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("usual department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotline_categories",
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # A local matter (street lighting, noise, sanitation) goes to the sub-district office of the
    # ticket's region rather than to the usual department (the second dispatch rule).
    local = models.BooleanField(
        _("local matter"),
        default=False,
        help_text=_("Dispatched to the sub-district office of the ticket's place."),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("hotline category")
        verbose_name_plural = _("hotline categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language (Chinese when no English name is set)."""
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh
