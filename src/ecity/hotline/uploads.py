"""Ticket attachments: photos and PDFs only, checked by the platform's upload rules.

The checks are ``ecity.core.uploads``' (the real type sniffed from the content, a contradicting
extension refused, empty files refused); the hotline sets the accepted types (JPEG, PNG, PDF),
the size limit (``ECITY_HOTLINE_ATTACHMENT_MAX_MB``) and the storage folder
(``hotline/<yyyy>/<mm>/<uuid4>.<ext>``; the user's file name is kept only as data).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from ecity.core.uploads import (
    JPEG,
    PDF,
    PNG,
    CheckedUpload,
    UploadRejected,
    UploadRules,
    upload_check,
)
from ecity.core.uploads import stored_name_for as _stored_name_for

__all__ = ["CheckedUpload", "UploadRejected", "attachment_check", "stored_name_for"]

ACCEPTED_TYPES = (JPEG, PNG, PDF)


def attachment_rules() -> UploadRules:
    """The accepted types and size limit of one ticket attachment."""
    return UploadRules(
        accepted_types=ACCEPTED_TYPES, max_size_mb=int(settings.ECITY_HOTLINE_ATTACHMENT_MAX_MB)
    )


def attachment_check(upload: Any) -> CheckedUpload:
    """Check one uploaded file against the hotline's rules; raise ``UploadRejected``."""
    return upload_check(material=attachment_rules(), upload=upload)


def stored_name_for(checked: CheckedUpload) -> str:
    """A new storage name ``hotline/<yyyy>/<mm>/<uuid4>.<ext>``; nothing from the user's name."""
    return _stored_name_for(checked, folder="hotline")
