"""The subject thesaurus (主题词表): preferred terms, their synonyms and relations.

A ``SubjectTerm`` is a preferred term (正式主题词) with its non-preferred synonyms (入口词:
用/代), broader and narrower terms (属/分, a term may have several broader terms) and related
terms (参). Search expands a query with it (``subject_terms_expand``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ecity.core.models import BaseModel


class SubjectTerm(BaseModel):
    """A preferred term of the subject thesaurus."""

    term = models.CharField(_("term"), max_length=100, unique=True)
    term_en = models.CharField(_("term (English)"), max_length=200, blank=True)
    scope_note = models.TextField(_("scope note"), blank=True)
    synonyms = models.JSONField(
        _("synonyms"), default=list, blank=True, help_text=_("Non-preferred terms (用/代).")
    )
    # Every label (the term and its synonyms), case-folded, between newlines: an exact label is
    # found with one indexed-free ``contains`` query on SQLite and PostgreSQL alike.
    labels = models.TextField(_("labels"), blank=True, editable=False)
    broader = models.ManyToManyField(
        "self",
        verbose_name=_("broader terms"),
        symmetrical=False,
        blank=True,
        related_name="narrower",
    )
    related = models.ManyToManyField(
        "self", verbose_name=_("related terms"), symmetrical=True, blank=True
    )

    class Meta:
        verbose_name = _("subject term")
        verbose_name_plural = _("subject terms")
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    @property
    def display_term(self) -> str:
        if (get_language() or "").startswith("en") and self.term_en:
            return self.term_en
        return self.term
