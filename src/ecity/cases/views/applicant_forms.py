"""Forms of the applicant pages: the schema form plus one file input per material."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from ecity.cases.models import Rating
from ecity.cases.selectors.materials import material_key, materials_of
from ecity.catalogue.form_schema import AccessibleBoundField, SchemaForm, schema_to_form
from ecity.core.uploads import EXTENSIONS, accepted_types_of, type_labels
from ecity.org.selectors import department_list

TOKEN_FIELD = "submit_token"  # noqa: S105 - a form field name
WALK_IN_FIELDS = {"name": "walkin_name", "id_number": "walkin_id_number", "phone": "walkin_phone"}


def _accept_attribute(types: list[str]) -> str:
    return ",".join([*types, *(f".{ext}" for t in types for ext in EXTENSIONS.get(t, ()))])


def material_hint(material: Any) -> str:
    """The limits of a material's file, for people: types and size."""
    return _("%(types)s, at most %(size)s MB.") % {
        "types": type_labels(accepted_types_of(material)),
        "size": material.max_size_mb,
    }


def walk_in_fields() -> dict[str, forms.Field]:
    """The counter form's fields about the walk-in applicant: name, ID number, mobile phone."""
    return {
        WALK_IN_FIELDS["name"]: forms.CharField(
            label=_("Applicant's name"), max_length=200, required=True
        ),
        WALK_IN_FIELDS["id_number"]: forms.CharField(
            label=_("Applicant's resident ID number"), max_length=18, required=True
        ),
        WALK_IN_FIELDS["phone"]: forms.CharField(
            label=_("Applicant's mobile phone"),
            max_length=20,
            required=True,
            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
        ),
    }


def walk_in_values(data: Mapping[str, Any]) -> dict[str, str]:
    """The posted walk-in applicant's details in the services' shape (``on_behalf_of``)."""
    return {key: str(data.get(name, "")) for key, name in WALK_IN_FIELDS.items()}


def walk_in_renames() -> dict[str, str]:
    """The services' error names of the walk-in details → the counter form's field names."""
    return {f"on_behalf_of.{key}": name for key, name in WALK_IN_FIELDS.items()}


def application_form(
    version: Any,
    *,
    data: Mapping[str, Any] | None = None,
    files: Mapping[str, Any] | None = None,
    initial: Mapping[str, Any] | None = None,
    token: str | None = None,
    walk_in: bool = False,
) -> SchemaForm:
    """The application form of ``version``: schema fields, a file field per material (named
    ``material:<id>``), the hidden one-time submit token and, for counters, the walk-in fields."""
    form = schema_to_form(version.form_schema, data=data, language=get_language() or "zh-hans")
    if files is not None:
        form.files = files  # type: ignore[assignment]
    if initial:
        form.initial = dict(initial)
    if walk_in:
        extra = walk_in_fields()
        form.fields = {**extra, **form.fields}
    for material in materials_of(version):
        form.fields[material_key(material)] = forms.FileField(
            label=material.name,
            required=False,
            help_text=material_hint(material),
            widget=forms.FileInput(
                attrs={"accept": _accept_attribute(accepted_types_of(material))}
            ),
        )
        form.fields[material_key(material)].is_material = True  # type: ignore[attr-defined]
        form.fields[material_key(material)].material = material  # type: ignore[attr-defined]
    form.fields[TOKEN_FIELD] = forms.CharField(
        widget=forms.HiddenInput, required=False, initial=token or uuid.uuid4().hex
    )
    return form


def schema_values(version: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    """The posted values of the schema's fields (what the services validate)."""
    properties = (version.form_schema or {}).get("properties") or {}
    values: dict[str, Any] = {}
    for name, prop in properties.items():
        if prop.get("type") == "boolean":
            values[name] = name in data and data.get(name) not in ("", "false", "off", "0")
        elif name in data:
            values[name] = data.get(name)
    return values


def material_files(version: Any, files: Mapping[str, Any]) -> dict[str, Any]:
    """The uploaded files of the version's materials, by ``material:<id>``."""
    return {
        material_key(m): files[material_key(m)]
        for m in materials_of(version)
        if files.get(material_key(m))
    }


class RatingForm(forms.Form):
    """好差评: five levels and a comment."""

    bound_field_class = AccessibleBoundField
    level = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you with this service?"),
        choices=sorted(Rating.Level.choices, reverse=True),
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WithdrawForm(forms.Form):
    bound_field_class = AccessibleBoundField
    reason = forms.CharField(
        label=gettext_lazy("Why do you withdraw the application?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LookupForm(forms.Form):
    bound_field_class = AccessibleBoundField
    number = forms.CharField(
        label=gettext_lazy("Case number"),
        max_length=40,
        help_text=gettext_lazy("As on your receipt, for example 2026-SCJ-000123."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    query_code = forms.CharField(
        label=gettext_lazy("Query code"),
        max_length=16,
        help_text=gettext_lazy("8 letters and digits, as on your receipt."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ResultFilterForm(forms.Form):
    bound_field_class = AccessibleBoundField
    q = forms.CharField(
        label=gettext_lazy("Case number or service"), required=False, max_length=100
    )
    department = forms.ChoiceField(label=gettext_lazy("Department"), required=False)
    service = forms.CharField(label=gettext_lazy("Service code"), required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("Any"))] + [  # type: ignore[attr-defined]
            (d.code, d.name) for d in department_list(top_level_only=False)
        ]
