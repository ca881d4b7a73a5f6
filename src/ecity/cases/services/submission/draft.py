"""Save the application draft: the answers so far and the files, before anything is checked."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.files.uploadedfile import UploadedFile

from ecity.cases.models import Case, CaseDraft
from ecity.cases.selectors.materials import material_key, materials_of
from ecity.cases.services.attachments import draft_files_write
from ecity.cases.services.eligibility import version_check
from ecity.cases.services.materials import uploads_check
from ecity.cases.services.submission.answers import schema_answers
from ecity.catalogue.models import ServiceItemVersion
from ecity.core.errors import ValidationFailed
from ecity.identity.models import User
from ecity.identity.selectors import ActingIdentity


def draft_save(
    *,
    actor: User,
    identity: ActingIdentity | None,
    service_version: ServiceItemVersion,
    form_data: Mapping[str, object],
    files: Mapping[str, UploadedFile | None] | None = None,
) -> CaseDraft:
    """Save (create or update) the application draft of ``actor`` acting as ``identity``.

    Form data may be incomplete and is not validated (only the schema's fields are kept). Each
    uploaded file (keyed by material id or ``material:<id>``) is checked against its material's
    limits and replaces the draft's earlier file for that material. Raises ValidationFailed
    listing every rejected file (nothing is saved then), or ApplicationError when the service
    cannot be applied for online.
    """
    version_check(service_version, channel=Case.Channel.ONLINE)
    materials = {material_key(m): m for m in materials_of(service_version)}
    checked, errors = uploads_check(materials, files or {})
    if errors:
        raise ValidationFailed(fields=errors)
    return draft_files_write(
        actor=actor,
        lookup={
            "owner": actor,
            "legal_entity": getattr(identity, "legal_entity", None),
            "service_version": service_version,
            "purpose": CaseDraft.Purpose.APPLICATION,
            "case": None,
            "form_key": "",
        },
        form_data=schema_answers(service_version, form_data),
        checked=checked,
        materials=materials,
    )
