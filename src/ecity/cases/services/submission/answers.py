"""The answers of an application form: only the fields its service's form schema declares."""

from __future__ import annotations

from collections.abc import Mapping

from ecity.catalogue.models import ServiceItemVersion


def schema_answers(
    version: ServiceItemVersion, form_data: Mapping[str, object]
) -> dict[str, object]:
    """The answers in ``form_data`` that are fields of ``version``'s form (others are dropped)."""
    properties = (version.form_schema or {}).get("properties") or {}
    return {name: value for name, value in (form_data or {}).items() if name in properties}
