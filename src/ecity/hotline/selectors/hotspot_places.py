"""Repeated complaints about one place (重复投诉地点), for the hotspot page.

A place is the same address, or tickets within ``NEAR_METRES`` of one another (haversine on
latitude/longitude), at least ``REPEAT_MIN`` times in the ``REPEAT_DAYS`` days up to a day.
Who may read it: as ``selectors.hotspots.can_view_statistics`` (the callers check).

Counting every ticket's neighbours must not compare every ticket with every other one (a
month of a large city's hotline is about 100,000 tickets): the tickets are put in a grid of
cells one box (``BOX_LAT`` × ``BOX_LON``, a little more than ``NEAR_METRES``) wide, so a
ticket's neighbours lie in its own cell or the eight around it, and the database compares only
those pairs (one grouped query, joined on cell numbers).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Max, Min, QuerySet
from django.db.models.expressions import Combinable, Value
from django.db.models.functions import Trim

from ecity.hotline.models import Ticket
from ecity.hotline.selectors.hotspots import (
    EARTH_RADIUS_M,
    NEAR_METRES,
    REPEAT_DAYS,
    REPEAT_MIN,
    Period,
    distance_metres,
    tickets_in,
)

# A box a little wider than NEAR_METRES around a point (up to ~60° latitude), so that the
# database compares only close tickets before the exact haversine distance.
BOX_LAT = Decimal("0.00046")
BOX_LON = Decimal("0.00100")
#: Tickets with most neighbours considered as the centres of places.
CENTRE_LIMIT = 500


@dataclass
class Place:
    """Tickets about one place: the same address, or within ``NEAR_METRES`` of a ticket."""

    kind: str  # "address" or "near"
    address: str
    count: int
    first_at: dt.datetime | None
    last_at: dt.datetime | None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    numbers: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


def _near(tickets: QuerySet[Ticket], lat: Combinable, lon: Combinable) -> QuerySet[Ticket]:
    return (
        tickets.filter(
            latitude__gte=lat - BOX_LAT,
            latitude__lte=lat + BOX_LAT,
            longitude__gte=lon - BOX_LON,
            longitude__lte=lon + BOX_LON,
        )
        .annotate(distance=distance_metres(lat, lon))
        .filter(distance__lte=NEAR_METRES)
    )


def _centres(located: QuerySet[Ticket]) -> list[tuple[int, Decimal, Decimal]]:
    """(pk, latitude, longitude) of the located tickets with at least ``REPEAT_MIN`` tickets
    (themselves included) within ``NEAR_METRES``, most neighbours first, then newest.

    One query: each ticket is joined to the tickets of its own and the eight neighbouring grid
    cells only, and the exact haversine distance decides.
    """
    columns = {"t_id": F("pk"), "t_lat": F("latitude"), "t_lon": F("longitude")}
    rows = located.annotate(**columns, t_at=F("received_at")).values(*columns, "t_at")
    inner, params = rows.query.sql_with_params()
    distance = (
        "2 * %s * ASIN(SQRT(POWER(SIN(RADIANS(b.lat - a.lat) / 2), 2) + COS(RADIANS(a.lat))"
        " * COS(RADIANS(b.lat)) * POWER(SIN(RADIANS(b.lon - a.lon) / 2), 2)))"
    )
    # Only the ORM's own SQL and the fixed distance are put in; every value is bound.
    sql = f"""
        WITH w AS (
            SELECT s.t_id AS id, s.t_at AS at,
                   CAST(s.t_lat AS DOUBLE PRECISION) AS lat,
                   CAST(s.t_lon AS DOUBLE PRECISION) AS lon,
                   CAST(FLOOR(s.t_lat / %s) AS INTEGER) AS cy,
                   CAST(FLOOR(s.t_lon / %s) AS INTEGER) AS cx
            FROM ({inner}) s
        ),
        o AS (SELECT -1 AS d UNION ALL SELECT 0 UNION ALL SELECT 1)
        SELECT a.id, a.lat, a.lon, COUNT(*) AS n, MAX(a.at) AS at
        FROM w a CROSS JOIN o oy CROSS JOIN o ox
        JOIN w b ON b.cy = a.cy + oy.d AND b.cx = a.cx + ox.d
        WHERE ABS(b.lat - a.lat) <= %s AND ABS(b.lon - a.lon) <= %s AND {distance} <= %s
        GROUP BY a.id, a.lat, a.lon
        HAVING COUNT(*) >= %s
        ORDER BY n DESC, at DESC, a.id
        LIMIT %s
    """  # noqa: S608
    box = [float(BOX_LAT), float(BOX_LON)]
    values = [*box, *params, *box, EARTH_RADIUS_M, NEAR_METRES, REPEAT_MIN]
    values.append(CENTRE_LIMIT)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return [(pk, Decimal(str(lat)), Decimal(str(lon))) for pk, lat, lon, _n, _at in cursor]


def repeated_places(*, end: dt.date | None = None, limit: int = 20) -> list[Place]:
    """Return places with at least ``REPEAT_MIN`` tickets in the ``REPEAT_DAYS`` up to ``end``.

    Places within ``NEAR_METRES`` first (grouped around the ticket with most neighbours, each
    ticket in one group), then the same address (trimmed) where its tickets are not all in a
    group already; most tickets first.
    """
    window = tickets_in(Period.last_days(REPEAT_DAYS, end))
    located = window.filter(latitude__isnull=False, longitude__isnull=False)
    places: list[Place] = []
    covered: set[int] = set()
    for pk, lat, lon in _centres(located):
        if pk in covered or len(places) >= limit:
            continue
        members = list(
            _near(located, Value(lat), Value(lon))
            .exclude(pk__in=covered)
            .order_by("-received_at")
            .values_list("pk", "received_at", "address", "number", "category__name_zh")
        )
        if len(members) < REPEAT_MIN:
            continue
        covered.update(row[0] for row in members)
        address = next((row[2] for row in members if row[2]), "")
        place = Place("near", address, len(members), members[-1][1], members[0][1], lat, lon)
        place.numbers = [row[3] for row in members[:10]]
        place.categories = [
            name for name, _n in Counter(row[4] for row in members[:50] if row[4]).most_common(3)
        ]
        places.append(place)
    by_address = (
        window.annotate(place=Trim("address"))
        .exclude(place="")
        .values("place")
        .annotate(n=Count("id"), first=Min("received_at"), last=Max("received_at"))
        .filter(n__gte=REPEAT_MIN)
        .order_by("-n", "place")[:limit]
    )
    rows = list(by_address)
    at_address: dict[str, list[tuple[int, str, str | None]]] = {r["place"]: [] for r in rows}
    same = (
        window.annotate(place=Trim("address"))
        .filter(place__in=list(at_address))
        .order_by("-received_at")
        .values_list("place", "pk", "number", "category__name_zh")
    )
    for address, pk, number, category in same:  # one read for every address
        at_address[address].append((pk, number, category))
    for row in rows:
        tickets = at_address[row["place"]]
        if covered and all(pk in covered for pk, _n, _c in tickets):
            continue
        place = Place("address", row["place"], row["n"], row["first"], row["last"])
        place.numbers = [number for _pk, number, _c in tickets[:10]]
        place.categories = [
            name for name, _n in Counter(c for _p, _x, c in tickets[:50] if c).most_common(3)
        ]
        places.append(place)
    places.sort(key=lambda p: (-p.count, p.kind, p.address))
    return places[:limit]
