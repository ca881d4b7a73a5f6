"""Region boundaries: GeoJSON validation with the place of each problem, point in region."""

from __future__ import annotations

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from ecity.registry import geo

SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]]}
WITH_HOLE = {
    "type": "Polygon",
    "coordinates": [
        [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
        [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]],
    ],
}
# An L shape: its bounding box holds points that are outside it.
L_SHAPE = {
    "type": "Polygon",
    "coordinates": [[[0, 0], [10, 0], [10, 3], [3, 3], [3, 10], [0, 10], [0, 0]]],
}


def _problems(geometry):
    with translation.override("en"):
        return geo.geometry_problems(geometry)


def test_a_closed_polygon_and_multipolygon_are_valid():
    assert _problems(SQUARE) == []
    assert _problems({"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]]}) == []


def test_an_open_ring_is_refused_naming_the_ring():
    open_ring = {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10]]]}
    assert _problems(open_ring) == [
        ("coordinates[0]", "The ring is not closed: its last position must repeat its first.")
    ]


def test_positions_out_of_range_are_refused_naming_each_position():
    bad = {"type": "Polygon", "coordinates": [[[0, 0], [190, 0], [10, 95], [0, 0]]]}
    assert _problems(bad) == [
        ("coordinates[0][1]", "The longitude must be between -180 and 180."),
        ("coordinates[0][2]", "The latitude must be between -90 and 90."),
    ]


def test_other_types_too_few_positions_and_non_numbers_are_refused():
    assert _problems({"type": "Point", "coordinates": [1, 2]}) == [
        ("type", "The geometry must be a Polygon or a MultiPolygon.")
    ]
    assert _problems({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}) == [
        ("coordinates[0]", "A ring needs at least four positions (the first repeated last).")
    ]
    assert _problems({"type": "Polygon", "coordinates": [[[0, "a"], [1, 1], [2, 0], [0, 0]]]})[
        0
    ] == ("coordinates[0][0]", "A position is [longitude, latitude] in degrees.")
    assert _problems("not json") == [("geometry", "The geometry must be a GeoJSON object.")]


def test_point_in_polygon_by_ray_casting():
    assert geo.geometry_contains(SQUARE, 5, 5)
    assert not geo.geometry_contains(SQUARE, 11, 5)
    assert geo.geometry_contains(SQUARE, 10, 5)  # on an edge: inside
    assert geo.geometry_contains(SQUARE, 0, 0)  # a vertex
    # inside the bounding box of the L, outside the L
    assert geo.geometry_contains(L_SHAPE, 1, 9)
    assert not geo.geometry_contains(L_SHAPE, 8, 8)


def test_a_point_in_a_hole_is_outside():
    assert not geo.geometry_contains(WITH_HOLE, 5, 5)
    assert geo.geometry_contains(WITH_HOLE, 2, 2)
    assert geo.geometry_contains(WITH_HOLE, 4, 5)  # on the hole's edge: still the region's


def test_a_multipolygon_contains_the_points_of_each_part():
    islands = {
        "type": "MultiPolygon",
        "coordinates": [SQUARE["coordinates"], [[[20, 20], [30, 20], [30, 30], [20, 20]]]],
    }
    assert geo.geometry_contains(islands, 5, 5)
    assert geo.geometry_contains(islands, 28, 22)
    assert not geo.geometry_contains(islands, 15, 15)
    assert geo.bounding_box(islands) == geo.BoundingBox(0, 0, 30, 30)


@given(
    st.floats(min_value=-20, max_value=30, allow_nan=False),
    st.floats(min_value=-20, max_value=30, allow_nan=False),
)
def test_the_square_contains_exactly_the_points_within_its_sides(lon, lat):
    assert geo.geometry_contains(SQUARE, lon, lat) == (0 <= lon <= 10 and 0 <= lat <= 10)
