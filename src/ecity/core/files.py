"""Files written inside a database transaction, removed again when the transaction rolls back.

A service that renders a PDF and stores it on a model row writes the file before it knows
whether its transaction commits. Django has no ``on_rollback`` hook, so ``save_in_transaction``
pairs every file with an ``on_commit`` callback: when the transaction (or the savepoint the file
was written in) commits, the callback marks the file as kept; when it rolls back, Django drops
the callback without calling it, and the finaliser attached to the dropped callback deletes the
file. CPython frees the dropped callback at once (reference counting), so the file is gone when
``atomic`` returns. Outside a transaction the file is kept as written.
"""

from __future__ import annotations

import logging
import weakref
from io import BytesIO

from django.core.files.base import File
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse

logger = logging.getLogger("ecity.files")


class _Outcome:
    __slots__ = ("committed",)

    def __init__(self) -> None:
        self.committed = False


class _KeepOnCommit:
    """The ``on_commit`` callback of one file; marks the outcome as committed when called."""

    __slots__ = ("__weakref__", "outcome")

    def __init__(self, outcome: _Outcome) -> None:
        self.outcome = outcome

    def __call__(self) -> None:
        self.outcome.committed = True


def _remove_unless_committed(outcome: _Outcome, storage: Storage, name: str) -> None:
    if outcome.committed:
        return
    try:
        storage.delete(name)
    except Exception:  # a leftover file is harmless; it must not hide the rollback's cause
        logger.exception("could not remove %s after a rollback", name)


def file_cleanup_on_rollback(*, storage: Storage, name: str) -> None:
    """Delete ``name`` from ``storage`` if the current transaction (or savepoint) rolls back."""
    outcome = _Outcome()
    keep = _KeepOnCommit(outcome)
    # The finaliser must not reference ``keep`` itself, or the callback would never be freed.
    weakref.finalize(keep, _remove_unless_committed, outcome, storage, name)
    transaction.on_commit(keep)


def save_in_transaction(*, storage: Storage, name: str, content: File) -> str:
    """Save ``content`` under ``name`` (as ``storage.save``) and remove it on rollback.

    Returns the name the storage chose.
    """
    saved = storage.save(name, content)
    file_cleanup_on_rollback(storage=storage, name=saved)
    return saved


def field_file_save_in_transaction(field_file: FieldFile, name: str, content: File) -> None:
    """``field_file.save(name, content)`` (saves the row too), with the file removed on rollback."""
    field_file.save(name, content)
    file_cleanup_on_rollback(storage=field_file.storage, name=field_file.name or name)


def field_file_response(
    content_file: FieldFile, fallback: bytes | None, filename: str
) -> FileResponse:
    """Send a stored PDF, or ``fallback`` (rendered again) when the file is missing."""
    if content_file:
        try:
            handle = content_file.open("rb")
        except (FileNotFoundError, OSError):
            handle = None
        if handle is not None:
            return FileResponse(handle, content_type="application/pdf", filename=filename)
    return FileResponse(BytesIO(fallback or b""), content_type="application/pdf", filename=filename)
