"""File storage for personal files: encrypted at rest, owner-only on disk.

Every file saved through the default storage (uploaded case materials such as ID scans,
decision letters, e-certificate PDFs, material templates) is sealed with ``core.file_crypto``
(streaming AES-GCM under the field-encryption keyring) as it is written, and decrypted as it is
read, so services, views and ``FieldFile`` see plaintext and the disk holds none. Files stored
before encryption was enabled are read as they are; ``ecity manage files_encrypt`` seals them.

On disk (``EncryptedFileSystemStorage``) files are created 0600 and folders 0700
(``FILE_UPLOAD_PERMISSIONS`` and ``FILE_UPLOAD_DIRECTORY_PERMISSIONS``): only the account that
runs ecity can read them, even encrypted.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, InMemoryStorage

from ecity.core import file_crypto

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


class _SealingFile(File):
    """Wraps an upload so that storages write its sealed form (never its plaintext path)."""

    def __init__(self, content: Any) -> None:
        super().__init__(None, name=getattr(content, "name", None))
        self._content = content

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        content = self._content
        if hasattr(content, "seek"):
            content.seek(0)
        source = (
            content.chunks(chunk_size)
            if hasattr(content, "chunks")
            else iter(lambda: content.read(chunk_size or file_crypto.SEGMENT_SIZE), b"")
        )
        plain = (c.encode() if isinstance(c, str) else c for c in source)
        yield from file_crypto.seal_chunks(plain)

    def __bool__(self) -> bool:
        return True

    def close(self) -> None:
        return None


class EncryptedStorageMixin:
    """Seal on save, unseal on open; ``size`` is the plaintext size."""

    def _save(self, name: str, content: Any) -> str:
        return super()._save(name, _SealingFile(content))  # type: ignore[misc]

    def _open(self, name: str, mode: str = "rb") -> File:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("stored files are written with save(), never opened for writing")
        return File(file_crypto.open_plaintext(self.stored_open(name)), name=name)

    def stored_open(self, name: str) -> IO[bytes]:
        """The file as stored (sealed or not), for reading; the caller closes it."""
        raise NotImplementedError

    def stored_replace(self, name: str, chunks: Iterator[bytes]) -> None:
        """Replace the stored bytes of ``name`` with ``chunks`` (already sealed), atomically."""
        raise NotImplementedError

    def stored_key_id(self, name: str) -> str | None:
        """The key id ``name`` is sealed with (None: stored before encryption was enabled)."""
        with self.stored_open(name) as raw:
            return file_crypto.sealed_key_id(raw)

    def reseal(self, name: str) -> None:
        """Seal ``name`` again with the active key (a plaintext file is sealed for the first time).

        The plaintext passes through a temporary file (spooled to disk past 1 MiB), never whole
        through memory; the stored file is replaced at once, so readers see old or new.
        """
        with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as plain:
            with file_crypto.open_plaintext(self.stored_open(name)) as source:
                shutil.copyfileobj(source, plain, file_crypto.SEGMENT_SIZE)
            plain.seek(0)
            pieces = iter(lambda: plain.read(file_crypto.SEGMENT_SIZE), b"")
            self.stored_replace(name, file_crypto.seal_chunks(pieces))

    def size(self, name: str) -> int:
        with file_crypto.open_plaintext(self.stored_open(name)) as plain:
            return plain.seek(0, os.SEEK_END)


class EncryptedFileSystemStorage(EncryptedStorageMixin, FileSystemStorage):
    """Files under ``MEDIA_ROOT``, sealed, 0600 in 0700 folders."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("file_permissions_mode", PRIVATE_FILE_MODE)
        kwargs.setdefault("directory_permissions_mode", PRIVATE_DIR_MODE)
        super().__init__(**kwargs)

    def stored_open(self, name: str) -> IO[bytes]:
        return open(self.path(name), "rb")  # closed by the caller

    def stored_replace(self, name: str, chunks: Iterator[bytes]) -> None:
        path = Path(self.path(name))
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".reseal-")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


class EncryptedInMemoryStorage(EncryptedStorageMixin, InMemoryStorage):
    """The same sealing in memory (tests): what is "on disk" is ciphertext there too."""

    def stored_open(self, name: str) -> IO[bytes]:
        # A copy: the node's own buffer is shared by every open and must not be closed.
        node = InMemoryStorage._open(self, name, "rb")  # type: ignore[attr-defined]
        return io.BytesIO(node.file.getvalue())

    def stored_replace(self, name: str, chunks: Iterator[bytes]) -> None:
        node = InMemoryStorage._open(self, name, "rb")  # type: ignore[attr-defined]
        node.file = io.BytesIO(b"".join(chunks))


def stored_names(storage: Any, top: str = "") -> Iterator[str]:
    """Every file name in ``storage`` under ``top`` (recursively)."""
    try:
        directories, files = storage.listdir(top)
    except (FileNotFoundError, NotADirectoryError):
        return
    for file_name in sorted(files):
        if not file_name.startswith(".reseal-"):
            yield f"{top}/{file_name}" if top else file_name
    for directory in sorted(directories):
        yield from stored_names(storage, f"{top}/{directory}" if top else directory)


def private_dir_ensure(path: Path) -> Path:
    """Create ``path`` (and missing parents) owner-only; tighten it if it is ours and open."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    private_mode_tighten(path, PRIVATE_DIR_MODE)
    return path


def private_mode_tighten(path: Path, mode: int) -> None:
    """Set ``mode`` on ``path`` when this account owns it and others may read it.

    Files and folders someone else owns (a shared mount, a folder an operator prepared) are
    left alone: their owner chose their permissions.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
        path.chmod(mode)
