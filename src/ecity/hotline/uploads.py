"""Ticket attachments: photos and PDFs only, checked by their content, stored under ``hotline/``.

The rules are those of the case system's uploads (``ecity.cases.uploads``, which the domain
floor does not let the hotline import): the real type is sniffed from the first bytes, never
taken from the name or the browser; a declared extension that contradicts the content is
refused; empty files and files over ``ECITY_HOTLINE_ATTACHMENT_MAX_MB`` are refused. Stored
names are ``hotline/<yyyy>/<mm>/<uuid4>.<ext>``; the user's file name is kept only as data.
"""

from __future__ import annotations

import os
import unicodedata
import uuid
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS: dict[str, tuple[str, ...]] = {
    PDF: ("pdf",),
    JPEG: ("jpg", "jpeg", "jpe"),
    PNG: ("png",),
}
ACCEPTED_LABEL = "JPEG, PNG, PDF"


class UploadRejected(Exception):
    """The file breaks a rule; ``message`` says which, in the user's language."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class CheckedUpload:
    """An attachment that passed every check, ready to be stored."""

    file: Any  # a Django UploadedFile: read(), seek(), chunks()
    original_name: str
    content_type: str
    extension: str
    size: int


def max_size_mb() -> int:
    """The size limit of one attachment in MiB (setting ``ECITY_HOTLINE_ATTACHMENT_MAX_MB``)."""
    return int(settings.ECITY_HOTLINE_ATTACHMENT_MAX_MB)


def sniff_content_type(handle: IO[bytes]) -> str:
    """The MIME type the content really has among PDF, JPEG and PNG ("" for anything else)."""
    handle.seek(0)
    head = handle.read(16)
    handle.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return ""


def safe_original_name(name: str) -> str:
    """The user's file name without directories or control characters (for display)."""
    base = os.path.basename(str(name or "").replace("\\", "/"))
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    return cleaned[:200] or "file"


def attachment_check(upload: Any) -> CheckedUpload:
    """Check one uploaded file against the rules above; raise ``UploadRejected``."""
    size = int(getattr(upload, "size", 0) or 0)
    limit = max_size_mb()
    if size <= 0:
        raise UploadRejected(_("The file is empty."))
    if size > limit * 1024 * 1024:
        raise UploadRejected(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": limit}
        )
    sniffed = sniff_content_type(upload)
    if not sniffed:
        raise UploadRejected(
            _("The content of this file is not a type we accept. Accepted types: %(types)s.")
            % {"types": ACCEPTED_LABEL}
        )
    original = safe_original_name(getattr(upload, "name", "") or "")
    stem, dot, ext = original.rpartition(".")
    if dot and stem and ext.lower() not in EXTENSIONS[sniffed]:
        raise UploadRejected(
            _("The file name ends in .%(ext)s but the content is a %(type)s file.")
            % {"ext": ext.lower(), "type": EXTENSIONS[sniffed][0].upper()}
        )
    return CheckedUpload(
        file=upload,
        original_name=original,
        content_type=sniffed,
        extension=EXTENSIONS[sniffed][0],
        size=size,
    )


def stored_name_for(checked: CheckedUpload) -> str:
    """A new storage name ``hotline/<yyyy>/<mm>/<uuid4>.<ext>``; nothing from the user's name."""
    now = timezone.localtime()
    return f"hotline/{now:%Y}/{now:%m}/{uuid.uuid4()}.{checked.extension}"
