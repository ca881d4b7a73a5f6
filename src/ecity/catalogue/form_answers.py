"""Answers to an application form as people read them: field labels and option labels, not codes.

Form data stores what the form schema defines as values: the code of a choice (``"catering"``,
``"post"``), ``true``/``false``, numbers. Every page, PDF and API field that shows answers to
people shows them through ``form_answer_text`` / ``form_answers``: a choice as its label
(``enumNames``, ``enumNames_en`` in English), a yes/no field as 是/否 (Yes/No), a whole number
without ``.0``, several values joined with 、. The stored data is never changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ecity.catalogue.form_schema import field_order


def _is_english(language: str | None) -> bool:
    return (language or get_language() or "").startswith("en")


def _option_label(prop: Mapping[str, Any], value: Any, english: bool) -> Any:
    values = prop.get("enum")
    if not isinstance(values, list) or isinstance(value, bool) or value not in values:
        return value
    names = (prop.get("enumNames_en") if english else None) or prop.get("enumNames")
    if not isinstance(names, list) or len(names) != len(values):
        return value
    return names[values.index(value)]


def form_answer_text(
    prop: Mapping[str, Any] | None, value: Any, *, language: str | None = None
) -> str:
    """``value`` of a field defined by ``prop`` (its schema property) as people read it.

    ``language`` defaults to the active one. Unknown codes are shown as they are.
    """
    prop = prop or {}
    english = _is_english(language)
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(form_answer_text(prop, v, language=language) for v in value)
    if isinstance(value, bool):
        with translation.override("en" if english else "zh-hans"):
            return _("Yes") if value else _("No")
    value = _option_label(prop, value, english)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def form_field_label(
    name: str, prop: Mapping[str, Any] | None, *, language: str | None = None
) -> str:
    """The label of field ``name`` (``title_en`` in English when there is one)."""
    prop = prop or {}
    english = _is_english(language)
    return str((prop.get("title_en") if english else None) or prop.get("title") or name)


@dataclass(frozen=True)
class FormAnswer:
    """One answered field: its name, label, stored value and the value as people read it."""

    name: str
    label: str
    value: Any
    text: str


def form_answers(
    schema: Mapping[str, Any] | None,
    data: Mapping[str, Any] | None,
    *,
    language: str | None = None,
    include_empty: bool = False,
) -> list[FormAnswer]:
    """The answers in ``data`` in the form's order, labelled from ``schema``.

    Fields of the schema come first in display order; answers to fields the schema no longer
    has follow under their names. Unanswered fields are left out unless ``include_empty``.
    """
    schema = schema or {}
    data = data or {}
    properties = schema.get("properties") or {}
    names = [n for n in field_order(schema) if include_empty or n in data]
    names += [n for n in data if n not in properties]
    answers = []
    for name in names:
        prop = properties.get(name) or {}
        value = data.get(name)
        answers.append(
            FormAnswer(
                name=name,
                label=form_field_label(name, prop, language=language),
                value=value,
                text=form_answer_text(prop, value, language=language),
            )
        )
    return answers


# Fields that name the enterprise an application is for (the names the profile prefill uses).
ENTERPRISE_NAME_FIELDS = ("enterprise_name", "company_name")


def form_enterprise(
    schema: Mapping[str, Any] | None, data: Mapping[str, Any] | None
) -> tuple[str, str] | None:
    """The (name, USCC) of the enterprise the answers name, or None when they name none.

    The USCC is the answer to the form's first field of format ``uscc``; the name is the answer
    to ``enterprise_name`` (or ``company_name``). Both must be given.
    """
    properties = (schema or {}).get("properties") or {}
    data = data or {}
    uscc = next(
        (
            str(data[name]).strip()
            for name, prop in properties.items()
            if isinstance(prop, Mapping) and prop.get("format") == "uscc" and data.get(name)
        ),
        "",
    )
    name = next((str(data[f]).strip() for f in ENTERPRISE_NAME_FIELDS if data.get(f)), "")
    return (name, uscc) if name and uscc else None
