"""The application form an applicant resumes: their saved draft, or values from their profile."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ecity.cases.models import Attachment, CaseDraft
from ecity.cases.selectors.materials import material_key
from ecity.catalogue.models import ServiceItemVersion
from ecity.identity.models import User
from ecity.identity.selectors import ActingIdentity

# Field names (and formats) that profile values fill in; the first match wins.
_CITIZEN_BY_NAME = {
    "applicant_name": "real_name",
    "name": "real_name",
    "real_name": "real_name",
    "contact_name": "real_name",
    "id_number": "id_number",
    "phone": "phone",
    "mobile": "phone",
    "contact_phone": "phone",
    "address": "address",
    "email": "email",
}
_ENTERPRISE_BY_NAME = {
    "applicant_name": "entity.name",
    "name": "entity.name",
    "enterprise_name": "entity.name",
    "company_name": "entity.name",
    "uscc": "entity.uscc",
    "legal_representative": "entity.legal_representative_name",
    "legal_representative_name": "entity.legal_representative_name",
    "legal_representative_id_number": "entity.legal_representative_id_number",
    "address": "entity.address",
    "registered_address": "entity.address",
}
_BY_FORMAT = {
    "id_number": "id_number",
    "uscc": "entity.uscc",
    "mobile": "phone",
    "email": "email",
}


def prefill_values(
    schema: Mapping[str, Any], *, user: User, identity: ActingIdentity | None
) -> dict[str, str]:
    """Values from the user's profile (and the enterprise acted for) for the form's fields.

    Matches by field name first, then by ``format`` (id_number, uscc, mobile, email). Only text
    fields are filled, and only with non-empty values.
    """
    entity = identity.legal_entity if identity is not None else None

    def source(path: str) -> str:
        if path.startswith("entity."):
            return str(getattr(entity, path[7:], "") or "") if entity is not None else ""
        return str(getattr(user, path, "") or "")

    values: dict[str, str] = {}
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict) or prop.get("type") != "string" or "enum" in prop:
            continue
        paths = []
        if entity is not None and name in _ENTERPRISE_BY_NAME:
            paths.append(_ENTERPRISE_BY_NAME[name])
        if name in _CITIZEN_BY_NAME:
            paths.append(_CITIZEN_BY_NAME[name])
        if prop.get("format") in _BY_FORMAT:
            paths.append(_BY_FORMAT[prop["format"]])
        for path in paths:
            value = source(path)
            if value:
                values[name] = value
                break
    return values


@dataclass
class DraftState:
    """A draft to resume (or none yet) and the values to show in the form."""

    draft: CaseDraft | None
    initial: dict[str, object]
    attachments: dict[str, Attachment] = field(default_factory=dict)  # by material_key


def draft_for(
    *, actor: User, identity: ActingIdentity | None, version: ServiceItemVersion
) -> CaseDraft | None:
    """The saved draft of ``actor`` acting as ``identity`` for ``version`` (its files loaded)."""
    return (
        CaseDraft.objects.filter(
            owner=actor,
            legal_entity=getattr(identity, "legal_entity", None),
            service_version=version,
        )
        .prefetch_related("attachments__material")
        .first()
    )


def draft_attachments_by_material(draft: CaseDraft | None) -> dict[str, Attachment]:
    """The newest file of the draft for each material, by ``material_key``."""
    if draft is None:
        return {}
    latest: dict[str, Attachment] = {}
    for attachment in sorted(draft.attachments.all(), key=lambda a: (a.created_at, a.pk)):
        latest[material_key(attachment.material)] = attachment
    return latest


def draft_get_or_prefill(
    *, actor: User, identity: ActingIdentity | None, service_version: ServiceItemVersion
) -> DraftState:
    """Return the saved draft of ``actor`` acting as ``identity``, or values from their profile.

    Nothing is written. The form values are the profile's (real name, ID number, phone, address,
    e-mail; for an enterprise its name, USCC, legal representative and address), matched by
    field name and by format, overlaid with whatever the draft holds.
    """
    draft = draft_for(actor=actor, identity=identity, version=service_version)
    initial: dict[str, object] = dict(
        prefill_values(service_version.form_schema or {}, user=actor, identity=identity)
    )
    if draft is not None:
        initial.update({k: v for k, v in (draft.form_data or {}).items() if v not in ("", None)})
    return DraftState(
        draft=draft, initial=initial, attachments=draft_attachments_by_material(draft)
    )
