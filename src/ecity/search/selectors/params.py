"""The parameters of a search, read from a request's query string (HTML, JSON, RSS and API)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ecity.core.errors import ValidationFailed

MAX_QUERY_CHARS = 100
MAX_PAGE = 100
PAGE_SIZE = 10
_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


@dataclass(frozen=True)
class SearchParams:
    q: str
    kinds: tuple[str, ...] = ()
    department: str = ""
    audience: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    page: int = 1


def _date(value: str, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors[field] = [_("Enter a date as YYYY-MM-DD.")]
        return None


def _values(data: Mapping[str, object], name: str) -> list[str]:
    getlist = getattr(data, "getlist", None)
    raw: object = getlist(name) if getlist is not None else data.get(name, [])
    items: list[object] = [raw] if isinstance(raw, str) else list(raw or [])  # type: ignore[call-overload]
    values: list[str] = []
    for item in items:
        values.extend(part.strip() for part in str(item).split(",") if part.strip())
    return values


def search_params_parse(data: Mapping[str, object]) -> SearchParams:
    """Read and check search parameters (``q``, ``kind`` (repeatable), ``department``,
    ``audience``, ``from``, ``to``, ``page``).

    Rules: ``q`` is required, at most ``MAX_QUERY_CHARS`` characters and must contain a letter
    or digit; codes are short identifiers; dates are ISO dates with ``from`` <= ``to``; ``page``
    is a whole number from 1 to ``MAX_PAGE``. Errors: ``ValidationFailed`` with a translated
    message per field.
    """
    errors: dict[str, list[str]] = {}
    q = " ".join(str(data.get("q") or "").split())
    if not q:
        errors["q"] = [_("Enter what you are looking for.")]
    elif len(q) > MAX_QUERY_CHARS:
        errors["q"] = [_("Enter at most %(limit)d characters.") % {"limit": MAX_QUERY_CHARS}]
    elif not re.search(r"[^\W_]", q):
        errors["q"] = [_("Enter words, not only punctuation.")]
    kinds = _values(data, "kind")
    if any(not _CODE.match(k) for k in kinds) or len(kinds) > 10:
        errors["kind"] = [_("Choose content types from the list.")]
    department = str(data.get("department") or "").strip()
    if department and not _CODE.match(department):
        errors["department"] = [_("Choose a department from the list.")]
    audience = str(data.get("audience") or "").strip()
    if audience and not _CODE.match(audience):
        errors["audience"] = [_("Choose an audience from the list.")]
    date_from = _date(str(data.get("from") or "").strip(), "from", errors)
    date_to = _date(str(data.get("to") or "").strip(), "to", errors)
    if date_from and date_to and date_from > date_to:
        errors["to"] = [_("The end date must not be before the start date.")]
    page_text = str(data.get("page") or "1").strip()
    page = int(page_text) if page_text.isdigit() else 0
    if not 1 <= page <= MAX_PAGE:
        errors["page"] = [_("Enter a page number from 1 to %(limit)d.") % {"limit": MAX_PAGE}]
    if errors:
        raise ValidationFailed(fields=errors)
    return SearchParams(
        q=q,
        kinds=tuple(dict.fromkeys(kinds)),
        department=department,
        audience=audience,
        date_from=date_from,
        date_to=date_to,
        page=page,
    )
