"""The city's site home, department sub-sites (子站) and their columns (栏目)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page

from ecity.cms.sanitising import SanitisedRichTextField
from ecity.disclosure.models import Category


class HomePage(Page):
    """The city's site home: the department sub-sites and the city's own columns."""

    intro = SanitisedRichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.DepartmentSitePage", "cms.ColumnPage", "cms.TopicPage", "cms.PlainPage"]
    template = "cms/index_page.html"
    max_count = 1

    class Meta:
        verbose_name = _("city site home")
        verbose_name_plural = _("city site homes")


class DepartmentSitePage(Page):
    """A department's sub-site (子站): its own column tree, navigation and contact block."""

    department = models.OneToOneField(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="cms_site",
    )
    intro = SanitisedRichTextField(_("introduction"), blank=True)
    contact_address = models.CharField(_("address"), max_length=200, blank=True)
    contact_phone = models.CharField(_("telephone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("department"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("contact_address"),
                FieldPanel("contact_phone"),
                FieldPanel("contact_email"),
                FieldPanel("office_hours"),
            ],
            heading=_("Contact"),
        ),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ColumnPage", "cms.TopicPage", "cms.PlainPage"]
    template = "cms/index_page.html"

    class Meta:
        verbose_name = _("department sub-site")
        verbose_name_plural = _("department sub-sites")


class ColumnPage(Page):
    """A column (栏目): lists its content pages, newest first; columns nest."""

    intro = SanitisedRichTextField(_("introduction"), blank=True)
    disclosure_category = models.CharField(
        _("disclosure category"),
        max_length=32,
        choices=Category.choices,
        blank=True,
        help_text=_(
            "Pages published in this column enter the department's disclosure catalogue "
            "under this category (policies and interpretations default to 法规文件)."
        ),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("disclosure_category")]
    parent_page_types = ["cms.HomePage", "cms.DepartmentSitePage", "cms.ColumnPage"]
    subpage_types = [
        "cms.ColumnPage",
        "cms.NewsPage",
        "cms.NoticePage",
        "cms.PolicyPage",
        "cms.InterpretationPage",
        "cms.TopicPage",
        "cms.PlainPage",
    ]
    template = "cms/index_page.html"

    class Meta:
        verbose_name = pgettext_lazy("cms", "column")
        verbose_name_plural = _("columns")
