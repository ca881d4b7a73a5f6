"""Content pages: news, notices, policy documents, interpretations, special topics, plain pages."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from ecity.cms.sanitising import SanitisedRichTextField

_COLUMN_PARENTS = ["cms.ColumnPage", "cms.TopicPage"]


class ContentPage(Page):
    """Fields every content page has (abstract): summary, body and attachments."""

    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = SanitisedRichTextField(_("body"), blank=True)
    attachments = StreamField(
        [("attachment", DocumentChooserBlock(label=_("attachment")))],
        verbose_name=_("attachments"),
        blank=True,
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("attachments"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = _COLUMN_PARENTS
    subpage_types: list[str] = []
    page_template = "cms/content_page.html"
    # The part of the page the anti-tampering record covers (cms/integrity.py).
    content_template = "cms/content/article.html"
    kind = "page"

    class Meta:
        abstract = True

    def get_template(self, request: HttpRequest, *args: Any, **kwargs: Any) -> str:
        # Wagtail names a template per model; every content type shares one layout.
        return self.page_template


class NewsPage(ContentPage):
    kind = "news"

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")


class NoticePage(ContentPage):
    kind = "notice"

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")


class PolicyPage(ContentPage):
    """A policy document (政策文件) with its number, issuer, dates and validity."""

    class Validity(models.TextChoices):
        VALID = "valid", _("In force")
        AMENDED = "amended", _("Amended")
        REPEALED = "repealed", _("Repealed")

    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    written_on = models.DateField(_("date written"), null=True, blank=True)
    issued_on = models.DateField(_("date issued"), null=True, blank=True)
    validity = models.CharField(
        _("validity"), max_length=16, choices=Validity.choices, default=Validity.VALID
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("document_number"),
                FieldPanel("issuing_body"),
                FieldPanel("written_on"),
                FieldPanel("issued_on"),
                FieldPanel("validity"),
                FieldPanel("replaced_by"),
            ],
            heading=_("Policy document"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("attachments"),
    ]
    search_fields = [*ContentPage.search_fields, index.SearchField("document_number")]
    content_template = "cms/content/policy.html"
    kind = "policy"

    class Meta:
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")


class InterpretationPage(ContentPage):
    """A policy interpretation (政策解读) linked to its policy."""

    policy = models.ForeignKey(
        PolicyPage,
        verbose_name=_("policy interpreted"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interpretations",
    )

    content_panels = [*ContentPage.content_panels, FieldPanel("policy")]
    kind = "interpretation"

    class Meta:
        verbose_name = _("policy interpretation")
        verbose_name_plural = _("policy interpretations")


class TopicPage(ContentPage):
    """A special topic (专题): an introduction and the pages gathered under it."""

    parent_page_types = ["cms.HomePage", "cms.DepartmentSitePage", "cms.ColumnPage"]
    subpage_types = ["cms.NewsPage", "cms.NoticePage", "cms.PolicyPage", "cms.PlainPage"]
    page_template = "cms/index_page.html"
    kind = "topic"

    class Meta:
        verbose_name = _("special topic")
        verbose_name_plural = _("special topics")


class PlainPage(ContentPage):
    parent_page_types = [
        "cms.HomePage",
        "cms.DepartmentSitePage",
        "cms.ColumnPage",
        "cms.TopicPage",
    ]
    kind = "page"

    class Meta:
        verbose_name = _("plain page")
        verbose_name_plural = _("plain pages")
