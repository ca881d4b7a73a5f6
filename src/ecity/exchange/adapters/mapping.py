"""Declarative field mapping between a provider's message and what an ecity client sees.

Both adapters (``adapters.soap``, ``adapters.rest``) apply a mapping to the request arguments
on the way in and to the response on the way out, so that a client never sees the legacy
names or shapes. A mapping is a small JSON document (stored with a registered service)::

    {
      "fields": {
        "id_number": "idNumber",                      # rename
        "person.name": "name",                        # nest: dotted target path
        "person.address": "addr.line1",               # pick from a nested source
        "members": {"from": "members.member",         # a list (or an object) mapped
                    "each": {"fields": {"name": "name", "relation": "rel"}}}
      },
      "keep_unmapped": false
    }

Rules:

- ``fields`` maps a **target path** to a **source path**, both dotted (``a.b.c``; each part
  1–64 letters, digits, ``_`` or ``-``). Only the listed fields are kept (*pick*) unless
  ``keep_unmapped`` is true, which first copies every top-level source field not used by a
  mapping.
- A source value may instead be ``{"from": <source path>, "each": <mapping>}``: the nested
  mapping is applied to each item of a list (or to the object itself).
- A source path that is missing in the data yields nothing (no key, no ``null``): a provider's
  optional field stays optional.
- Two target paths cannot collide (``a`` and ``a.b``).

``mapping_validate`` checks a mapping and raises ``ValidationFailed`` with one field per
problem (``fields.person.name``, ``keep_unmapped`` …); ``mapping_apply`` applies a validated one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ecity.core.errors import ValidationFailed

PATH = re.compile(r"^[A-Za-z0-9_\-]{1,64}(\.[A-Za-z0-9_\-]{1,64}){0,15}$")
MAX_DEPTH = 5
_MISSING = object()


@dataclass(frozen=True)
class FieldRule:
    """One target field: where it comes from, and the mapping of its items (if any)."""

    target: tuple[str, ...]
    source: tuple[str, ...]
    each: FieldMapping | None = None


@dataclass(frozen=True)
class FieldMapping:
    """A validated mapping (see the module docstring)."""

    rules: tuple[FieldRule, ...] = field(default_factory=tuple)
    keep_unmapped: bool = False

    @property
    def is_identity(self) -> bool:
        return not self.rules and self.keep_unmapped


#: Passes everything through unchanged.
IDENTITY = FieldMapping(rules=(), keep_unmapped=True)


def _parse(spec: object, prefix: str, errors: dict[str, list[str]], depth: int) -> FieldMapping:
    if not isinstance(spec, Mapping):
        errors[prefix or "mapping"] = [_("A mapping is an object with “fields”.")]
        return IDENTITY
    unknown = set(spec) - {"fields", "keep_unmapped"}
    for key in sorted(unknown):
        errors[f"{prefix}{key}"] = [_("Unknown key: use “fields” and “keep_unmapped”.")]
    keep = spec.get("keep_unmapped", False)
    if not isinstance(keep, bool):
        errors[f"{prefix}keep_unmapped"] = [_("Use true or false.")]
        keep = False
    fields = spec.get("fields", {})
    if not isinstance(fields, Mapping):
        errors[f"{prefix}fields"] = [_("“fields” maps target paths to source paths.")]
        return FieldMapping(keep_unmapped=keep)
    rules: list[FieldRule] = []
    targets: list[tuple[str, ...]] = []
    for target, source in fields.items():
        name = f"{prefix}fields.{target}"
        if not isinstance(target, str) or not PATH.match(target):
            errors[name] = [_("A target path is dotted names of letters, digits, _ or -.")]
            continue
        target_parts = tuple(target.split("."))
        clash = next(
            (
                other
                for other in targets
                if other[: len(target_parts)] == target_parts or target_parts[: len(other)] == other
            ),
            None,
        )
        if clash is not None:
            errors[name] = [
                _("This target overlaps the target %(other)s.") % {"other": ".".join(clash)}
            ]
            continue
        targets.append(target_parts)
        each: FieldMapping | None = None
        if isinstance(source, Mapping):
            extra = set(source) - {"from", "each"}
            if extra or "from" not in source:
                errors[name] = [_("Use {“from”: source path, “each”: mapping}.")]
                continue
            if depth >= MAX_DEPTH:
                errors[name] = [_("Mappings nest at most %(n)d levels.") % {"n": MAX_DEPTH}]
                continue
            if "each" in source:
                each = _parse(source["each"], f"{name}.each.", errors, depth + 1)
            source = source["from"]
        if not isinstance(source, str) or not PATH.match(source):
            errors[name] = [_("A source path is dotted names of letters, digits, _ or -.")]
            continue
        rules.append(FieldRule(target=target_parts, source=tuple(source.split(".")), each=each))
    return FieldMapping(rules=tuple(rules), keep_unmapped=keep)


def mapping_validate(spec: object) -> FieldMapping:
    """Check a mapping document and return it parsed; ``None`` or ``{}`` pass everything through.

    Errors: ``ValidationFailed`` with one field per problem, named by its place in the document
    (``fields.person.name``, ``fields.members.each.fields.name``, ``keep_unmapped``).
    """
    if spec is None or spec == {}:
        return IDENTITY
    errors: dict[str, list[str]] = {}
    parsed = _parse(spec, "", errors, 0)
    if errors:
        raise ValidationFailed(fields=errors)
    return parsed


def _get(data: object, path: tuple[str, ...]) -> object:
    for part in path:
        if isinstance(data, Mapping) and part in data:
            data = data[part]
        else:
            return _MISSING
    return data


def _set(data: dict[str, Any], path: tuple[str, ...], value: object) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


def mapping_apply(mapping: FieldMapping, data: object) -> Any:
    """Apply a validated mapping to ``data`` (a JSON object; lists map item by item)."""
    if mapping.is_identity:
        return data
    if isinstance(data, list):
        return [mapping_apply(mapping, item) for item in data]
    if not isinstance(data, Mapping):
        return data
    result: dict[str, Any] = {}
    if mapping.keep_unmapped:
        used = {rule.source[0] for rule in mapping.rules}
        result.update({k: v for k, v in data.items() if k not in used})
    for rule in mapping.rules:
        value = _get(data, rule.source)
        if value is _MISSING:
            continue
        if rule.each is not None and value is not None:
            value = mapping_apply(rule.each, value)
        _set(result, rule.target, value)
    return result
