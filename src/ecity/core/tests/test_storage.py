"""Stored files are encrypted at rest, owner-only on disk, and read back as written."""

from __future__ import annotations

import io
import os
import stat

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from ecity.core import crypto, file_crypto
from ecity.core.storage import EncryptedFileSystemStorage

SCAN = b"%PDF-1.7\n" + "张伟 110105199001011234 身份证扫描件\n".encode() * 5000  # ~250 KB


@pytest.fixture
def storage(tmp_path):
    return EncryptedFileSystemStorage(location=tmp_path / "media")


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_bytes_on_disk_do_not_contain_the_plaintext(storage):
    name = storage.save("cases/2026/12/scan.pdf", SimpleUploadedFile("scan.pdf", SCAN))

    on_disk = open(storage.path(name), "rb").read()  # noqa: SIM115

    assert on_disk.startswith(file_crypto.MAGIC)
    assert b"110105199001011234" not in on_disk
    assert "张伟".encode() not in on_disk
    assert b"%PDF" not in on_disk


def test_download_returns_the_original_bytes_and_size(storage):
    name = storage.save("cases/scan.pdf", ContentFile(SCAN))

    with storage.open(name) as handle:
        read = handle.read()

    assert read == SCAN
    assert storage.size(name) == len(SCAN)


def test_a_large_upload_kept_in_a_temporary_file_is_sealed_too(storage, settings):
    upload = TemporaryUploadedFile("big.pdf", "application/pdf", len(SCAN), None)
    upload.write(SCAN)
    upload.seek(0)

    name = storage.save("cases/big.pdf", upload)

    assert b"110105199001011234" not in open(storage.path(name), "rb").read()  # noqa: SIM115
    assert storage.open(name).read() == SCAN


def test_files_are_0600_in_0700_folders(storage, tmp_path):
    name = storage.save("cases/2026/12/scan.pdf", ContentFile(SCAN))

    assert _mode(storage.path(name)) == 0o600
    assert _mode(tmp_path / "media" / "cases" / "2026" / "12") == 0o700
    assert _mode(tmp_path / "media" / "cases") == 0o700


@pytest.mark.parametrize("size", [0, 1, file_crypto.SEGMENT_SIZE - 1, file_crypto.SEGMENT_SIZE])
def test_segment_boundaries_round_trip(storage, size):
    data = os.urandom(size + file_crypto.SEGMENT_SIZE * (size % 3))

    name = storage.save("f.bin", ContentFile(data))

    assert storage.open(name).read() == data
    assert storage.size(name) == len(data)


def test_reading_from_the_middle_decrypts_only_what_is_asked(storage):
    name = storage.save("f.pdf", ContentFile(SCAN))
    handle = storage.open(name)

    handle.seek(100_000)

    assert handle.read(50) == SCAN[100_000:100_050]


def test_a_plaintext_file_from_before_encryption_is_still_read(storage):
    path = storage.path("old/legacy.pdf")
    os.makedirs(os.path.dirname(path))
    with open(path, "wb") as handle:
        handle.write(SCAN)

    assert storage.open("old/legacy.pdf").read() == SCAN
    assert storage.size("old/legacy.pdf") == len(SCAN)


def _seal(data: bytes) -> bytes:
    return b"".join(file_crypto.seal_chunks([data]))


def test_tampering_truncation_and_reordering_are_detected():
    sealed = _seal(os.urandom(3 * file_crypto.SEGMENT_SIZE + 10))
    header_size = len(sealed) - (3 * file_crypto.SEGMENT_SIZE + 10) - 4 * file_crypto.TAG_SIZE
    segment = file_crypto.SEGMENT_SIZE + file_crypto.TAG_SIZE
    flipped = bytearray(sealed)
    flipped[header_size + 5] ^= 1
    truncated = sealed[: header_size + 3 * segment]  # the last segment dropped
    body = sealed[header_size:]
    first, second, rest = body[:segment], body[segment : 2 * segment], body[2 * segment :]
    swapped = sealed[:header_size] + second + first + rest

    for damaged in (bytes(flipped), truncated, swapped):
        with pytest.raises(file_crypto.SealedFileError):
            file_crypto.open_plaintext(io.BytesIO(damaged)).read()


def test_files_sealed_under_an_old_key_still_open_after_rotation(settings):
    old = _seal(SCAN)
    ring = crypto.keyring()
    settings.ECITY_FIELD_KEYS = crypto.Keyring(
        active="k2", keys={**ring.keys, "k2": os.urandom(32)}, index_key=ring.index_key
    ).to_json()
    crypto.reset_keyring_cache()
    try:
        new = _seal(SCAN)

        assert file_crypto.sealed_key_id(io.BytesIO(old)) == "k1"
        assert file_crypto.sealed_key_id(io.BytesIO(new)) == "k2"
        assert file_crypto.open_plaintext(io.BytesIO(old)).read() == SCAN
    finally:
        crypto.reset_keyring_cache()


@pytest.mark.django_db
def test_files_encrypt_seals_plaintext_files_and_old_keys_and_retire_waits_for_files(tmp_path):
    from io import StringIO

    from django.core.files.storage import storages
    from django.core.management import call_command

    from ecity.core import keys

    storage = storages["default"]
    legacy = storage.save("cases/legacy.pdf", ContentFile(b"placeholder"))
    storage.stored_replace(legacy, iter([SCAN]))  # as written before encryption was enabled
    sealed = storage.save("cases/new.pdf", ContentFile(SCAN))
    out = StringIO()

    call_command("files_encrypt", stdout=out)

    assert "plaintext=1" in out.getvalue() and "sealed 1 files" in out.getvalue()
    assert storage.stored_key_id(legacy) == "k1"
    assert b"110105199001011234" not in storage.stored_open(legacy).read()
    assert storage.open(legacy).read() == SCAN == storage.open(sealed).read()
    assert keys.key_usage()[keys.STORED_FILES] == {"k1": 2}
