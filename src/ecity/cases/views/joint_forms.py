"""The combined form of a joint application: the shared fields, each service's fields, the files.

Built from the member forms with the catalogue's ``schema_to_form`` (the same fields, widgets
and validators as a single application), renamed to the combined names of
``ecity.cases.selectors.joint`` so that the submission service's errors land beside them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django import forms
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from ecity.cases.selectors.joint import (
    SERVICES,
    SHARED,
    member_field_name,
    shared_field_name,
    slot_key,
    slot_limits,
)
from ecity.cases.views.applicant_forms import (
    TOKEN_FIELD,
    WALK_IN_FIELDS,
    LookupForm,
    _accept_attribute,
    material_hint,
    schema_values,
    walk_in_fields,
)
from ecity.catalogue.form_schema import SchemaForm, schema_to_form
from ecity.catalogue.joint.layout import JointLayout, MemberSection


def _renamed(schema: Mapping[str, Any], rename: Any) -> dict[str, forms.Field]:
    if not schema:
        return {}
    part = schema_to_form(schema, language=get_language() or "zh-hans")
    return {rename(name): form_field for name, form_field in part.fields.items()}


def joint_form(
    layout: JointLayout,
    *,
    data: Mapping[str, Any] | None = None,
    files: Mapping[str, Any] | None = None,
    initial: Mapping[str, Any] | None = None,
    token: str | None = None,
    walk_in: bool = False,
) -> SchemaForm:
    """The combined form of ``layout``: fields ``shared.<key>``, ``services.<code>.<field>``,
    one file field per material slot (``material:<id>``) and the one-time submit token; at a
    counter (``walk_in``) first the walk-in applicant's name, ID number and phone."""
    form = SchemaForm(data=data, files=files, initial=initial)
    fields: dict[str, forms.Field] = dict(walk_in_fields()) if walk_in else {}
    fields.update(_renamed(layout.shared_schema, shared_field_name))
    for section in layout.sections:
        fields.update(
            _renamed(
                section.own_schema,
                lambda name, code=section.item_code: member_field_name(code, name),
            )
        )
    for slot in layout.materials:
        limits = slot_limits(slot)
        file_field = forms.FileField(
            label=slot.name,
            required=False,
            help_text=material_hint(limits),
            widget=forms.FileInput(attrs={"accept": _accept_attribute(limits.accepted_types)}),
        )
        file_field.is_material = True  # type: ignore[attr-defined]
        fields[slot_key(slot)] = file_field
    fields[TOKEN_FIELD] = forms.CharField(
        widget=forms.HiddenInput, required=False, initial=token or uuid.uuid4().hex
    )
    form.fields = fields
    return form


def joint_values(layout: JointLayout, data: Mapping[str, Any]) -> dict[str, Any]:
    """The posted answers in the submission service's shape ({"shared": …, "services": …})."""

    def part(schema: Mapping[str, Any], prefix: str) -> dict[str, Any]:
        if not schema:
            return {}
        own = {key[len(prefix) :]: data.get(key) for key in data if key.startswith(prefix)}
        return schema_values(SimpleNamespace(form_schema=schema), own)

    return {
        SHARED: part(layout.shared_schema, f"{SHARED}."),
        SERVICES: {
            section.item_code: part(section.own_schema, f"{SERVICES}.{section.item_code}.")
            for section in layout.sections
        },
    }


def joint_files(layout: JointLayout, files: Mapping[str, Any]) -> dict[str, Any]:
    """The uploaded files of the material slots, by ``material:<id>``."""
    return {slot_key(s): files[slot_key(s)] for s in layout.materials if files.get(slot_key(s))}


def joint_initial(
    layout: JointLayout, prefill: Any, saved: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Initial values from the applicant's profile, for the shared and the sections' fields,
    overlaid with the answers of a saved draft (``saved``, the combined form's shape).

    ``prefill(schema)`` returns values by field name (``drafts.prefill_values``).
    """
    initial = {shared_field_name(k): v for k, v in prefill(layout.shared_schema).items()}
    for section in layout.sections:
        if section.own_schema:
            values = prefill(section.own_schema)
            initial.update({member_field_name(section.item_code, k): v for k, v in values.items()})
    saved = saved or {}
    for key, value in (saved.get(SHARED) or {}).items():
        if value not in ("", None):
            initial[shared_field_name(key)] = value
    for code, answers in (saved.get(SERVICES) or {}).items():
        for name, value in (answers or {}).items():
            if value not in ("", None):
                initial[member_field_name(code, name)] = value
    return initial


@dataclass
class FormSection:
    """One fieldset of the page: the shared fields, or one service's own fields."""

    title: str
    department: str = ""
    fields: list[Any] = field(default_factory=list)
    waived: list[str] = field(default_factory=list)
    waiver_note: str = ""


def _waived_labels(section: MemberSection) -> list[str]:
    english = (get_language() or "").startswith("en")
    properties = (section.version.form_schema or {}).get("properties") or {}
    labels = []
    for name in section.waived_fields:
        prop = properties.get(name) or {}
        labels.append(str((prop.get("title_en") if english else None) or prop.get("title") or name))
    labels.extend(m.name for m in section.waived_materials)
    return labels


def joint_sections(
    layout: JointLayout, form: SchemaForm, kept: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The form's fields grouped for the template: shared, per service, materials (with the
    draft's file ``kept`` for a slot, by ``material:<id>``), token."""
    shared = FormSection(
        title=_("Asked once for all services"),
        fields=[form[shared_field_name(slot.key)] for slot in layout.shared],
    )
    sections = []
    for section in layout.sections:
        prefix = f"{SERVICES}.{section.item_code}."
        sections.append(
            FormSection(
                title=section.name,
                department=section.department.name,
                fields=[form[name] for name in form.fields if name.startswith(prefix)],
                waived=_waived_labels(section),
                waiver_note=section.member.waiver_note,
            )
        )
    material_rows = []
    for slot in layout.materials:
        used_by = [s.name for s in layout.sections if s.item_code in slot.item_codes]
        used_by_text = _("Filed with: %(services)s.") % {"services": "、".join(used_by)}
        notes = f"{used_by_text} {slot.notes}".strip()
        material_rows.append(
            {
                "material": SimpleNamespace(
                    name=slot.name,
                    is_mandatory=slot.is_mandatory,
                    is_exempt=slot.is_exempt,
                    notes=notes,
                ),
                "field": form[slot_key(slot)],
                "current": (kept or {}).get(slot_key(slot)),
            }
        )
    return {
        "form": form,
        "token_field": form[TOKEN_FIELD],
        "walkin_fields": [form[name] for name in WALK_IN_FIELDS.values() if name in form.fields],
        "shared_section": shared,
        "sections": sections,
        "material_rows": material_rows,
    }


class JointLookupForm(LookupForm):
    """The case lookup's form, for a joint application's number and query code."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["number"].label = gettext_lazy("Joint application number")
        self.fields["number"].help_text = gettext_lazy(
            "As on your confirmation, for example YJS-2026-000123."
        )
        self.fields["query_code"].help_text = gettext_lazy(
            "8 letters and digits, as on your confirmation."
        )
