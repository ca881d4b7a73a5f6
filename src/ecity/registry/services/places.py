"""Writes of the places registry besides addresses (``records.address_write``): region boundaries.

A region boundary is saved by the authority of the region code data element (DE0015, natural
resources in the demo city: its department administrators) or a platform administrator. The
geometry is validated (``ecity.registry.geo``: Polygon or MultiPolygon, closed rings, longitudes
and latitudes in range) with a field-level error naming the place of each problem, and nothing
is written on an error. Saving the boundary of a region from a date again replaces it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import NotFound, PermissionDenied, ValidationFailed
from ecity.core.events import event_publish
from ecity.identity.models import User
from ecity.org import selectors as org_selectors
from ecity.org.models import StaffRole
from ecity.registry import geo
from ecity.registry.attributes import ADDRESS_ATTRIBUTES, DE_REGION_CODE
from ecity.registry.models import RegionBoundary
from ecity.registry.selectors.metadata import data_element_authority


def can_maintain_boundaries(*, actor: User | None) -> bool:
    """Whether ``actor`` maintains region boundaries (``None``: the command line or demo)."""
    if actor is None or org_selectors.is_platform_admin(user=actor):
        return True
    try:
        authority = data_element_authority(identifier=DE_REGION_CODE)
    except NotFound:  # the element is not loaded: only platform administrators
        return False
    return authority is not None and org_selectors.user_has_role(
        user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN, department=authority
    )


def _geometry(raw: Any, errors: dict[str, list[str]]) -> dict[str, Any] | None:
    if isinstance(raw, str | bytes):
        try:
            raw = json.loads(raw)
        except ValueError:
            errors["geometry"] = [_("The geometry is not valid JSON.")]
            return None
    if isinstance(raw, dict) and raw.get("type") == "Feature":
        raw = raw.get("geometry")
    problems = geo.geometry_problems(raw)
    if problems:
        errors["geometry"] = [f"{path}: {message}" for path, message in problems]
        return None
    return raw


def _date(text: str) -> dt.date | None:
    try:
        return parse_date(text or "")
    except ValueError:  # well formed, but not a date (2024-13-01)
        return None


def region_boundary_save(
    *,
    actor: User | None,
    region_code: str,
    geometry: Any,
    source: str,
    valid_from: dt.date | str,
    name: str = "",
) -> RegionBoundary:
    """Save the boundary of ``region_code`` from ``valid_from`` (replacing one of that date).

    ``geometry``: a GeoJSON Polygon or MultiPolygon (a dict, or its JSON text; a Feature's
    geometry is taken). Rules in the module docstring; the region code must be a known region
    (as an address's). Side effects: an audit entry ``registry.region_boundary_saved`` and the
    event ``registry.region_boundary_changed``. Errors: ``PermissionDenied``,
    ``ValidationFailed`` (region code, geometry with the path of each problem, source, date).
    """
    if not can_maintain_boundaries(actor=actor):
        raise PermissionDenied(_("Only the authority of region codes maintains boundaries."))
    errors: dict[str, list[str]] = {}
    region_spec = ADDRESS_ATTRIBUTES["region_code"]
    code = region_spec.normalise(region_code or "")
    if not code:
        errors["region_code"] = [_("This field is required.")]
    else:
        try:
            assert region_spec.check is not None
            region_spec.check(code)
        except ValidationError as exc:
            errors["region_code"] = list(exc.messages)
    shape = _geometry(geometry, errors)
    source = " ".join((source or "").split())
    if not source:
        errors["source"] = [_("Say where the boundary comes from.")]
    elif len(source) > 200:
        errors["source"] = [_("At most %(limit)s characters.") % {"limit": 200}]
    day = valid_from if isinstance(valid_from, dt.date) else _date(valid_from)
    if day is None:
        errors["valid_from"] = [_("Enter a date as YYYY-MM-DD.")]
    if errors:
        raise ValidationFailed(fields=errors)
    assert shape is not None and day is not None
    with transaction.atomic():
        boundary = RegionBoundary.objects.filter(region_code=code, valid_from=day).first()
        boundary = boundary or RegionBoundary(region_code=code, valid_from=day)
        boundary.name = name[:100]
        boundary.geometry = shape
        boundary.source = source
        boundary.full_clean()
        boundary.save()
        data = {"region_code": code, "valid_from": day.isoformat(), "source": source}
        audit_record(actor=actor, action="registry.region_boundary_saved", obj=boundary, data=data)
        event_publish(
            name="registry.region_boundary_changed",
            subject=code,
            data=data,
            key=f"{code}:{day.isoformat()}:{boundary.updated_at.isoformat()}",
        )
    return boundary
