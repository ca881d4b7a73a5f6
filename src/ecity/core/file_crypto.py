"""Streaming AES-256-GCM for stored files, under the field-encryption keyring (``core.crypto``).

A sealed file is a header followed by segments::

    header  = MAGIC (6 bytes: 00 "ECF1" 0A) ‖ key id length (1) ‖ key id (ASCII)
              ‖ nonce prefix (7 random bytes, new for every file) ‖ segment size (4, big-endian)
    segment = AES-GCM(key, nonce, plaintext chunk, AAD) = ciphertext ‖ 16-byte tag
    nonce   = nonce prefix ‖ segment number (4, big-endian) ‖ last flag (1: 0x01 on the last)
    AAD     = header ‖ last flag

Every segment but the last holds exactly ``segment size`` plaintext bytes (64 KiB); the last
holds the rest (possibly nothing). This is the STREAM construction (Hoang, Reyhanitabar, Rogaway
and Vizár, "Online authenticated-encryption and its nonce-reuse misuse-resistance"): segments
cannot be reordered (the number is in the nonce), dropped from the end (the new last segment was
not sealed as last) or moved to another file (the random prefix and the header are bound), so a
file decrypts exactly as written or not at all. Memory stays at one segment whatever the size.

The key id in the header names the keyring key, so rotation works as for columns: new files use
the active key, old files keep decrypting with theirs, ``files_encrypt --reencrypt`` rewrites
them. A file that does not start with ``MAGIC`` was stored before encryption was enabled and is
read as it is (no real PDF, image or ZIP starts with a NUL byte).
"""

from __future__ import annotations

import io
import secrets
import struct
from collections.abc import Iterable, Iterator
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ecity.core import crypto

MAGIC = b"\x00ECF1\n"
SEGMENT_SIZE = 64 * 1024
TAG_SIZE = 16
_PREFIX_SIZE = 7


class SealedFileError(crypto.DecryptionError):
    """A sealed file cannot be decrypted: unknown key, damaged or tampered with."""


def _header(kid: str, prefix: bytes, segment_size: int) -> bytes:
    encoded = kid.encode("ascii")
    return MAGIC + bytes([len(encoded)]) + encoded + prefix + struct.pack(">I", segment_size)


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    if index >= 2**32:
        raise SealedFileError("file too large to seal (2**32 segments)")
    return prefix + struct.pack(">I", index) + (b"\x01" if last else b"\x00")


def is_sealed(head: bytes) -> bool:
    """Whether bytes read from the start of a stored file begin a sealed file."""
    return head.startswith(MAGIC)


def seal_chunks(chunks: Iterable[bytes], *, segment_size: int = SEGMENT_SIZE) -> Iterator[bytes]:
    """Encrypt a stream of plaintext chunks (any sizes) into a sealed file, piece by piece."""
    ring = crypto.keyring()
    prefix = secrets.token_bytes(_PREFIX_SIZE)
    header = _header(ring.active, prefix, segment_size)
    aead = AESGCM(ring.keys[ring.active])
    yield header
    buffer = bytearray()
    index = 0
    for chunk in chunks:
        buffer += chunk
        # Keep at least one byte back: only at the end is it known which segment is last.
        while len(buffer) > segment_size:
            piece = bytes(buffer[:segment_size])
            del buffer[:segment_size]
            yield aead.encrypt(_nonce(prefix, index, False), piece, header + b"\x00")
            index += 1
    yield aead.encrypt(_nonce(prefix, index, True), bytes(buffer), header + b"\x01")


def _read_exact(raw: IO[bytes], size: int) -> bytes:
    parts = []
    while size:
        data = raw.read(size)
        if not data:
            break
        parts.append(data)
        size -= len(data)
    return b"".join(parts)


class SealedReader(io.RawIOBase):
    """A seekable, read-only plaintext view of a sealed file (one segment in memory).

    ``raw`` is the stored file opened in binary mode, positioned at its start; it must be
    seekable (a local file, an in-memory file). Raises ``SealedFileError`` while reading when a
    segment does not authenticate.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self._raw = raw
        head = _read_exact(raw, len(MAGIC) + 1)
        if not is_sealed(head):
            raise SealedFileError("not a sealed file")
        kid = _read_exact(raw, head[-1]).decode("ascii", "replace")
        rest = _read_exact(raw, _PREFIX_SIZE + 4)
        if len(rest) != _PREFIX_SIZE + 4:
            raise SealedFileError("truncated header")
        self._prefix = rest[:_PREFIX_SIZE]
        (self._segment_size,) = struct.unpack(">I", rest[_PREFIX_SIZE:])
        self._header = head + kid.encode("ascii", "replace") + rest
        try:
            self._aead = AESGCM(crypto.keyring().keys[kid])
        except KeyError as exc:
            raise SealedFileError(f"no key {kid!r} in the keyring for a stored file") from exc
        if self._segment_size <= 0:
            raise SealedFileError("bad segment size")
        raw.seek(0, io.SEEK_END)
        body = raw.tell() - len(self._header)
        sealed_segment = self._segment_size + TAG_SIZE
        self._segments = max(1, -(-body // sealed_segment))
        self._size = body - self._segments * TAG_SIZE
        if self._size < 0:
            raise SealedFileError("truncated file")
        self._position = 0
        self._cached: tuple[int, bytes] | None = None

    @property
    def plaintext_size(self) -> int:
        return self._size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def _segment(self, index: int) -> bytes:
        if self._cached is not None and self._cached[0] == index:
            return self._cached[1]
        last = index == self._segments - 1
        self._raw.seek(len(self._header) + index * (self._segment_size + TAG_SIZE))
        sealed = _read_exact(self._raw, self._segment_size + TAG_SIZE)
        flag = b"\x01" if last else b"\x00"
        try:
            plain = self._aead.decrypt(
                _nonce(self._prefix, index, last), sealed, self._header + flag
            )
        except InvalidTag as exc:
            raise SealedFileError(
                f"segment {index} of a stored file does not authenticate"
            ) from exc
        self._cached = (index, plain)
        return plain

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._position >= self._size:
            return 0
        index, offset = divmod(self._position, self._segment_size)
        piece = self._segment(index)[offset : offset + len(buffer)]
        buffer[: len(piece)] = piece
        self._position += len(piece)
        return len(piece)

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def open_plaintext(raw: IO[bytes]) -> IO[bytes]:
    """The plaintext of a stored file: decrypted when sealed, as stored when written before.

    ``raw`` is positioned at its start; the result is a buffered, seekable binary file.
    """
    head = _read_exact(raw, len(MAGIC))
    raw.seek(0)
    if not is_sealed(head):
        return raw
    return io.BufferedReader(SealedReader(raw), buffer_size=SEGMENT_SIZE)


def sealed_key_id(raw: IO[bytes]) -> str | None:
    """The key id of a sealed file (None for a file stored in plaintext); rewinds ``raw``."""
    head = _read_exact(raw, len(MAGIC) + 1)
    kid = _read_exact(raw, head[-1]).decode("ascii", "replace") if is_sealed(head) else None
    raw.seek(0)
    return kid
