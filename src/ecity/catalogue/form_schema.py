"""Application form schemas: a small, safe subset of JSON Schema with labels in two languages.

A service version's ``form_schema`` looks like::

    {"type": "object", "title": "申请表",
     "properties": {
         "applicant_name": {"type": "string", "title": "申请人姓名", "title_en": "Applicant name",
                            "maxLength": 50},
         "id_number": {"type": "string", "title": "身份证号", "format": "id_number"},
         "children": {"type": "integer", "title": "子女数", "minimum": 0, "maximum": 20},
         "channel": {"type": "string", "title": "领取方式", "enum": ["post", "counter"],
                     "enumNames": ["邮寄", "窗口领取"], "x-widget": "radio"}},
     "required": ["applicant_name", "id_number"],
     "x-order": ["applicant_name", "id_number", "children", "channel"]}

``schema_validate_definition`` checks a schema before it is saved or published,
``schema_to_form`` builds an accessible Django form from it (HTML pages), and
``schema_validate_data`` validates submitted JSON with the same rules (API).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from ecity.core.patterns import PatternError, PatternValidator, pattern_compile
from ecity.core.validators import (
    normalise_id_number,
    normalise_mobile,
    normalise_uscc,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)

TYPES = ("string", "integer", "number", "boolean")
FORMATS = ("id_number", "uscc", "mobile", "email", "date")
WIDGETS = ("textarea", "radio", "select")
TOP_KEYWORDS = frozenset(
    {"$schema", "type", "title", "title_en", "description", "description_en", "properties"}
    | {"required", "x-order"}
)
PROPERTY_KEYWORDS = frozenset(
    {"type", "title", "title_en", "description", "description_en", "format", "default"}
    | {"minLength", "maxLength", "minimum", "maximum", "pattern", "enum", "enumNames"}
    | {"enumNames_en", "x-widget"}
)
STRING_ONLY = ("format", "minLength", "maxLength", "pattern")
NUMBER_ONLY = ("minimum", "maximum")
FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")

_FORMAT_VALIDATORS: dict[str, Callable[[str], None]] = {
    "id_number": validate_id_number,
    "uscc": validate_uscc,
    "mobile": validate_mobile,
}
_FORMAT_NORMALISERS: dict[str, Callable[[str], str]] = {
    "id_number": normalise_id_number,
    "uscc": normalise_uscc,
    "mobile": normalise_mobile,
}


class NormalisedCharField(forms.CharField):
    """A text field that turns what people type into the canonical form before validating."""

    def __init__(self, *, normalise: Callable[[str], str], **kwargs: Any) -> None:
        self.normalise = normalise
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return self.normalise(text) if text else text


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _matches_type(value: Any, type_: str) -> bool:
    if type_ == "string":
        return isinstance(value, str)
    if type_ == "integer":
        return _is_int(value)
    if type_ == "number":
        return _is_number(value)
    return isinstance(value, bool)


def _check_property(name: str, prop: Any) -> list[str]:
    where = _("Field “%(name)s”") % {"name": name}
    if not FIELD_NAME.match(name):
        return [
            _(
                "%(where)s: a field name must start with a letter and use only letters, "
                "digits and _."
            )
            % {"where": where}
        ]
    if not isinstance(prop, dict):
        return [_("%(where)s: the definition must be an object.") % {"where": where}]
    errors = []
    for key in sorted(set(prop) - PROPERTY_KEYWORDS):
        errors.append(_("%(where)s: unknown keyword “%(key)s”.") % {"where": where, "key": key})
    type_ = prop.get("type")
    if type_ not in TYPES:
        errors.append(
            _("%(where)s: the type must be one of %(types)s.")
            % {"where": where, "types": ", ".join(TYPES)}
        )
        return errors
    if not isinstance(prop.get("title"), str) or not prop["title"].strip():
        errors.append(_("%(where)s: a title (label) is required.") % {"where": where})
    for key in ("title_en", "description", "description_en"):
        if key in prop and not isinstance(prop[key], str):
            errors.append(_("%(where)s: “%(key)s” must be text.") % {"where": where, "key": key})
    if type_ != "string":
        for key in STRING_ONLY:
            if key in prop:
                errors.append(
                    _("%(where)s: “%(key)s” applies only to text fields.")
                    % {"where": where, "key": key}
                )
    if type_ not in ("integer", "number"):
        for key in NUMBER_ONLY:
            if key in prop:
                errors.append(
                    _("%(where)s: “%(key)s” applies only to number fields.")
                    % {"where": where, "key": key}
                )
    if "format" in prop and prop["format"] not in FORMATS:
        errors.append(
            _("%(where)s: unknown format “%(format)s”; use one of %(formats)s.")
            % {"where": where, "format": prop["format"], "formats": ", ".join(FORMATS)}
        )
    for key in ("minLength", "maxLength"):
        if key in prop and (not _is_int(prop[key]) or prop[key] < 0):
            errors.append(
                _("%(where)s: “%(key)s” must be a whole number of at least 0.")
                % {"where": where, "key": key}
            )
    for key in ("minimum", "maximum"):
        if key in prop and not _is_number(prop[key]):
            errors.append(
                _("%(where)s: “%(key)s” must be a number.") % {"where": where, "key": key}
            )
    for low, high in (("minLength", "maxLength"), ("minimum", "maximum")):
        if _is_number(prop.get(low)) and _is_number(prop.get(high)) and prop[low] > prop[high]:
            errors.append(
                _("%(where)s: “%(low)s” is greater than “%(high)s”.")
                % {"where": where, "low": low, "high": high}
            )
    if "pattern" in prop:
        # Compiled with RE2 (linear time, no backtracking): a pattern it cannot run is refused
        # here, when the schema is saved, instead of stalling validation later.
        try:
            pattern_compile(prop["pattern"])
        except PatternError as exc:
            errors.append(_("%(where)s: %(error)s") % {"where": where, "error": exc})
    errors.extend(_check_enum(where, type_, prop))
    widget = prop.get("x-widget")
    if widget is not None:
        if widget not in WIDGETS:
            errors.append(
                _("%(where)s: unknown widget “%(widget)s”; use one of %(widgets)s.")
                % {"where": where, "widget": widget, "widgets": ", ".join(WIDGETS)}
            )
        elif widget in ("radio", "select") and "enum" not in prop:
            errors.append(
                _("%(where)s: the “%(widget)s” widget needs an “enum” list of choices.")
                % {"where": where, "widget": widget}
            )
        elif widget == "textarea" and (type_ != "string" or "enum" in prop):
            errors.append(
                _("%(where)s: the “textarea” widget applies only to free text fields.")
                % {"where": where}
            )
    if "default" in prop and not _matches_type(prop["default"], type_):
        errors.append(_("%(where)s: the default value does not match the type.") % {"where": where})
    return errors


def _check_enum(where: str, type_: str, prop: Mapping[str, Any]) -> list[str]:
    errors = []
    enum = prop.get("enum")
    if "enum" in prop:
        if not isinstance(enum, list) or not enum:
            return [_("%(where)s: “enum” must be a non-empty list.") % {"where": where}]
        if type_ == "boolean" or not all(_matches_type(v, type_) for v in enum):
            errors.append(
                _("%(where)s: every “enum” value must match the field type.") % {"where": where}
            )
        if len({str(v) for v in enum}) != len(enum):
            errors.append(_("%(where)s: “enum” values must be unique.") % {"where": where})
    for key in ("enumNames", "enumNames_en"):
        if key not in prop:
            continue
        names = prop[key]
        if not isinstance(enum, list):
            errors.append(
                _("%(where)s: “%(key)s” needs an “enum” list.") % {"where": where, "key": key}
            )
        elif (
            not isinstance(names, list)
            or len(names) != len(enum)
            or not all(isinstance(n, str) for n in names)
        ):
            errors.append(
                _("%(where)s: “%(key)s” must list one text label per “enum” value.")
                % {"where": where, "key": key}
            )
    return errors


def schema_validate_definition(schema: Any) -> list[str]:
    """Check a form schema definition; return a list of readable errors (empty when valid).

    An empty schema (``{}``) is valid and means "no online application form".
    """
    if schema in ({}, None):
        return []
    if not isinstance(schema, dict):
        return [_("The form schema must be a JSON object.")]
    errors = [
        _("Unknown top-level keyword “%(key)s”.") % {"key": k}
        for k in sorted(set(schema) - TOP_KEYWORDS)
    ]
    if schema.get("type") != "object":
        errors.append(_('The form schema must have "type": "object".'))
    for key in ("title", "title_en", "description", "description_en"):
        if key in schema and not isinstance(schema[key], str):
            errors.append(_("“%(key)s” must be text.") % {"key": key})
    properties = schema.get("properties")
    if not isinstance(properties, dict) or not properties:
        errors.append(_("The form schema needs at least one field in “properties”."))
        properties = {}
    for name, prop in properties.items():
        errors.extend(_check_property(str(name), prop))
    for key in ("required", "x-order"):
        names = schema.get(key, [])
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            errors.append(_("“%(key)s” must be a list of field names.") % {"key": key})
            continue
        for name in names:
            if name not in properties:
                errors.append(
                    _("“%(key)s” names “%(name)s”, which is not in “properties”.")
                    % {"key": key, "name": name}
                )
        if len(set(names)) != len(names):
            errors.append(_("“%(key)s” lists a field twice.") % {"key": key})
    return errors


def field_order(schema: Mapping[str, Any]) -> list[str]:
    """Field names in display order: ``x-order`` first, then the rest as defined."""
    properties = schema.get("properties") or {}
    ordered = [n for n in schema.get("x-order") or [] if n in properties]
    return ordered + [n for n in properties if n not in ordered]


def _text(prop: Mapping[str, Any], key: str, language: str) -> str:
    if language.startswith("en") and prop.get(f"{key}_en"):
        return str(prop[f"{key}_en"])
    return str(prop.get(key) or "")


def _choices(prop: Mapping[str, Any], language: str) -> list[tuple[Any, str]]:
    names = prop.get("enumNames_en") if language.startswith("en") else None
    names = names or prop.get("enumNames") or [str(v) for v in prop["enum"]]
    return list(zip(prop["enum"], names, strict=False))


class AccessibleBoundField(forms.BoundField):
    """Points ``aria-describedby`` at the hint and error ids used by core/_field.html."""

    @property
    def aria_describedby(self) -> str | None:
        if self.field.widget.attrs.get("aria-describedby"):
            return None
        ids = []
        if self.auto_id and not self.is_hidden:
            if self.help_text:
                ids.append(f"{self.auto_id}-hint")
            if self.errors:
                ids.append(f"{self.auto_id}-error")
        return " ".join(ids)


class SchemaForm(forms.Form):
    """Base class of the forms built by ``schema_to_form``."""

    bound_field_class = AccessibleBoundField
    schema: dict[str, Any] = {}


def _string_field(prop: Mapping[str, Any], common: dict[str, Any]) -> forms.Field:
    fmt = prop.get("format")
    if fmt == "email":
        return forms.EmailField(max_length=prop.get("maxLength"), **common)
    if fmt == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    validators: list[Callable[[Any], None]] = []
    attrs: dict[str, str] = {}
    if fmt in _FORMAT_VALIDATORS:
        validators.append(_FORMAT_VALIDATORS[fmt])
        attrs = {"autocomplete": "tel" if fmt == "mobile" else "off"}
        if fmt == "mobile":
            attrs["inputmode"] = "tel"
    if "pattern" in prop:
        validators.append(
            PatternValidator(prop["pattern"], message=_("Enter a value in the required format."))
        )
    if prop.get("x-widget") == "textarea":
        widget: forms.Widget = forms.Textarea(attrs={"rows": 4, **attrs})
    elif fmt == "mobile":
        widget = forms.TextInput(attrs={"type": "tel", **attrs})
    else:
        widget = forms.TextInput(attrs=attrs)
    field_class: Callable[..., forms.CharField] = forms.CharField
    if fmt in _FORMAT_NORMALISERS:
        field_class = NormalisedCharField
        common = {**common, "normalise": _FORMAT_NORMALISERS[fmt]}
    return field_class(
        min_length=prop.get("minLength"),
        max_length=prop.get("maxLength"),
        validators=validators,
        widget=widget,
        **common,
    )


def _build_field(prop: Mapping[str, Any], *, required: bool, language: str) -> forms.Field:
    type_ = prop["type"]
    common: dict[str, Any] = {
        "label": _text(prop, "title", language),
        "help_text": _text(prop, "description", language),
        "required": required,
    }
    if "default" in prop:
        common["initial"] = prop["default"]
    if "enum" in prop:
        choices = _choices(prop, language)
        widget: forms.Widget = (
            forms.RadioSelect() if prop.get("x-widget") == "radio" else forms.Select()
        )
        coerce: Callable[[Any], Any] = {"integer": int, "number": float}.get(type_, str)
        if prop.get("x-widget") != "radio":
            choices = [("", "---------"), *choices]
        return forms.TypedChoiceField(
            choices=choices, coerce=coerce, widget=widget, empty_value=None, **common
        )
    if type_ == "string":
        return _string_field(prop, common)
    if type_ == "integer":
        return forms.IntegerField(
            min_value=prop.get("minimum"), max_value=prop.get("maximum"), **common
        )
    if type_ == "number":
        return forms.FloatField(
            min_value=prop.get("minimum"), max_value=prop.get("maximum"), **common
        )
    return forms.BooleanField(**common)


def schema_to_form(
    schema: Mapping[str, Any], *, data: Mapping[str, Any] | None = None, language: str
) -> SchemaForm:
    """Build a bound (``data`` given) or unbound Django form from a valid schema.

    Labels and help texts follow ``language`` (``title_en``/``description_en`` when English);
    ``clean()`` applies every rule of the schema, including the ID number, USCC and mobile
    validators for those formats. Raises ValueError for an invalid schema definition.
    """
    problems = schema_validate_definition(dict(schema))
    if problems:
        raise ValueError("; ".join(problems))
    required = set(schema.get("required") or [])
    properties = schema.get("properties") or {}
    fields = {
        name: _build_field(properties[name], required=name in required, language=language)
        for name in field_order(schema)
    }
    form_class = type("ApplicationForm", (SchemaForm,), {**fields, "schema": dict(schema)})
    return form_class(data=data)


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def schema_validate_data(
    schema: Mapping[str, Any], data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate submitted data (a JSON object) against a schema.

    Returns ``(cleaned, errors)``: ``cleaned`` holds JSON-ready values when there are no
    errors, ``errors`` maps a field name (or ``__all__``) to translated messages.
    """
    if not isinstance(data, Mapping):
        return {}, {"__all__": [_("The form data must be a JSON object.")]}
    properties = schema.get("properties") or {}
    errors: dict[str, list[str]] = {}
    for name in data:
        if name not in properties:
            errors[str(name)] = [_("This field is not part of the form.")]
    prepared: dict[str, Any] = {}
    for name, value in data.items():
        if name not in properties or value is None:
            continue
        type_ = properties[name]["type"]
        if isinstance(value, dict | list) or (type_ == "string" and not isinstance(value, str)):
            errors.setdefault(name, []).append(_("Enter a value of the right type."))
            continue
        prepared[name] = value
    form = schema_to_form(schema, data=prepared, language="zh-hans")
    if not form.is_valid():
        for name, messages in form.errors.items():
            errors.setdefault(name, []).extend(str(m) for m in messages)
    if errors:
        return {}, errors
    cleaned = {name: _json_value(value) for name, value in form.cleaned_data.items()}
    return cleaned, {}
