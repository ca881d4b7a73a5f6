"""The application form an applicant resumes: their saved draft, or values from their profile;
and the files a counter or correction form kept from a refused submission."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from ecity.cases.models import Attachment, Case, CaseDraft
from ecity.cases.selectors.joint import slot_key
from ecity.cases.selectors.materials import material_key, materials_of
from ecity.cases.selectors.references import (
    MaterialSource,
    material_sources,
    registry_prefill,
)
from ecity.catalogue.form_answers import FormAnswer, form_answers
from ecity.catalogue.joint.layout import JointLayout
from ecity.catalogue.models import JointServiceVersion, RequiredMaterial, ServiceItemVersion
from ecity.core.idempotency import idempotency_result, request_fingerprint
from ecity.core.models import IdempotencyRecord
from ecity.identity.models import User
from ecity.identity.selectors import ActingIdentity

# The idempotency scope of submissions (``case_submit``): one case per key and account.
SUBMIT_SCOPE = "case_submit"

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
    # Form fields whose value is the applicant's own base-registry record's (来自基础库).
    from_registry: set[str] = field(default_factory=set)


def draft_for(
    *, actor: User, identity: ActingIdentity | None, version: ServiceItemVersion
) -> CaseDraft | None:
    """The saved draft of ``actor`` acting as ``identity`` for ``version`` (its files loaded)."""
    return (
        CaseDraft.objects.filter(
            owner=actor,
            legal_entity=getattr(identity, "legal_entity", None),
            service_version=version,
            purpose=CaseDraft.Purpose.APPLICATION,
        )
        .prefetch_related("attachments__material")
        .first()
    )


def kept_files_expired_before() -> dt.datetime:
    """Files kept from a refused counter or correction form before this moment have expired."""
    return timezone.now() - dt.timedelta(hours=int(settings.ECITY_KEPT_FILES_HOURS))


def kept_files_draft(
    *,
    actor: User,
    version: ServiceItemVersion,
    form_key: str = "",
    case: Case | None = None,
) -> CaseDraft | None:
    """The files ``actor`` kept from a refused counter form (``form_key``) or correction (``case``).

    Only the actor's own, not expired (``ECITY_KEPT_FILES_HOURS``): another account, or the same
    key after expiry, finds none. None also without a key or case. Files loaded.
    """
    if case is None and not form_key:
        return None
    purpose = CaseDraft.Purpose.CORRECTION if case is not None else CaseDraft.Purpose.COUNTER
    return (
        CaseDraft.objects.filter(
            owner=actor,
            service_version=version,
            purpose=purpose,
            case=case,
            form_key="" if case is not None else form_key,
            updated_at__gte=kept_files_expired_before(),
        )
        .prefetch_related("attachments__material")
        .first()
    )


def joint_draft_for(
    *, actor: User, identity: ActingIdentity | None, joint_version: JointServiceVersion
) -> CaseDraft | None:
    """The saved joint application draft of ``actor`` acting as ``identity`` (files loaded).

    Private to its owner: nobody else's draft is ever found.
    """
    return (
        CaseDraft.objects.filter(
            owner=actor,
            legal_entity=getattr(identity, "legal_entity", None),
            joint_version=joint_version,
        )
        .prefetch_related("attachments__material")
        .first()
    )


def joint_draft_list(*, actor: User, identity: ActingIdentity | None) -> QuerySet[CaseDraft]:
    """The joint application drafts of ``actor`` acting as ``identity``, last saved first.

    Private to their owner; the joint application version and the files are loaded.
    """
    return (
        CaseDraft.objects.filter(
            owner=actor,
            legal_entity=getattr(identity, "legal_entity", None),
            joint_version__isnull=False,
        )
        .select_related("joint_version", "joint_version__service")
        .prefetch_related("attachments__material")
        .order_by("-updated_at", "-pk")
    )


def joint_draft_attachments(draft: CaseDraft | None, layout: JointLayout) -> dict[str, Attachment]:
    """The newest kept file of a joint draft for each material slot, by ``material:<id>``.

    A slot's file is kept under its first material (``joint_draft_save``).
    """
    by_material = draft_attachments_by_material(draft)
    kept = {}
    for slot in layout.materials:
        attachment = by_material.get(material_key(slot.targets[0][1]))
        if attachment is not None:
            kept[slot_key(slot)] = attachment
    return kept


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
    field name and by format, then the applicant's own base-registry record's where it has one
    (``references.registry_prefill``; those fields are listed in ``from_registry`` while the
    value shown is the registry's), overlaid with whatever the draft holds.
    """
    draft = draft_for(actor=actor, identity=identity, version=service_version)
    schema = service_version.form_schema or {}
    initial: dict[str, object] = dict(prefill_values(schema, user=actor, identity=identity))
    from_registry = registry_prefill(schema, user=actor, identity=identity)
    initial.update(from_registry)
    if draft is not None:
        initial.update({k: v for k, v in (draft.form_data or {}).items() if v not in ("", None)})
    return DraftState(
        draft=draft,
        initial=initial,
        attachments=draft_attachments_by_material(draft),
        from_registry={name for name, value in from_registry.items() if initial[name] == value},
    )


def draft_revision(draft: CaseDraft) -> str:
    """A fingerprint of the draft's answers and files: it changes when either changes."""
    files = sorted(str(a.public_id) for a in draft.attachments.all())
    return request_fingerprint({"form": draft.form_data or {}, "files": files})[:32]


@dataclass(frozen=True)
class MaterialReview:
    """A material of the service and the draft's file for it (None when none is kept)."""

    material: RequiredMaterial
    attachment: Attachment | None
    source: MaterialSource | None = None  # the certificate or record standing for it


@dataclass(frozen=True)
class DraftReview:
    """What "Check your answers" shows: every answer with its label, every material's file."""

    draft: CaseDraft
    answers: list[FormAnswer]
    materials: list[MaterialReview]
    revision: str


def draft_review(
    *, actor: User, identity: ActingIdentity | None, service_version: ServiceItemVersion
) -> DraftReview | None:
    """The draft of ``actor`` acting as ``identity`` as "Check your answers" lists it, or None.

    Every field of the form is listed in the form's order (unanswered ones too, so that they
    can be changed), with labels instead of option codes; every material with the draft's
    file for it. Nothing is written.
    """
    draft = draft_for(actor=actor, identity=identity, version=service_version)
    if draft is None:
        return None
    files = draft_attachments_by_material(draft)
    materials = {material_key(m): m for m in materials_of(service_version)}
    sources = material_sources(
        user=actor, identity=identity, materials=materials, on=timezone.localdate()
    )
    return DraftReview(
        draft=draft,
        answers=form_answers(service_version.form_schema, draft.form_data, include_empty=True),
        materials=[
            MaterialReview(material=m, attachment=files.get(key), source=sources.get(key))
            for key, m in materials.items()
        ],
        revision=draft_revision(draft),
    )


def case_submitted_with_key(*, actor: User, key: str) -> Case | None:
    """The case ``actor`` submitted with the one-time ``key`` of a form (None when none)."""
    record = IdempotencyRecord.objects.filter(user=actor, scope=SUBMIT_SCOPE, key=key).first()
    return None if record is None else idempotency_result(record, Case)
