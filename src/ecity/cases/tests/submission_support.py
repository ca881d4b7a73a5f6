"""Helpers for the submission, upload, applicant and public tests."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from ecity.cases.models import Case
from ecity.cases.selectors.materials import material_key
from ecity.cases.services.submission import case_submit
from ecity.cases.tests.conftest import PNG_BYTES
from ecity.cases.tests.factories import PDF_BYTES
from ecity.identity.selectors import acting_identity
from ecity.identity.tests.factories import id_number_for

__all__ = ["PDF_BYTES", "PNG_BYTES"]


def upload(name: str = "plan.pdf", content: bytes = PDF_BYTES, content_type: str = "") -> Any:
    """A file as a browser would upload it (the declared content type is not trusted)."""
    return SimpleUploadedFile(name, content, content_type=content_type or "application/pdf")


def form_data(**overrides: Any) -> dict[str, Any]:
    """Valid answers to the joint service's form."""
    data = {
        "applicant_name": "王小明",
        "id_number": id_number_for(321),
        "phone": "13912345678",
        "shop_name": "小明面馆",
        "area": 35,
    }
    data.update(overrides)
    return data


def identity_of(user: Any, session: dict | None = None) -> Any:
    return acting_identity(user=user, session=session or {})


def submit(joint: Any, *, user: Any = None, files: dict | None = None, **kwargs: Any) -> Case:
    """Submit the joint service as ``user`` (the joint citizen by default) with a floor plan."""
    user = user or joint.citizen
    if files is None:
        files = {material_key(joint.mandatory_material): upload()}
    kwargs.setdefault("form_data", form_data())
    kwargs.setdefault("session_identity", identity_of(user))
    return case_submit(actor=user, service_version=joint.version, attachments=files, **kwargs)


def stored_files(top: str = "cases") -> list[str]:
    """Every file name under ``top`` in the default storage."""
    try:
        directories, files = default_storage.listdir(top)
    except (FileNotFoundError, OSError):
        return []
    names = [f"{top}/{f}" for f in files]
    for directory in directories:
        names.extend(stored_files(f"{top}/{directory}"))
    return names
