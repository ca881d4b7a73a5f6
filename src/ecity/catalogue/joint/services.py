"""Writes of joint applications (一件事一次办): create, draft, update, publish, discard.

Rules: a published (or superseded) version is never changed again; editing happens on a draft
(at most one per joint application); publishing checks every rule of ``checks`` again, makes the
draft the current version and supersedes the previous one. A draft's members are the current
published versions of the named service items at the time of the update; when a member service
publishes a new version, the joint application keeps using the old one until its lead
department updates a draft (applying is refused meanwhile, see ``ecity.cases.services.joint``).

Permissions: administrators of the lead department (``JointService.department``) and platform
administrators; everyone else gets ``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecity.audit.services import audit_record
from ecity.catalogue.errors import CatalogueErrorCode
from ecity.catalogue.joint.checks import joint_version_errors
from ecity.catalogue.joint.selectors import can_edit_joint
from ecity.catalogue.models import (
    JointService,
    JointServiceMember,
    JointServiceVersion,
    JointSharedField,
    JointSharedMaterial,
    LifeEvent,
    RequiredMaterial,
    ServiceItem,
    ServiceItemVersion,
)
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.identity.models import User
from ecity.org.models import Department, StaffRole
from ecity.org.selectors import user_has_role

TEXT_FIELDS = frozenset({"name_zh", "name_en", "summary_zh", "summary_en", "change_note"})
CONTENT_FIELDS = frozenset({"members", "shared_fields", "shared_materials"})
MEMBER_KEYS = frozenset({"service", "waived_fields", "waived_materials", "waiver_note"})
FIELD_KEYS = frozenset({"key", "title_zh", "title_en", "targets"})
MATERIAL_KEYS = frozenset({"name_zh", "name_en", "notes", "targets"})


class JointVersionNotEditable(Conflict):
    default_code = CatalogueErrorCode.VERSION_IMMUTABLE
    default_message = gettext_lazy(
        "A published version cannot be changed. Create a new draft instead."
    )


class JointDraftExists(Conflict):
    default_code = CatalogueErrorCode.DRAFT_EXISTS
    default_message = gettext_lazy(
        "This joint application already has a draft. Edit or discard it first."
    )


def _require_editor(actor: User, service: JointService) -> None:
    if not can_edit_joint(user=actor, service=service):
        raise PermissionDenied(
            _("Only administrators of the lead department can maintain this joint application.")
        )


def _require_draft(version: JointServiceVersion) -> None:
    if version.status != JointServiceVersion.Status.DRAFT:
        raise JointVersionNotEditable()


@transaction.atomic
def joint_service_create(
    *,
    actor: User,
    code: str,
    life_event: LifeEvent | str,
    department: Department,
    name_zh: str,
    name_en: str = "",
    **first_draft_fields: Any,
) -> JointService:
    """Create a joint application led by ``department`` and its first draft (version 1).

    ``first_draft_fields`` are those of ``joint_draft_update``. Permissions: administrators of
    ``department``, platform administrators. Errors: ``PermissionDenied``; ``ValidationFailed``
    for a bad or taken code, an unknown life event or bad draft fields.
    """
    if not user_has_role(user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN, department=department):
        raise PermissionDenied(
            _("Only administrators of this department can add joint applications to it.")
        )
    if not isinstance(life_event, LifeEvent):
        found = LifeEvent.objects.filter(code=str(life_event)).first()
        if found is None:
            raise ValidationFailed(fields={"life_event": [_("No life event has this code.")]})
        life_event = found
    service = JointService(code=(code or "").strip(), life_event=life_event, department=department)
    try:
        service.full_clean(exclude=["current_version"])
    except DjangoValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict) from exc
    service.save()
    draft = JointServiceVersion.objects.create(service=service, number=1)
    _apply(draft, {"name_zh": name_zh, "name_en": name_en, **first_draft_fields})
    return service


@transaction.atomic
def joint_draft_create(*, actor: User, service: JointService) -> JointServiceVersion:
    """Start a new draft of ``service`` as a copy of its current (or latest) version.

    Copies the names, members (with what they waive), shared fields and shared materials; the
    number is the highest so far plus one. Errors: ``JointDraftExists`` (409) when a draft
    exists, ``PermissionDenied`` for non-editors.
    """
    service = JointService.objects.select_for_update().get(pk=service.pk)
    _require_editor(actor, service)
    if service.versions.filter(status=JointServiceVersion.Status.DRAFT).exists():
        raise JointDraftExists()
    source = service.current_version or service.versions.order_by("-number").first()
    number = (service.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = JointServiceVersion(service=service, number=number)
    if source is not None:
        for name in ("name_zh", "name_en", "summary_zh", "summary_en"):
            setattr(draft, name, getattr(source, name))
    try:
        with transaction.atomic():
            draft.save(force_insert=True)
    except IntegrityError as exc:  # a concurrent request created the draft first
        raise JointDraftExists() from exc
    if source is None:
        return draft
    for member in source.members.all():
        copied = JointServiceMember.objects.create(
            version=draft,
            service_version=member.service_version,
            waived_fields=list(member.waived_fields or []),
            waiver_note=member.waiver_note,
            sort_order=member.sort_order,
        )
        copied.waived_materials.set(member.waived_materials.all())
    for row in source.shared_fields.all():
        JointSharedField.objects.create(
            version=draft,
            key=row.key,
            title_zh=row.title_zh,
            title_en=row.title_en,
            targets=dict(row.targets or {}),
            sort_order=row.sort_order,
        )
    for material in source.shared_materials.all():
        copied_material = JointSharedMaterial.objects.create(
            version=draft,
            name_zh=material.name_zh,
            name_en=material.name_en,
            notes=material.notes,
            sort_order=material.sort_order,
        )
        copied_material.materials.set(material.materials.all())
    return draft


@transaction.atomic
def joint_draft_update(
    *, actor: User, version: JointServiceVersion, **fields: Any
) -> JointServiceVersion:
    """Change a draft: names and summary, and (each replacing what the draft had) its content.

    ``members``: a list of ``{"service": item code, "waived_fields": [field names],
    "waived_materials": [material names or ids], "waiver_note": text}``; each becomes the
    item's current published version. ``shared_fields``: ``{"key", "title_zh", "title_en",
    "targets": {item code: field name}}``. ``shared_materials``: ``{"name_zh", "name_en",
    "notes", "targets": {item code: material name or id}}``. Every rule of ``checks`` except
    completeness is applied: a draft never holds a wrong mapping. Errors:
    ``JointVersionNotEditable`` (409) for published versions, ``ValidationFailed`` by field
    (nothing is saved then), ``PermissionDenied`` for non-editors.
    """
    version = JointServiceVersion.objects.select_for_update().get(pk=version.pk)
    _require_editor(actor, version.service)
    _require_draft(version)
    _apply(version, fields)
    return version


def _apply(version: JointServiceVersion, fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - TEXT_FIELDS - CONTENT_FIELDS
    if unknown:
        raise ValidationFailed(
            fields={name: [_("This field cannot be changed.")] for name in sorted(unknown)}
        )
    for name in TEXT_FIELDS & set(fields):
        setattr(version, name, str(fields[name] or "").strip())
    try:
        version.full_clean(exclude=["service", "published_by"])
    except DjangoValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict) from exc
    version.save()
    members: dict[str, ServiceItemVersion] | None = None
    if "members" in fields:
        members = _members_set(version, _rows(fields["members"], "members", MEMBER_KEYS))
    if members is None:
        members = {m.service_version.item.code: m.service_version for m in version.members.all()}
    if "shared_fields" in fields:
        _shared_fields_set(version, _rows(fields["shared_fields"], "shared_fields", FIELD_KEYS))
    if "shared_materials" in fields:
        rows = _rows(fields["shared_materials"], "shared_materials", MATERIAL_KEYS)
        _shared_materials_set(version, rows, members)
    errors = joint_version_errors(version, complete=False)
    if errors:
        raise ValidationFailed(fields=errors)


def _rows(value: Any, field: str, allowed: frozenset[str]) -> list[Mapping[str, Any]]:
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        raise ValidationFailed(fields={field: [_("Give a list.")]})
    for index, row in enumerate(value):
        if not isinstance(row, Mapping):
            raise ValidationFailed(fields={f"{field}.{index}": [_("Give an object.")]})
        extra = set(row) - allowed
        if extra:
            raise ValidationFailed(
                fields={
                    f"{field}.{index}": [
                        _("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(extra))}
                    ]
                }
            )
    return list(value)


def _current_version(code: str, where: str) -> ServiceItemVersion:
    item = (
        ServiceItem.objects.select_related("current_version")
        .filter(code=str(code), is_active=True)
        .first()
    )
    version = item.current_version if item is not None else None
    if version is None or version.status != ServiceItemVersion.Status.PUBLISHED:
        raise ValidationFailed(
            fields={where: [_("%(code)s is not a published service.") % {"code": code}]}
        )
    return version


def _material_of(version: ServiceItemVersion, ref: Any, where: str) -> RequiredMaterial:
    """The material of ``version`` named (Chinese name) or identified (public id) by ``ref``."""
    if isinstance(ref, RequiredMaterial):
        found = [ref] if ref.version_id == version.pk else []
    else:
        text = str(ref or "").strip()
        materials = list(version.materials.all())
        found = [m for m in materials if str(m.public_id) == text] or [
            m for m in materials if m.name_zh == text
        ]
    if len(found) != 1:
        message = (
            _("%(code)s has no material “%(ref)s”.")
            if not found
            else _("%(code)s has several materials named “%(ref)s”; use the material's ID.")
        )
        raise ValidationFailed(fields={where: [message % {"code": version.item.code, "ref": ref}]})
    return found[0]


def _members_set(
    version: JointServiceVersion, rows: list[Mapping[str, Any]]
) -> dict[str, ServiceItemVersion]:
    version.members.all().delete()
    members: dict[str, ServiceItemVersion] = {}
    for index, row in enumerate(rows):
        where = f"members.{index}"
        code = str(row.get("service") or "").strip()
        if code in members:
            raise ValidationFailed(
                fields={where: [_("%(code)s is a member twice.") % {"code": code}]}
            )
        service_version = _current_version(code, where)
        waived = row.get("waived_fields") or []
        if not isinstance(waived, list) or not all(isinstance(n, str) for n in waived):
            raise ValidationFailed(
                fields={where: [_("Give the waived fields as a list of names.")]}
            )
        member = JointServiceMember.objects.create(
            version=version,
            service_version=service_version,
            waived_fields=list(waived),
            waiver_note=str(row.get("waiver_note") or "").strip()[:300],
            sort_order=index,
        )
        member.waived_materials.set(
            [_material_of(service_version, ref, where) for ref in row.get("waived_materials") or []]
        )
        members[code] = service_version
    return members


def _shared_fields_set(version: JointServiceVersion, rows: list[Mapping[str, Any]]) -> None:
    version.shared_fields.all().delete()
    for index, row in enumerate(rows):
        key = str(row.get("key") or "").strip()
        if version.shared_fields.filter(key=key).exists():
            message = _("The field name “%(key)s” is used twice.") % {"key": key}
            raise ValidationFailed(fields={f"shared_fields.{key}": [message]})
        JointSharedField.objects.create(
            version=version,
            key=key,
            title_zh=str(row.get("title_zh") or "").strip(),
            title_en=str(row.get("title_en") or "").strip(),
            targets=row.get("targets") if isinstance(row.get("targets"), dict) else {},
            sort_order=index,
        )


def _shared_materials_set(
    version: JointServiceVersion,
    rows: list[Mapping[str, Any]],
    members: Mapping[str, ServiceItemVersion],
) -> None:
    version.shared_materials.all().delete()
    for index, row in enumerate(rows):
        where = f"shared_materials.{index}"
        targets = row.get("targets")
        if not isinstance(targets, Mapping):
            raise ValidationFailed(
                fields={
                    where: [_("Give the materials as an object: service item code → material.")]
                }
            )
        materials = []
        for code, ref in targets.items():
            if code not in members:
                raise ValidationFailed(
                    fields={where: [_("%(code)s is not a member service.") % {"code": code}]}
                )
            materials.append(_material_of(members[code], ref, where))
        shared = JointSharedMaterial.objects.create(
            version=version,
            name_zh=str(row.get("name_zh") or "").strip()[:200],
            name_en=str(row.get("name_en") or "").strip()[:300],
            notes=str(row.get("notes") or "").strip(),
            sort_order=index,
        )
        shared.materials.set(materials)


@transaction.atomic
def joint_version_publish(
    *, actor: User, version: JointServiceVersion, published_at: dt.datetime | None = None
) -> JointServiceVersion:
    """Publish a draft: it becomes the current version; the previous one is superseded.

    Checks every rule of ``checks`` (complete) and raises ``ValidationFailed`` listing what is
    wrong. ``published_at`` is now unless given (an imported history keeps its dates; not in the
    future). Records ``catalogue.joint_service_published`` in the audit trail. Errors:
    ``JointVersionNotEditable`` when the version is not a draft, ``PermissionDenied``.
    """
    service = JointService.objects.select_for_update().get(pk=version.service_id)
    version = JointServiceVersion.objects.get(pk=version.pk)
    _require_editor(actor, service)
    _require_draft(version)
    errors = joint_version_errors(version, complete=True)
    now = timezone.now()
    if published_at is not None and published_at > now:
        errors["published_at"] = [_("The publication date cannot be in the future.")]
    if errors:
        raise ValidationFailed(
            _("This draft is not complete and cannot be published yet."), fields=errors
        )
    previous = JointServiceVersion.objects.filter(
        service=service, status=JointServiceVersion.Status.PUBLISHED
    )
    superseded = list(previous.values_list("number", flat=True))
    previous.update(status=JointServiceVersion.Status.SUPERSEDED, updated_at=now)
    version.status = JointServiceVersion.Status.PUBLISHED
    version.published_at = published_at or now
    version.published_by = actor
    version.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    service.current_version = version
    service.save(update_fields=["current_version", "updated_at"])
    audit_record(
        actor=actor,
        action="catalogue.joint_service_published",
        obj=version,
        data={
            "joint_service": service.code,
            "version": version.number,
            "department": service.department.code,
            "members": [m.service_version.item.code for m in version.members.all()],
            "superseded": superseded,
        },
    )
    return version


@transaction.atomic
def joint_draft_discard(*, actor: User, version: JointServiceVersion) -> None:
    """Delete a draft with its members, shared fields and shared materials.

    Errors: ``JointVersionNotEditable`` for published or superseded versions (kept forever),
    ``PermissionDenied`` for non-editors.
    """
    version = JointServiceVersion.objects.select_for_update().get(pk=version.pk)
    _require_editor(actor, version.service)
    _require_draft(version)
    version.delete()
