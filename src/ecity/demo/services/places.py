"""The demo city's places registry: district boundaries and standard addresses.

Written through the registry's services as the authorities the shipped data elements name
(``ecity.registry.data.data_elements``): civil affairs (MZJ) writes each address's place names,
house number and status, natural resources (GTJ) its region code and coordinates, so every
value is authoritative and validated like real data; the boundaries are natural resources'.
"""

from __future__ import annotations

from ecity.demo.data import places
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.selectors.places import boundary_get
from ecity.registry.services.places import region_boundary_save
from ecity.registry.services.records import address_write

CIVIL_AFFAIRS = "MZJ"
NATURAL_RESOURCES = "GTJ"
SOURCE_REFERENCE = "示范市地名地址库（演示数据）"


def demo_places_ensure(*, actor: User) -> int:
    """Load the demo boundaries and addresses; return the addresses created.

    Idempotent: a boundary already held from the same date is left alone, and values already
    held are not written again. Runs after the registry metadata. ``actor``: the platform
    administrator.
    """
    for boundary in places.BOUNDARIES:
        if boundary_get(region_code=boundary.region_code) is not None:
            continue
        region_boundary_save(
            actor=actor,
            region_code=boundary.region_code,
            name=boundary.name,
            geometry={"type": "Polygon", "coordinates": [[list(p) for p in boundary.ring]]},
            source=places.BOUNDARY_SOURCE,
            valid_from=places.BOUNDARY_VALID_FROM,
        )
    civil_affairs = Department.objects.get(code=CIVIL_AFFAIRS)
    natural_resources = Department.objects.get(code=NATURAL_RESOURCES)
    created = 0
    for address in places.ADDRESSES:
        write = address_write(
            actor=actor,
            department=civil_affairs,
            source="import",
            source_reference=SOURCE_REFERENCE,
            code=address.code,
            values={
                "full_address": address.full_address,
                "region_code": address.region_code,
                "street": address.street,
                "house_number": address.house_number,
                "building": address.building,
                "unit": address.unit,
                "room": address.room,
                "postal_code": address.postal_code,
                "status": "in_force",
            },
        )
        created += write.is_created
        address_write(
            actor=actor,
            department=natural_resources,
            source="import",
            source_reference=SOURCE_REFERENCE,
            code=address.code,
            values={
                "region_code": address.region_code,
                "longitude": address.longitude,
                "latitude": address.latitude,
                "coordinate_system": "CGCS2000",
                "coordinate_source": address.coordinate_source,
            },
        )
    return created
