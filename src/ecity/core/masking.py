"""Masking (脱敏) of personal data for display: show only what identifies the record.

Who sees a value unmasked is decided by ``ecity.identity.selectors.can_see_unmasked``; this
module only knows how each kind of value is masked:

* resident ID number: first 4 and last 4 characters, ``1101**********123X``;
* mobile phone: first 3 and last 4 digits, ``138****0001``;
* address: the first 6 characters (city and district) and ``****``;
* e-mail: the first character of the local part and the domain, ``z***@example.cn``;
* real name (in lists shown to people who may not see it, e.g. a department administrator's
  account search): the first character (the surname) and a star per other character, ``张**``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

#: The kinds of personal value that are masked, by the name the templates and serializers use.
KINDS = ("id_number", "phone", "address", "email", "name")

# Form fields whose name says they hold an address (form schemas have no "address" format).
_ADDRESS_NAME_PARTS = ("address", "addr", "dizhi")


def mask_id_number(value: str) -> str:
    """Keep the first 4 and last 4 characters: ``1101**********123X``."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """Keep the first 3 and last 4 digits of a mobile number: ``138****0001``."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_address(value: str) -> str:
    """Keep the district-level prefix (first 6 characters): ``示范市东城区****``.

    The masked part is always four stars, so the mask does not tell the address's length.
    Short values keep at most half of their characters.
    """
    if not value:
        return ""
    keep = min(6, len(value) // 2)
    return value[:keep] + "****"


def mask_email(value: str) -> str:
    """Keep the first character of the local part and the domain: ``z***@example.cn``."""
    if not value or "@" not in value:
        return value
    local, domain = value.rsplit("@", 1)
    return f"{local[:1]}***@{domain}"


def mask_name(value: str) -> str:
    """Keep the first character (the surname of a Chinese name): ``张**``, ``W***``."""
    value = value.strip() if value else ""
    if not value:
        return ""
    return value[0] + "*" * max(len(value) - 1, 1)


_MASKS: dict[str, Callable[[str], str]] = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "address": mask_address,
    "email": mask_email,
    "name": mask_name,
}


def mask(value: Any, kind: str) -> str:
    """Mask ``value`` as a ``kind`` (one of ``KINDS``); raises ``KeyError`` for other kinds."""
    return _MASKS[kind]("" if value is None else str(value))


def shown(value: Any, kind: str, *, unmasked: bool) -> str:
    """``value`` as the viewer may see it: as it is when ``unmasked``, else masked."""
    if unmasked:
        return "" if value is None else str(value)
    return mask(value, kind)


def form_field_kind(name: str, spec: Mapping[str, Any]) -> str | None:
    """Which kind of personal value an application form field holds, if any.

    By the schema's ``format`` (``id_number``, ``mobile``, ``email``), or an address by name.
    """
    fmt = spec.get("format")
    if fmt == "id_number":
        return "id_number"
    if fmt == "mobile":
        return "phone"
    if fmt == "email":
        return "email"
    lowered = name.lower()
    if any(part in lowered for part in _ADDRESS_NAME_PARTS):
        return "address"
    return None


def mask_form_data(form_data: Mapping[str, Any], schema: Mapping[str, Any] | None) -> dict:
    """A copy of ``form_data`` with every personal value masked (see ``form_field_kind``).

    Form schemas are flat; a list value (several choices) is masked item by item.
    """
    properties = (schema or {}).get("properties", {}) or {}
    masked: dict[str, Any] = {}
    for name, value in (form_data or {}).items():
        kind = form_field_kind(name, properties.get(name) or {})
        if kind is None:
            masked[name] = value
        elif isinstance(value, list):
            masked[name] = [mask(v, kind) if isinstance(v, str) else v for v in value]
        elif isinstance(value, str):
            masked[name] = mask(value, kind)
        else:
            masked[name] = value
    return masked


def personal_form_fields(form_data: Mapping[str, Any], schema: Mapping[str, Any] | None) -> list:
    """Names of the filled-in form fields that hold personal values (for audit entries)."""
    properties = (schema or {}).get("properties", {}) or {}
    return [
        name
        for name, value in (form_data or {}).items()
        if value not in ("", None, [])
        and form_field_kind(name, properties.get(name) or {}) is not None
    ]


# Personal values written into free text (a request, an answer): mainland mobile numbers and
# resident ID numbers, not parts of longer digit runs.
_TEXT_PHONE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
_TEXT_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def mask_text(text: str, *, names: Iterable[str] = (), places: Iterable[str] = ()) -> str:
    """``text`` with its personal values masked, for publication.

    Masks resident ID numbers and mobile numbers anywhere in the text, each of ``names`` (a
    person's name, masked as ``mask_name``) and each of ``places`` (an address, masked as
    ``mask_address``). Names and places shorter than two characters are left alone (one
    character would mask every occurrence of a common character).
    """
    if not text:
        return ""
    text = _TEXT_ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _TEXT_PHONE.sub(lambda m: mask_phone(m.group(0)), text)
    for place in sorted({p.strip() for p in places if p and len(p.strip()) >= 2}, key=len)[::-1]:
        text = text.replace(place, mask_address(place))
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len)[::-1]:
        text = text.replace(name, mask_name(name))
    return text
