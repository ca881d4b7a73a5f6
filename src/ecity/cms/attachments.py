"""Attachments: checking a file is what it says, and reading its text for search.

The checks are core's (``core.uploads``: magic bytes against the extension, accepted types, size);
cms accepts PDF, DOCX, XLSX and OFD. Text comes from pypdf for PDF and from the XML parts of the
ZIP container for DOCX and XLSX (read with limits, never extracted to disk).
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import IO, Any

from ecity.core.uploads import DOCX, OFD, PDF, XLSX, CheckedUpload, UploadRules, upload_check

ATTACHMENT_RULES = UploadRules(accepted_types=(PDF, DOCX, XLSX, OFD), max_size_mb=20)
TEXT_LIMIT = 200_000  # characters kept for search
_PART_LIMIT = 20 * 1024 * 1024  # bytes read from one XML part
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t\r\f\v]+")


def attachment_check(*, upload: Any) -> CheckedUpload:
    """Check ``upload`` is a PDF, DOCX, XLSX or OFD file whose name matches its content.

    Raises ``core.uploads.UploadRejected`` with a translated message.
    """
    return upload_check(material=ATTACHMENT_RULES, upload=upload)


def _zip_parts_text(handle: IO[bytes], names: list[str]) -> str:
    texts: list[str] = []
    with zipfile.ZipFile(handle) as archive:
        for name in names:
            try:
                info = archive.getinfo(name)
            except KeyError:
                continue
            if info.file_size > _PART_LIMIT:
                continue
            xml = archive.read(name).decode("utf-8", "replace")
            # Paragraph and cell ends become line breaks; then the tags go.
            xml = re.sub(r"</w:p>|</si>|</c>|</row>", "\n", xml)
            texts.append(_TAG.sub("", xml))
    return "\n".join(texts)


def attachment_text(*, handle: IO[bytes], content_type: str) -> str:
    """Return the plain text of a checked file (empty when it has none we can read)."""
    handle.seek(0)
    data = handle.read()
    text = ""
    try:
        if content_type == PDF:
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            text = "\n".join((page.extract_text() or "") for page in reader.pages[:200])
        elif content_type == DOCX:
            text = _zip_parts_text(io.BytesIO(data), ["word/document.xml"])
        elif content_type == XLSX:
            text = _zip_parts_text(io.BytesIO(data), ["xl/sharedStrings.xml"])
    except Exception:  # noqa: BLE001 - a damaged file has no text; the upload itself was checked
        text = ""
    text = _SPACE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.splitlines() if line.strip())
    return text[:TEXT_LIMIT]
