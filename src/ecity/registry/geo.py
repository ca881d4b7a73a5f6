"""Region boundaries as GeoJSON geometries: validation and point-in-region (pure Python).

A boundary is a GeoJSON (RFC 7946) ``Polygon`` or ``MultiPolygon`` in longitude/latitude
degrees (CGCS2000 or WGS-84; at a city's scale they differ by less than a metre). Validation
names the place of each problem as a path (``coordinates[0][3]``): the type, rings of at least
four positions, closed rings (first position = last), positions of two numbers, longitudes in
[-180, 180] and latitudes in [-90, 90].

Point in region: the bounding box first (cheap, and what the database filters on), then ray
casting over the rings (a point inside a hole is outside; a point on an edge counts as inside).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

Position = tuple[float, float]  # (longitude, latitude)
Ring = list[Position]
Polygon = list[Ring]  # the outer ring, then holes

GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
#: Tolerance (degrees) for a point on an edge, about 1 cm.
EDGE_TOLERANCE = 1e-7


@dataclass(frozen=True)
class BoundingBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def contains(self, lon: float, lat: float) -> bool:
        return self.min_lon <= lon <= self.max_lon and self.min_lat <= lat <= self.max_lat

    @property
    def area(self) -> float:
        return (self.max_lon - self.min_lon) * (self.max_lat - self.min_lat)


def _is_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _ring_problems(ring: object, path: str) -> list[tuple[str, str]]:
    if not isinstance(ring, list):
        return [(path, _("A ring is a list of positions."))]
    problems: list[tuple[str, str]] = []
    for index, position in enumerate(ring):
        where = f"{path}[{index}]"
        if (
            not isinstance(position, list)
            or len(position) < 2
            or not all(_is_number(v) for v in position[:2])
        ):
            problems.append((where, _("A position is [longitude, latitude] in degrees.")))
            continue
        lon, lat = float(position[0]), float(position[1])
        if not -180 <= lon <= 180:
            problems.append((where, _("The longitude must be between -180 and 180.")))
        if not -90 <= lat <= 90:
            problems.append((where, _("The latitude must be between -90 and 90.")))
    if problems:
        return problems
    if len(ring) < 4:
        return [(path, _("A ring needs at least four positions (the first repeated last)."))]
    if ring[0][:2] != ring[-1][:2]:
        return [(path, _("The ring is not closed: its last position must repeat its first."))]
    return []


def _polygon_problems(polygon: object, path: str) -> list[tuple[str, str]]:
    if not isinstance(polygon, list) or not polygon:
        return [(path, _("A polygon is a list of rings: the outer ring, then any holes."))]
    problems: list[tuple[str, str]] = []
    for index, ring in enumerate(polygon):
        problems.extend(_ring_problems(ring, f"{path}[{index}]"))
    return problems


def geometry_problems(geometry: object) -> list[tuple[str, str]]:
    """The problems of a boundary ``geometry`` as ``(path, message)``; empty when valid."""
    if not isinstance(geometry, Mapping):
        return [("geometry", _("The geometry must be a GeoJSON object."))]
    kind = geometry.get("type")
    if kind not in GEOMETRY_TYPES:
        return [("type", _("The geometry must be a Polygon or a MultiPolygon."))]
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        return _polygon_problems(coordinates, "coordinates")
    if not isinstance(coordinates, list) or not coordinates:
        return [("coordinates", _("A MultiPolygon is a list of polygons."))]
    problems: list[tuple[str, str]] = []
    for index, polygon in enumerate(coordinates):
        problems.extend(_polygon_problems(polygon, f"coordinates[{index}]"))
    return problems


def polygons(geometry: Mapping[str, Any]) -> list[Polygon]:
    """The polygons of a valid geometry, positions as ``(lon, lat)`` floats."""
    raw = geometry["coordinates"]
    shapes = [raw] if geometry["type"] == "Polygon" else raw
    return [[[(float(p[0]), float(p[1])) for p in ring] for ring in polygon] for polygon in shapes]


def _positions(geometry: Mapping[str, Any]) -> Iterator[Position]:
    for polygon in polygons(geometry):
        for ring in polygon:
            yield from ring


def bounding_box(geometry: Mapping[str, Any]) -> BoundingBox:
    """The bounding box of a valid geometry."""
    lons, lats = zip(*_positions(geometry), strict=True)
    return BoundingBox(min(lons), min(lats), max(lons), max(lats))


def _on_segment(lon: float, lat: float, a: Position, b: Position) -> bool:
    (x1, y1), (x2, y2) = a, b
    cross = (x2 - x1) * (lat - y1) - (y2 - y1) * (lon - x1)
    if abs(cross) > EDGE_TOLERANCE * max(1.0, math.hypot(x2 - x1, y2 - y1)):
        return False
    return (
        min(x1, x2) - EDGE_TOLERANCE <= lon <= max(x1, x2) + EDGE_TOLERANCE
        and min(y1, y2) - EDGE_TOLERANCE <= lat <= max(y1, y2) + EDGE_TOLERANCE
    )


def _ring_contains(ring: Sequence[Position], lon: float, lat: float) -> bool | None:
    """Ray casting: True inside, False outside, None on the ring itself."""
    inside = False
    for i in range(len(ring) - 1):
        a, b = ring[i], ring[i + 1]
        if _on_segment(lon, lat, a, b):
            return None
        (x1, y1), (x2, y2) = a, b
        if (y1 > lat) != (y2 > lat):
            crossing = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < crossing:
                inside = not inside
    return inside


def geometry_contains(geometry: Mapping[str, Any], lon: float, lat: float) -> bool:
    """Whether the point (``lon``, ``lat``) lies in the valid ``geometry`` (edges included)."""
    if not bounding_box(geometry).contains(lon, lat):
        return False
    for polygon in polygons(geometry):
        outer = _ring_contains(polygon[0], lon, lat)
        if outer is None:
            return True
        if not outer:
            continue
        in_hole = False
        for hole in polygon[1:]:
            if _ring_contains(hole, lon, lat):  # on a hole's edge counts as inside the region
                in_hole = True
                break
        if not in_hole:
            return True
    return False
