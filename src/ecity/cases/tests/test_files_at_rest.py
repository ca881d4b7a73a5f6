"""Uploaded case files (ID scans, plans) are encrypted at rest and downloaded as uploaded."""

from __future__ import annotations

import pytest
from django.core.files.storage import InMemoryStorage, default_storage
from django.urls import reverse

from ecity.cases.selectors.materials import material_key
from ecity.cases.tests.submission_support import submit, upload

pytestmark = pytest.mark.django_db

SCAN = b"%PDF-1.7\n% resident ID card scan of 110105199001011234\n" + b"0" * 200_000 + b"%%EOF\n"


def _stored_bytes(name: str) -> bytes:
    # What the storage holds, read past its decryption (the in-memory "disk" of the tests).
    return InMemoryStorage._open(default_storage, name, "rb").file.getvalue()


def test_an_uploaded_scan_is_stored_encrypted_and_downloaded_as_uploaded(client, joint):
    case = submit(joint, files={material_key(joint.mandatory_material): upload("id.pdf", SCAN)})
    attachment = case.attachments.get()

    client.force_login(joint.citizen)
    response = client.get(
        reverse("cases:attachment_download", args=[case.number, attachment.public_id])
    )

    stored = _stored_bytes(attachment.file.name)
    assert b"110105199001011234" not in stored
    assert not stored.startswith(b"%PDF")
    assert response.status_code == 200
    assert int(response["Content-Length"]) == len(SCAN)
    assert b"".join(response.streaming_content) == SCAN
    assert attachment.file.size == len(SCAN)
