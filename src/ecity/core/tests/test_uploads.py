"""Upload checks: real content type, size limits, names, and safe storage names."""

from __future__ import annotations

import io
import re
import zipfile
from types import SimpleNamespace

import pytest
from django.core.files.storage import default_storage

from ecity.cases.tests.submission_support import PDF_BYTES, PNG_BYTES, upload
from ecity.core.uploads import (
    DOCX,
    JPEG,
    OFD,
    PDF,
    PNG,
    ZIP,
    UploadRejected,
    safe_original_name,
    sniff_content_type,
    upload_check,
    upload_store,
)

JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64


def material(types=None, max_size_mb=1):
    return SimpleNamespace(accepted_types=types or [], max_size_mb=max_size_mb)


def zip_bytes(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF_BYTES, PDF),
        (PNG_BYTES, PNG),
        (JPEG_BYTES, JPEG),
        (zip_bytes("OFD.xml", "Doc_0/Document.xml"), OFD),
        (zip_bytes("[Content_Types].xml", "word/document.xml"), DOCX),
        (zip_bytes("a.txt"), ZIP),
        (b"MZ\x90\x00\x03\x00\x00\x00", ""),
        (b"<html><script>alert(1)</script>", ""),
        (b"PK\x03\x04broken zip", ""),
    ],
    ids=["pdf", "png", "jpeg", "ofd", "docx", "zip", "exe", "html", "broken-zip"],
)
def test_content_type_is_sniffed_from_the_bytes(content, expected):
    assert sniff_content_type(io.BytesIO(content)) == expected


def test_valid_pdf_passes_with_its_digest():
    checked = upload_check(material=material(), upload=upload("平面图.pdf"))
    assert (checked.content_type, checked.extension, checked.original_name) == (
        PDF,
        "pdf",
        "平面图.pdf",
    )
    assert checked.size == len(PDF_BYTES) and len(checked.sha256) == 64


def test_too_big_file_is_rejected():
    big = upload("big.pdf", PDF_BYTES + b"0" * (1024 * 1024))
    with pytest.raises(UploadRejected, match="1 MB"):
        upload_check(material=material(max_size_mb=1), upload=big)


def test_wrong_type_by_content_is_rejected_even_with_a_pdf_name():
    with pytest.raises(UploadRejected, match="PNG"):
        upload_check(material=material([PDF]), upload=upload("plan.pdf", PNG_BYTES))


def test_renamed_executable_is_rejected():
    exe = upload("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100)
    with pytest.raises(UploadRejected, match="PDF, JPEG, PNG"):
        upload_check(material=material(), upload=exe)


def test_extension_contradicting_the_content_is_rejected():
    with pytest.raises(UploadRejected, match=r"\.exe"):
        upload_check(material=material(), upload=upload("tool.exe", PDF_BYTES))


def test_empty_file_is_rejected():
    with pytest.raises(UploadRejected):
        upload_check(material=material(), upload=upload("empty.pdf", b""))


def test_default_types_exclude_office_and_zip_files():
    docx = upload("form.docx", zip_bytes("[Content_Types].xml", "word/document.xml"))
    with pytest.raises(UploadRejected):
        upload_check(material=material(), upload=docx)
    assert upload_check(material=material([DOCX]), upload=docx).extension == "docx"


def test_name_without_extension_is_accepted():
    assert upload_check(material=material(), upload=upload("scan", PNG_BYTES)).extension == "png"


def test_original_name_loses_directories_and_control_characters():
    assert safe_original_name("../../etc/pass\x00wd.pdf") == "passwd.pdf"
    assert safe_original_name("C:\\Users\\me\\证明.pdf") == "证明.pdf"
    assert safe_original_name("...") == "file"


def test_stored_name_is_generated_from_the_sniffed_type():
    checked = upload_check(material=material(), upload=upload("../evil name.png", PNG_BYTES))
    name = upload_store(checked)
    assert re.fullmatch(r"cases/\d{4}/\d{2}/[0-9a-f-]{36}\.png", name)
    with default_storage.open(name, "rb") as handle:
        assert handle.read() == PNG_BYTES
