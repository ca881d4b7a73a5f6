"""The rules a joint application version must meet, as readable errors by field.

Checked whenever a draft is changed (``complete=False``: every reference and mapping must be
right) and again before it is published (``complete=True``: also a name and at least two member
services, each still its item's current published version, offered online with a form):

* a shared field has a valid field name (like a form field's), a Chinese label and maps onto at
  least two member services; each target field exists in that member's form, is not waived and
  is mapped by no other shared field; the targets are compatible: the same type, no two
  different formats or patterns, the same choices when any has choices, and limits that still
  leave a possible value (the narrowest maximum length not below the widest minimum length);
* a shared material has a Chinese name and groups materials of at least two different member
  services, none waived or shared twice;
* waived fields and materials belong to the member's own form and guide.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from ecity.catalogue.form_schema import FIELD_NAME
from ecity.catalogue.models import JointServiceMember, JointServiceVersion, ServiceItemVersion

MIN_MEMBERS = 2


def _member_problems(member: JointServiceMember, *, complete: bool) -> list[str]:
    version = member.service_version
    item = version.item
    code = item.code
    problems = []
    if complete and (
        version.status != ServiceItemVersion.Status.PUBLISHED
        or item.current_version_id != version.pk
        or not item.is_active
    ):
        problems.append(
            _(
                "%(code)s: version %(number)s is no longer the current published version; "
                "update the member services to their current versions."
            )
            % {"code": code, "number": version.number}
        )
    if complete and not (version.is_online and version.form_schema):
        problems.append(
            _("%(code)s cannot be applied for online (no online channel or no form).")
            % {"code": code}
        )
    properties = (version.form_schema or {}).get("properties") or {}
    waived = member.waived_fields or []
    if not isinstance(waived, list) or not all(isinstance(n, str) for n in waived):
        problems.append(
            _("%(code)s: the waived fields must be a list of field names.") % {"code": code}
        )
        waived = []
    for name in waived:
        if name not in properties:
            problems.append(
                _("%(code)s has no form field “%(name)s” to waive.") % {"code": code, "name": name}
            )
    for material in member.waived_materials.all():
        if material.version_id != version.pk:
            problems.append(
                _("%(code)s: the waived material “%(name)s” is not one of its materials.")
                % {"code": code, "name": material.name_zh}
            )
    return problems


def _compatibility(title: str, props: list[tuple[str, Mapping[str, Any]]]) -> list[str]:
    """Why the mapped fields cannot share one answer (empty when they can)."""
    problems = []
    types = {str(prop.get("type")) for _where, prop in props}
    if len(types) > 1:
        problems.append(
            _("“%(title)s” maps fields of different types (%(types)s).")
            % {
                "title": title,
                "types": ", ".join(f"{where}: {prop.get('type')}" for where, prop in props),
            }
        )
    for key in ("format", "pattern"):
        values = {str(prop[key]) for _where, prop in props if key in prop}
        if len(values) > 1:
            problems.append(
                _("“%(title)s” maps fields with different “%(key)s” rules.")
                % {"title": title, "key": key}
            )
    enums = [
        sorted(str(v) for v in prop["enum"]) if isinstance(prop.get("enum"), list) else None
        for _where, prop in props
    ]
    if any(e is not None for e in enums) and any(e != enums[0] for e in enums):
        problems.append(_("“%(title)s” maps fields whose choices differ.") % {"title": title})
    for low, high in (("minLength", "maxLength"), ("minimum", "maximum")):
        lows = [prop[low] for _where, prop in props if isinstance(prop.get(low), int | float)]
        highs = [prop[high] for _where, prop in props if isinstance(prop.get(high), int | float)]
        if lows and highs and max(lows) > min(highs):
            problems.append(
                _("“%(title)s”: no answer can meet the limits of every mapped field.")
                % {"title": title}
            )
    return problems


def _shared_field_errors(
    version: JointServiceVersion, members: dict[str, JointServiceMember]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    used: dict[tuple[str, str], str] = {}
    keys: set[str] = set()
    for row in version.shared_fields.all():
        where = f"shared_fields.{row.key}"
        problems = []
        if not FIELD_NAME.match(row.key or ""):
            problems.append(
                _(
                    "“%(key)s”: a field name must start with a letter and use only letters, "
                    "digits and _."
                )
                % {"key": row.key}
            )
        if row.key in keys:
            problems.append(_("The field name “%(key)s” is used twice.") % {"key": row.key})
        keys.add(row.key)
        if not (row.title_zh or "").strip():
            problems.append(_("Enter the Chinese label of the shared field."))
        targets = row.targets if isinstance(row.targets, dict) else {}
        if not isinstance(row.targets, dict):
            problems.append(
                _("The mapped fields must be an object: service item code → field name.")
            )
        if len(targets) < MIN_MEMBERS:
            problems.append(
                _("A shared field is mapped onto the forms of at least two member services.")
            )
        props = []
        for code, name in targets.items():
            member = members.get(code)
            if member is None:
                problems.append(_("%(code)s is not a member service.") % {"code": code})
                continue
            properties = (member.service_version.form_schema or {}).get("properties") or {}
            if not isinstance(name, str) or name not in properties:
                problems.append(
                    _("%(code)s has no form field “%(name)s”.") % {"code": code, "name": name}
                )
                continue
            if name in (member.waived_fields or []):
                problems.append(
                    _("%(code)s.%(name)s is waived and cannot be asked as a shared field.")
                    % {"code": code, "name": name}
                )
            elif (code, name) in used:
                problems.append(
                    _("%(code)s.%(name)s is already mapped by “%(other)s”.")
                    % {"code": code, "name": name, "other": used[(code, name)]}
                )
            else:
                used[(code, name)] = row.title_zh or row.key
                props.append((f"{code}.{name}", properties[name]))
        if props:
            problems.extend(_compatibility(row.title_zh or row.key, props))
        if problems:
            errors[where] = problems
    return errors


def _shared_material_errors(
    version: JointServiceVersion, members: dict[str, JointServiceMember]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    code_of = {m.service_version_id: code for code, m in members.items()}
    waived = {mat.pk for m in members.values() for mat in m.waived_materials.all()}
    taken: dict[int, str] = {}
    for index, row in enumerate(version.shared_materials.all()):
        problems = []
        if not (row.name_zh or "").strip():
            problems.append(_("Enter the Chinese name of the shared material."))
        codes = []
        for material in row.materials.all():
            code = code_of.get(material.version_id)
            if code is None:
                problems.append(
                    _("“%(name)s” is not a material of a member service.")
                    % {"name": material.name_zh}
                )
                continue
            if material.pk in waived:
                problems.append(
                    _("“%(name)s” of %(code)s is waived and cannot be shared.")
                    % {"name": material.name_zh, "code": code}
                )
            if material.pk in taken:
                problems.append(
                    _("“%(name)s” of %(code)s is already shared as “%(other)s”.")
                    % {"name": material.name_zh, "code": code, "other": taken[material.pk]}
                )
            taken[material.pk] = row.name_zh
            codes.append(code)
        if len(codes) != len(set(codes)):
            problems.append(_("A shared material takes one material of each member service."))
        if len(set(codes)) < MIN_MEMBERS:
            problems.append(_("A shared material is needed by at least two member services."))
        if problems:
            errors[f"shared_materials.{index}"] = problems
    return errors


def joint_version_errors(
    version: JointServiceVersion, *, complete: bool = True
) -> dict[str, list[str]]:
    """List what is wrong with ``version`` (see the module docstring), by field."""
    errors: dict[str, list[str]] = {}
    if complete and not (version.name_zh or "").strip():
        errors["name_zh"] = [_("Enter the name of the joint application.")]
    members: dict[str, JointServiceMember] = {}
    member_problems: list[str] = []
    for member in version.members.all():
        code = member.service_version.item.code
        if code in members:
            member_problems.append(_("%(code)s is a member twice.") % {"code": code})
        members[code] = member
        member_problems.extend(_member_problems(member, complete=complete))
    if complete and len(members) < MIN_MEMBERS:
        member_problems.append(_("A joint application needs at least two member services."))
    if member_problems:
        errors["members"] = member_problems
    errors.update(_shared_field_errors(version, members))
    errors.update(_shared_material_errors(version, members))
    return errors
