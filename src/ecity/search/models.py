"""The search index: one row per findable document, plus the word list behind suggestions.

The analysed columns (``*_tokens``) hold space-separated words (``search.analysis``); the
full-text index over them is vendor-specific and lives outside the Django model state: an FTS5
table kept in step by triggers on SQLite, a generated ``tsvector`` column with a GIN index on
PostgreSQL (both created by migration 0002).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecity.search.sources import SOURCE_NAME_MAX


class IndexedDocument(models.Model):
    """One document a source offered, as analysed for search."""

    source = models.CharField(_("source"), max_length=SOURCE_NAME_MAX)
    key = models.CharField(_("key"), max_length=200)
    title = models.CharField(_("title"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("address"), max_length=500)
    kind = models.CharField(_("kind"), max_length=40)
    department_code = models.CharField(_("department code"), max_length=64, blank=True)
    department_name = models.CharField(_("department name"), max_length=200, blank=True)
    # "|g2c|g2b|": filtered with ``contains`` and counted by value combination (few) for facets,
    # the same on SQLite and PostgreSQL.
    audiences = models.CharField(_("audiences"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    popularity = models.FloatField(_("popularity"), default=0.0)
    boost = models.FloatField(_("ranking boost"), default=1.0)  # 1 + 0.2 * ln(1 + popularity)
    title_tokens = models.TextField(_("title words"), blank=True)
    keyword_tokens = models.TextField(_("keyword words"), blank=True)
    body_tokens = models.TextField(_("body words"), blank=True)
    pinyin_tokens = models.TextField(_("pinyin"), blank=True)
    title_pinyin = models.CharField(_("title pinyin"), max_length=500, blank=True, db_index=True)
    title_initials = models.CharField(
        _("title pinyin initials"), max_length=200, blank=True, db_index=True
    )
    title_words = models.TextField(_("title words for suggestions"), blank=True)
    indexed_at = models.DateTimeField(_("indexed at"), auto_now=True)

    class Meta:
        verbose_name = _("indexed document")
        verbose_name_plural = _("indexed documents")
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="search_document_unique_key")
        ]
        indexes = [
            models.Index(fields=["title"], name="search_doc_title"),
            models.Index(fields=["kind"], name="search_doc_kind"),
            models.Index(fields=["department_code"], name="search_doc_department"),
            # Candidates of a large result (``selectors.query``): newest, and popular, first.
            models.Index(fields=["-published_at"], name="search_doc_published"),
            models.Index(
                models.F("boost").desc(),
                condition=models.Q(boost__gt=1.0),
                name="search_doc_popular",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SearchWord(models.Model):
    """A word of indexed titles and keywords with its pinyin (suggestions, "did you mean")."""

    word = models.CharField(_("word"), max_length=100, unique=True)
    pinyin = models.CharField(_("pinyin"), max_length=300, db_index=True)
    initials = models.CharField(_("pinyin initials"), max_length=100, db_index=True)
    documents = models.PositiveIntegerField(_("documents"), default=0)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self) -> str:
        return self.word
