"""Idempotent writes: a retried request with the same key gets the first answer, not a new case.

A client (the API's ``Idempotency-Key`` header, or the hidden one-time token of the HTML form)
names each logical request. The first request stores an ``IdempotencyRecord(user, scope, key,
request_fingerprint)`` in the SAME transaction as the case it creates, so either both exist or
neither does. A retry finds the record and returns its case; a concurrent duplicate blocks on the
unique constraint until the first commits, fails with IntegrityError, and then finds the record.
The same key with a different payload (another fingerprint) is a conflict (HTTP 409).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from django.utils.translation import gettext as _

from ecity.cases.errors import CasesErrorCode
from ecity.cases.models import Case, IdempotencyRecord
from ecity.core.errors import Conflict, ValidationFailed

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:\-]{8,100}$")


def idempotency_key_check(key: str) -> str:
    """Return ``key`` if usable (8-100 letters, digits and ``_.:-``); raise ValidationFailed."""
    if not KEY_PATTERN.match(key or ""):
        raise ValidationFailed(
            _("The idempotency key must have 8 to 100 letters, digits or _.:- characters."),
            fields={"Idempotency-Key": [_("Use 8 to 100 letters, digits or _.:- characters.")]},
        )
    return key


def request_fingerprint(payload: Any) -> str:
    """A SHA-256 of the request's meaningful content (canonical JSON)."""
    text = json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()


def idempotent_case_find(*, user: Any, scope: str, key: str, fingerprint: str) -> Case | None:
    """Return the case an earlier request with ``key`` created, or None.

    Raises ``Conflict`` (code ``idempotency_conflict``) when the key was used for another payload.
    """
    record = (
        IdempotencyRecord.objects.filter(user=user, scope=scope, key=key)
        .select_related("case")
        .first()
    )
    if record is None:
        return None
    if record.request_fingerprint != fingerprint:
        raise Conflict(
            _("This request key was already used for a different application."),
            code=CasesErrorCode.IDEMPOTENCY_CONFLICT,
        )
    return record.case


def idempotency_record_create(*, user: Any, scope: str, key: str, fingerprint: str) -> Any:
    """Insert the record; call first thing inside the transaction that does the write.

    A concurrent request with the same key raises IntegrityError here (after the first commits).
    """
    return IdempotencyRecord.objects.create(
        user=user, scope=scope, key=key, request_fingerprint=fingerprint
    )
