"""Attachments (PDF, Office, OFD): Wagtail documents whose content was checked and read."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.documents.models import AbstractDocument, Document


class Attachment(AbstractDocument):
    """A file attached to pages; ``extracted_text`` feeds the search index."""

    content_type_sniffed = models.CharField(_("content type"), max_length=100, blank=True)
    extracted_text = models.TextField(_("extracted text"), blank=True, editable=False)

    admin_form_fields = Document.admin_form_fields

    class Meta(AbstractDocument.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        permissions = [("choose_document", "Can choose document")]
