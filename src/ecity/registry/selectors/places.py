"""Reads of the places and addresses registry: addresses, region boundaries, point in region.

Addresses are looked up by staff (any active staff role, ``can_read_records``); an address is
no one's personal data, so a lookup is not audited. Region boundaries are public (open data).
"Which region is this coordinate in" filters the current boundaries by bounding box in the
database, then casts rays in Python (``ecity.registry.geo``) and answers the smallest region
that contains the point (a district before its city).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.errors import NotFound, PermissionDenied
from ecity.identity.models import User
from ecity.registry.models import (
    Address,
    RecordAttribute,
    RecordChange,
    RecordConflict,
    RegionBoundary,
)
from ecity.registry.selectors.records import can_read_records

#: The most addresses one staff search returns.
SEARCH_LIMIT = 50


def address_get_by_code(*, code: str) -> Address | None:
    """The address with ``code`` (upper-cased, spaces removed), or None. For services: no check."""
    code = "".join((code or "").split()).upper()
    if not code:
        return None
    return Address.objects.filter(code=code).first()


def _require_reader(actor: User) -> None:
    if not can_read_records(actor=actor):
        raise PermissionDenied(_("Only staff look up registry records."))


def address_search(
    *, actor: User, text: str = "", region_code: str = "", status: str = ""
) -> QuerySet[Address]:
    """Search addresses by code or words of the address, region code (its sub-regions too).

    Rules: staff only (``PermissionDenied``). ``text`` matches the code exactly or every word
    (space-separated) in the standard address; ``region_code`` matches codes starting with it
    (``9901`` finds the whole city). At most ``SEARCH_LIMIT`` results, by code.
    """
    _require_reader(actor)
    addresses = Address.objects.all()
    text = " ".join((text or "").split())
    if text:
        condition = Q(code=text.upper().replace(" ", ""))
        words = Q()
        for word in text.split():
            words &= Q(full_address__icontains=word)
        addresses = addresses.filter(condition | words)
    region_code = (region_code or "").strip()
    if region_code:
        addresses = addresses.filter(region_code__startswith=region_code)
    if status:
        addresses = addresses.filter(status=status)
    return addresses.order_by("code")


@dataclass
class AddressDetail:
    """An address with the provenance of each value, its change log, conflicts and location."""

    address: Address
    provenance: list[RecordAttribute]
    changes: list[RecordChange]
    conflicts: list[RecordConflict]
    location: LocationCheck


def address_detail(*, actor: User, code: str) -> AddressDetail:
    """The address ``code`` for staff, with provenance, history (newest first) and location.

    Errors: ``PermissionDenied`` (not staff), ``NotFound``.
    """
    _require_reader(actor)
    address = address_get_by_code(code=code)
    if address is None:
        raise NotFound(_("There is no address with this code."))
    return AddressDetail(
        address=address,
        provenance=list(
            RecordAttribute.objects.filter(address=address).select_related(
                "department", "written_by"
            )
        ),
        changes=list(
            RecordChange.objects.filter(address=address).select_related("department")[:100]
        ),
        conflicts=list(
            RecordConflict.objects.filter(
                address=address, status=RecordConflict.Status.OPEN
            ).select_related("authoritative_department", "proposed_department")
        ),
        location=address_location_check(address=address),
    )


# --- region boundaries -----------------------------------------------------------------------


def boundaries_current(*, on: dt.date | None = None) -> QuerySet[RegionBoundary]:
    """The boundary of each region in force ``on`` (today): the latest ``valid_from`` ≤ ``on``."""
    on = on or timezone.localdate()
    rows = RegionBoundary.objects.filter(valid_from__lte=on).order_by("region_code", "-valid_from")
    latest: dict[str, int] = {}
    for region_code, pk in rows.values_list("region_code", "pk"):
        latest.setdefault(region_code, pk)
    return RegionBoundary.objects.filter(pk__in=latest.values()).order_by("region_code")


def boundary_get(*, region_code: str, on: dt.date | None = None) -> RegionBoundary | None:
    """The boundary of ``region_code`` in force ``on`` (today), or None."""
    on = on or timezone.localdate()
    return (
        RegionBoundary.objects.filter(region_code=region_code, valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )


def regions_at(
    *, longitude: float, latitude: float, on: dt.date | None = None
) -> list[RegionBoundary]:
    """The current boundaries containing the point, smallest first (district before city)."""
    candidates = boundaries_current(on=on).filter(
        min_lon__lte=longitude, max_lon__gte=longitude, min_lat__lte=latitude, max_lat__gte=latitude
    )
    found = [b for b in candidates if b.contains(longitude, latitude)]
    return sorted(found, key=lambda b: ((b.max_lon - b.min_lon) * (b.max_lat - b.min_lat)))


def region_at(
    *, longitude: float, latitude: float, on: dt.date | None = None
) -> RegionBoundary | None:
    """Which region this coordinate is in: the smallest current boundary containing it."""
    found = regions_at(longitude=longitude, latitude=latitude, on=on)
    return found[0] if found else None


class Location:
    """The result of checking an address's coordinates against its region's boundary."""

    INSIDE = "inside"
    OUTSIDE = "outside"  # a data-quality finding
    NO_BOUNDARY = "no_boundary"  # cannot be checked: a finding, not a refusal
    NO_COORDINATES = "no_coordinates"


@dataclass(frozen=True)
class LocationCheck:
    state: str
    boundary: RegionBoundary | None = None
    # Where the point is when it is outside its region (None when in no known region).
    found_region: RegionBoundary | None = None

    @property
    def message(self) -> str:
        if self.state == Location.INSIDE:
            return _("The coordinates lie inside the region's boundary.")
        if self.state == Location.OUTSIDE:
            if self.found_region is not None:
                return _("The coordinates lie outside the region, in %(region)s.") % {
                    "region": self.found_region.name or self.found_region.region_code
                }
            return _("The coordinates lie outside the region's boundary.")
        if self.state == Location.NO_BOUNDARY:
            return _("The region has no boundary: the coordinates cannot be checked.")
        return _("The address has no coordinates.")


def address_location_check(
    *, address: Address, boundaries: dict[str, Any] | None = None
) -> LocationCheck:
    """Whether ``address``'s coordinates lie inside its region's current boundary.

    ``boundaries`` ({region code: RegionBoundary}) avoids a query per address in a loop.
    """
    if not address.has_coordinates:
        return LocationCheck(Location.NO_COORDINATES)
    if boundaries is not None:
        boundary = boundaries.get(address.region_code)
    else:
        boundary = boundary_get(region_code=address.region_code)
    if boundary is None:
        return LocationCheck(Location.NO_BOUNDARY)
    lon, lat = float(address.longitude), float(address.latitude)  # type: ignore[arg-type]
    if boundary.contains(lon, lat):
        return LocationCheck(Location.INSIDE, boundary)
    found = region_at(longitude=lon, latitude=lat) if boundaries is None else None
    return LocationCheck(Location.OUTSIDE, boundary, found)


@dataclass(frozen=True)
class LocationSummary:
    with_coordinates: int
    outside: int
    no_boundary: int


def address_locations_summary() -> LocationSummary:
    """Count the addresses with coordinates, those outside their region and those unchecked.

    Reads the current boundaries once and the coordinates of the addresses (one query).
    """
    boundaries = {b.region_code: b for b in boundaries_current()}
    outside = no_boundary = total = 0
    rows = Address.objects.filter(longitude__isnull=False, latitude__isnull=False).only(
        "region_code", "longitude", "latitude"
    )
    for address in rows.iterator(chunk_size=2000):
        total += 1
        state = address_location_check(address=address, boundaries=boundaries).state
        outside += state == Location.OUTSIDE
        no_boundary += state == Location.NO_BOUNDARY
    return LocationSummary(with_coordinates=total, outside=outside, no_boundary=no_boundary)


def boundaries_geojson(*, boundaries: list[RegionBoundary]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of ``boundaries`` (region code, name, source, valid from)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": b.region_code,
                "geometry": b.geometry,
                "properties": {
                    "region_code": b.region_code,
                    "name": b.name,
                    "source": b.source,
                    "valid_from": b.valid_from.isoformat(),
                },
            }
            for b in boundaries
        ],
    }
