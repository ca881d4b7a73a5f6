"""Material rules of an application: uploaded files against the service's required materials.

Files are keyed by material (``material:<public id>``, ``ecity.cases.selectors.materials``);
each is checked against its material's accepted types and size (``ecity.core.uploads``), and
every mandatory material must be provided, now or earlier (draft or case).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from ecity.cases.selectors.materials import MATERIAL_PREFIX
from ecity.catalogue.models import RequiredMaterial
from ecity.core.uploads import CheckedUpload, UploadRejected, upload_check


def uploads_check(
    materials: Mapping[str, RequiredMaterial], files: Mapping[str, UploadedFile | None]
) -> tuple[dict[str, CheckedUpload], dict[str, list[str]]]:
    """Check every uploaded file; return the good ones and the errors, both by material key.

    Files may be keyed ``material:<id>`` or by the bare material id; empty entries are ignored.
    """
    checked: dict[str, CheckedUpload] = {}
    errors: dict[str, list[str]] = {}
    for raw_key, upload in files.items():
        if upload is None:
            continue
        key = raw_key if str(raw_key).startswith(MATERIAL_PREFIX) else f"{MATERIAL_PREFIX}{raw_key}"
        material = materials.get(key)
        if material is None:
            errors[str(raw_key)] = [_("This is not one of the materials of this service.")]
            continue
        try:
            checked[key] = upload_check(material=material, upload=upload)
        except UploadRejected as rejected:
            errors[key] = [rejected.message]
    return checked, errors


def material_errors(
    materials: Mapping[str, RequiredMaterial],
    *,
    provided: set[str],
    rejected: set[str],
    by_reference: Collection[str] = (),
) -> dict[str, list[str]]:
    """Errors for mandatory materials that are neither provided nor already reported.

    A material the guide marks exempt (免提交: the department obtains it itself) is never
    required; one satisfied by reference (``by_reference``: the applicant's own valid
    e-certificate or registry record, ``ecity.cases.selectors.references``) counts as provided.
    """
    return {
        key: [_("Please upload this material.")]
        for key, material in materials.items()
        if material.is_required_upload
        and key not in provided
        and key not in rejected
        and key not in by_reference
    }
