"""The combined form of a joint application: what is asked once, what each service asks itself.

For a version of a joint application:

* each **shared field** is asked once; its definition is that of the member fields it is mapped
  to, merged (the narrowest length and range limits, the first format, pattern and choices, the
  shared label) and it is required when any of them is;
* each **member section** asks the member form's other fields, in the form's order, except the
  fields the joint application waives (another member's result provides them);
* each **material slot** is uploaded once: a shared material (filed with every member case that
  needs it) or a member's own material; waived materials are not asked.

``member_schema`` is the member form without its waived fields: the schema its case is
validated against. Nothing here touches the database beyond the rows of the version (callers
prefetch them with ``selectors.joint_version_prefetch``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.utils.translation import get_language

from ecity.catalogue.form_schema import field_order
from ecity.catalogue.models import (
    JointServiceMember,
    JointServiceVersion,
    RequiredMaterial,
    ServiceItemVersion,
)

_NARROWEST = {"maxLength": min, "maximum": min, "minLength": max, "minimum": max}
_FIRST = ("format", "pattern", "enum", "enumNames", "enumNames_en", "x-widget", "default")


def _english() -> bool:
    return (get_language() or "").startswith("en")


@dataclass(frozen=True)
class FieldTarget:
    """A member form's field that a shared field fills in."""

    item_code: str
    field: str


@dataclass(frozen=True)
class SharedFieldSlot:
    """A field asked once; its answer goes to every target."""

    key: str
    title_zh: str
    title_en: str
    prop: dict[str, Any]
    required: bool
    targets: tuple[FieldTarget, ...]

    @property
    def title(self) -> str:
        return self.title_en if _english() and self.title_en else self.title_zh


@dataclass(frozen=True)
class MemberSection:
    """One member service: its version, the schema its case is validated with, its own fields."""

    member: JointServiceMember
    version: ServiceItemVersion
    item_code: str
    schema: dict[str, Any]
    own_schema: dict[str, Any]
    shared_keys: dict[str, str]  # member field -> shared key
    waived_fields: tuple[str, ...]
    waived_materials: tuple[RequiredMaterial, ...]

    @property
    def name(self) -> str:
        return self.version.name

    @property
    def department(self) -> Any:
        return self.version.item.department


@dataclass(frozen=True)
class MaterialSlot:
    """A file asked once: a shared material, or one member's own material."""

    public_id: UUID
    name_zh: str
    name_en: str
    notes: str
    is_shared: bool
    targets: tuple[tuple[str, RequiredMaterial], ...]  # (item code, material)

    @property
    def name(self) -> str:
        return self.name_en if _english() and self.name_en else self.name_zh

    @property
    def is_mandatory(self) -> bool:
        """Whether the application is incomplete without this file (exempt ones never are)."""
        return any(material.is_required_upload for _code, material in self.targets)

    @property
    def is_exempt(self) -> bool:
        """Every service it is filed with obtains it itself (免提交): uploading is optional."""
        return all(material.is_exempt for _code, material in self.targets)

    @property
    def item_codes(self) -> list[str]:
        return [code for code, _material in self.targets]


@dataclass(frozen=True)
class JointLayout:
    """The combined form of one joint application version."""

    version: JointServiceVersion
    shared: tuple[SharedFieldSlot, ...]
    sections: tuple[MemberSection, ...]
    materials: tuple[MaterialSlot, ...]
    shared_schema: dict[str, Any] = field(default_factory=dict)

    def section(self, item_code: str) -> MemberSection | None:
        return next((s for s in self.sections if s.item_code == item_code), None)


def _without(schema: Mapping[str, Any], names: set[str]) -> dict[str, Any]:
    """A copy of ``schema`` without the fields ``names`` ({} when no field is left)."""
    properties = {
        name: prop for name, prop in (schema.get("properties") or {}).items() if name not in names
    }
    if not properties:
        return {}
    result = {key: copy.deepcopy(value) for key, value in schema.items() if key != "properties"}
    result["properties"] = copy.deepcopy(properties)
    for key in ("required", "x-order"):
        if key in result:
            result[key] = [name for name in result[key] if name in properties]
    return result


def member_schema(member: JointServiceMember) -> dict[str, Any]:
    """The member's form without the fields the joint application waives."""
    return _without(member.service_version.form_schema or {}, set(member.waived_fields or []))


def merged_property(props: list[Mapping[str, Any]], *, title_zh: str, title_en: str) -> dict:
    """One field definition satisfying every one of ``props`` (see the module docstring)."""
    merged: dict[str, Any] = {"type": props[0].get("type")}
    for key in _FIRST:
        value = next((p[key] for p in props if key in p), None)
        if value is not None:
            merged[key] = copy.deepcopy(value)
    for key, pick in _NARROWEST.items():
        values = [p[key] for p in props if key in p]
        if values:
            merged[key] = pick(values)
    description = next((p["description"] for p in props if p.get("description")), None)
    if description:
        merged["description"] = description
    merged["title"] = title_zh
    if title_en:
        merged["title_en"] = title_en
    return merged


def joint_layout(version: JointServiceVersion) -> JointLayout:
    """Lay out the combined form of ``version`` (see the module docstring).

    Rows that break the configuration rules (``checks.joint_version_errors``) are skipped rather
    than failing: a mapping to a missing field, a material of another version.
    """
    members = list(version.members.all())
    by_code = {m.service_version.item.code: m for m in members}
    schemas = {code: member_schema(m) for code, m in by_code.items()}
    shared: list[SharedFieldSlot] = []
    mapped: dict[str, dict[str, str]] = {code: {} for code in by_code}
    for row in version.shared_fields.all():
        targets, props, required = [], [], False
        for code, name in (row.targets or {}).items():
            properties = (schemas.get(code) or {}).get("properties") or {}
            if name not in properties or name in mapped[code]:
                continue
            targets.append(FieldTarget(item_code=code, field=name))
            props.append(properties[name])
            required = required or name in (schemas[code].get("required") or [])
            mapped[code][name] = row.key
        if not targets:
            continue
        shared.append(
            SharedFieldSlot(
                key=row.key,
                title_zh=row.title_zh,
                title_en=row.title_en,
                prop=merged_property(props, title_zh=row.title_zh, title_en=row.title_en),
                required=required,
                targets=tuple(targets),
            )
        )
    sections = []
    for member in members:
        code = member.service_version.item.code
        sections.append(
            MemberSection(
                member=member,
                version=member.service_version,
                item_code=code,
                schema=schemas[code],
                own_schema=_without(schemas[code], set(mapped[code])),
                shared_keys=dict(mapped[code]),
                waived_fields=tuple(member.waived_fields or []),
                waived_materials=tuple(member.waived_materials.all()),
            )
        )
    return JointLayout(
        version=version,
        shared=tuple(shared),
        sections=tuple(sections),
        materials=tuple(_material_slots(version, sections)),
        shared_schema=_shared_schema(shared),
    )


def _shared_schema(shared: list[SharedFieldSlot]) -> dict[str, Any]:
    if not shared:
        return {}
    return {
        "type": "object",
        "properties": {slot.key: slot.prop for slot in shared},
        "required": [slot.key for slot in shared if slot.required],
        "x-order": [slot.key for slot in shared],
    }


def _material_slots(
    version: JointServiceVersion, sections: list[MemberSection]
) -> list[MaterialSlot]:
    code_of_version = {s.version.pk: s.item_code for s in sections}
    position = {s.version.pk: index for index, s in enumerate(sections)}
    waived = {m.pk for s in sections for m in s.waived_materials}
    slots: list[MaterialSlot] = []
    taken: set[int] = set()
    for row in version.shared_materials.all():
        targets = [
            (code_of_version[m.version_id], m)
            for m in sorted(row.materials.all(), key=lambda m: _member_order(position, m))
            if m.version_id in code_of_version and m.pk not in waived and m.pk not in taken
        ]
        if not targets:
            continue
        taken |= {m.pk for _code, m in targets}
        slots.append(
            MaterialSlot(
                public_id=row.public_id,
                name_zh=row.name_zh,
                name_en=row.name_en,
                notes=row.notes,
                is_shared=True,
                targets=tuple(targets),
            )
        )
    for section in sections:
        for material in sorted(section.version.materials.all(), key=lambda m: (m.sort_order, m.pk)):
            if material.pk in waived or material.pk in taken:
                continue
            slots.append(
                MaterialSlot(
                    public_id=material.public_id,
                    name_zh=material.name_zh,
                    name_en=material.name_en,
                    notes=material.notes,
                    is_shared=False,
                    targets=((section.item_code, material),),
                )
            )
    return slots


def _member_order(position: dict[int, int], material: RequiredMaterial) -> tuple[int, int, int]:
    return (position.get(material.version_id, len(position)), material.sort_order, material.pk)


def own_field_names(section: MemberSection) -> list[str]:
    """The fields a member section asks itself, in its form's order."""
    return field_order(section.own_schema) if section.own_schema else []
