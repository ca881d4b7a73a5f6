"""The attachment upload form used by Wagtail's document views (WAGTAILDOCS_DOCUMENT_FORM_BASE)."""

from __future__ import annotations

from typing import Any

from django import forms
from wagtail.documents.forms import BaseDocumentForm

from ecity.cms.attachments import attachment_check, attachment_text
from ecity.core.uploads import CheckedUpload, UploadRejected


class AttachmentForm(BaseDocumentForm):
    """Refuses a file whose content is not what its name says (or not PDF/Office/OFD).

    The accepted file's real type and text (for search) are kept with the attachment.
    """

    _checked: CheckedUpload | None = None

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is None or getattr(upload, "_committed", False):
            return upload  # unchanged file on edit
        try:
            self._checked = attachment_check(upload=upload)
        except UploadRejected as exc:
            raise forms.ValidationError(exc.message, code="invalid_content") from exc
        return upload

    def save(self, commit: bool = True) -> Any:
        if self._checked is not None:
            self.instance.content_type_sniffed = self._checked.content_type
            self.instance.extracted_text = attachment_text(
                handle=self._checked.file, content_type=self._checked.content_type
            )
            self._checked.file.seek(0)
        return super().save(commit=commit)
