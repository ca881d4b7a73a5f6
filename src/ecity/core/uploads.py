"""Uploaded files: checking what they really are, and storing them safely.

One mechanism for every app that takes files (case materials, hotline attachments, letters,
consultation drafts, survey answers); each passes its own ``UploadRules`` (accepted types and
size limit) and storage folder. Rules (the file name is never trusted):

* The real type is sniffed from the first bytes ("magic numbers"), not from the name or the
  browser's Content-Type: PDF (``%PDF-``), JPEG (``FF D8 FF``), PNG (``89 50 4E 47 0D 0A 1A 0A``)
  and, for ZIP containers (``PK\\x03\\x04``), OFD (``OFD.xml`` at the root, the Chinese national
  e-document format), DOCX (``word/document.xml``) and XLSX (``xl/workbook.xml``); any other ZIP
  is ``application/zip``. A ZIP is only listed, never extracted (no zip bombs). Everything else
  (executables, scripts, HTML, legacy .doc) is unknown and refused.
* The sniffed type must be one of the rules' ``accepted_types`` (a case material's, or an
  ``UploadRules``); an empty list means PDF, JPEG or PNG. DOCX, XLSX, OFD and ZIP are accepted
  only when the rules list them.
* A declared extension that contradicts the content (``report.pdf`` holding a PNG, ``a.exe``
  holding a PDF) is refused; a name without an extension is fine.
* At most ``max_size_mb`` megabytes (MiB); empty files are refused.
* Files are stored through Django's default storage under ``MEDIA_ROOT`` as
  ``<folder>/<yyyy>/<mm>/<uuid4>.<extension of the sniffed type>`` (the folder is the app's:
  ``cases``, ``hotline``, ...). The user's file name is kept only as data (``original_name``)
  for the download's Content-Disposition. There is no public /media/ route: files leave only
  through permission-checked download views.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any, Protocol, TypeVar

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
OFD = "application/ofd"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"

DEFAULT_ACCEPTED_TYPES = (PDF, JPEG, PNG)
# The extensions a file of each type may carry; the first one is used for the stored name.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    PDF: ("pdf",),
    JPEG: ("jpg", "jpeg", "jpe"),
    PNG: ("png",),
    OFD: ("ofd",),
    DOCX: ("docx",),
    XLSX: ("xlsx",),
    ZIP: ("zip",),
}
TYPE_LABELS = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", OFD: "OFD", DOCX: "DOCX", XLSX: "XLSX"}
TYPE_LABELS[ZIP] = "ZIP"
_ALIASES = {"image/jpg": JPEG, "image/pjpeg": JPEG, "application/x-zip-compressed": ZIP}
_EXTENSION_TYPES = {ext: mime for mime, exts in EXTENSIONS.items() for ext in exts}
_CHUNK = 64 * 1024


class HasUploadRules(Protocol):
    """What ``upload_check`` reads: a case material, or ``UploadRules``."""

    @property
    def accepted_types(self) -> Any: ...

    @property
    def max_size_mb(self) -> int: ...


@dataclass(frozen=True)
class UploadRules:
    """The accepted types and size limit of an upload that is not a case material."""

    accepted_types: tuple[str, ...] = DEFAULT_ACCEPTED_TYPES
    max_size_mb: int = 10


class UploadRejected(Exception):
    """The file breaks one of the rules above; ``message`` says which, in the user's language."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check, ready to be stored."""

    file: Any  # a Django UploadedFile / File: has read(), seek(), chunks()
    original_name: str
    content_type: str
    extension: str
    size: int
    sha256: str


def _zip_type(handle: IO[bytes]) -> str:
    try:
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return ""
    if "OFD.xml" in names:
        return OFD
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return XLSX
    return ZIP


def sniff_content_type(handle: IO[bytes]) -> str:
    """Return the MIME type the content really has ("" when it is none we know).

    Reads from the start of ``handle`` and leaves it rewound.
    """
    handle.seek(0)
    head = handle.read(16)
    handle.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_type(handle)
        handle.seek(0)
        return kind
    return ""


def accepted_types_of(material: HasUploadRules) -> list[str]:
    """The MIME types ``material`` accepts (the default PDF/JPEG/PNG when none is listed)."""
    listed = [
        _ALIASES.get(str(t).strip().lower(), str(t).strip().lower())
        for t in (material.accepted_types or [])
    ]
    known = [t for t in listed if t in EXTENSIONS]
    return known or list(DEFAULT_ACCEPTED_TYPES)


def type_labels(types: Iterable[str]) -> str:
    """Short names of MIME types for people, e.g. "PDF, JPEG, PNG"."""
    return ", ".join(dict.fromkeys(TYPE_LABELS.get(t, t) for t in types))


def safe_original_name(name: str) -> str:
    """The user's file name without any directory part or control characters (for display)."""
    base = os.path.basename(str(name or "").replace("\\", "/"))
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    if not cleaned:
        return "file"
    if len(cleaned) > 200:
        stem, dot, ext = cleaned.rpartition(".")
        cleaned = (stem[:190] + dot + ext[:9]) if dot and len(ext) < 10 else cleaned[:200]
    return cleaned


def _declared_extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def _digest(handle: Any) -> str:
    digest = hashlib.sha256()
    handle.seek(0)
    chunks = (
        handle.chunks(_CHUNK)
        if hasattr(handle, "chunks")
        else iter(lambda: handle.read(_CHUNK), b"")
    )
    for chunk in chunks:
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


def upload_check(*, material: HasUploadRules, upload: Any) -> CheckedUpload:
    """Check one uploaded file against ``material``'s limits; raise ``UploadRejected``.

    See the module docstring for the rules. Computes the SHA-256 of the content.
    """
    size = int(getattr(upload, "size", 0) or 0)
    limit = int(material.max_size_mb) * 1024 * 1024
    if size <= 0:
        raise UploadRejected(_("The file is empty."))
    if size > limit:
        raise UploadRejected(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": material.max_size_mb}
        )
    accepted = accepted_types_of(material)
    sniffed = sniff_content_type(upload)
    if not sniffed:
        raise UploadRejected(
            _("The content of this file is not a type we accept. Accepted types: %(types)s.")
            % {"types": type_labels(accepted)}
        )
    if sniffed not in accepted:
        raise UploadRejected(
            _("This file is a %(type)s file; accepted types: %(types)s.")
            % {"type": type_labels([sniffed]), "types": type_labels(accepted)}
        )
    original = safe_original_name(getattr(upload, "name", "") or "")
    declared = _declared_extension(original)
    if declared and declared not in EXTENSIONS[sniffed]:
        raise UploadRejected(
            _("The file name ends in .%(ext)s but the content is a %(type)s file.")
            % {"ext": declared, "type": type_labels([sniffed])}
        )
    return CheckedUpload(
        file=upload,
        original_name=original,
        content_type=sniffed,
        extension=EXTENSIONS[sniffed][0],
        size=size,
        sha256=_digest(upload),
    )


def stored_name_for(checked: CheckedUpload, *, folder: str = "cases") -> str:
    """A new storage name ``<folder>/<yyyy>/<mm>/<uuid4>.<ext>``; nothing from the user's name."""
    now = timezone.localtime()
    return f"{folder}/{now:%Y}/{now:%m}/{uuid.uuid4()}.{checked.extension}"


def upload_store(checked: CheckedUpload, *, folder: str = "cases") -> str:
    """Write the checked file to the default storage; return its storage name."""
    checked.file.seek(0)
    return default_storage.save(stored_name_for(checked, folder=folder), checked.file)


def stored_files_delete(names: Iterable[str]) -> None:
    """Delete stored files (after a rollback, or when a draft's file is replaced)."""
    for name in names:
        if name:
            with contextlib.suppress(OSError):  # a missing file is already gone
                default_storage.delete(name)


Written = TypeVar("Written")


def write_storing_files(
    write: Callable[[list[str]], Written], *, earlier: Callable[[], Written | None]
) -> Written:
    """Run ``write(stored)`` in one transaction; the files it stored stay only if it commits.

    ``write`` appends the name of every file it stores to ``stored``. When the transaction fails
    the files are removed. On an integrity error (another request with the same idempotency key
    committed first) ``earlier()`` looks for that request's result: it is returned when found,
    otherwise the error is raised.
    """
    stored: list[str] = []
    try:
        with transaction.atomic():
            return write(stored)
    except IntegrityError:
        stored_files_delete(stored)
        found = earlier()
        if found is not None:
            return found
        raise
    except BaseException:
        stored_files_delete(stored)
        raise
