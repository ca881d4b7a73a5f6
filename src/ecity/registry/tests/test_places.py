"""The places registry: addresses through the shared write path, boundaries, point in region."""

from __future__ import annotations

import pytest
from django.utils import translation

from ecity.audit.models import AuditEntry
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.core.models import OutboxEvent
from ecity.identity.tests.factories import StaffRoleFactory
from ecity.registry.models import (
    Address,
    RecordAttribute,
    RecordChange,
    RecordConflict,
    RegionBoundary,
)
from ecity.registry.selectors.places import (
    Location,
    address_location_check,
    address_locations_summary,
    address_search,
    region_at,
)
from ecity.registry.services.places import region_boundary_save
from ecity.registry.services.records import address_write

pytestmark = pytest.mark.django_db

CODE = "99010200010001"
NAMES = {
    "full_address": "示范市东城区人民大道150号",
    "region_code": "990102",
    "street": "人民大道",
    "house_number": "150号",
    "postal_code": "999101",
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _civil_write(places, **values):
    return address_write(
        actor=places["civil_admin"],
        department=places["civil"],
        source="import",
        code=CODE,
        values={**NAMES, **values},
    )


def _natural_write(places, code=CODE, **values):
    return address_write(
        actor=places["natural_admin"],
        department=places["natural"],
        source="counter",
        code=code,
        values=values,
    )


def test_each_authority_writes_its_own_values_authoritatively(places):
    # given civil affairs creates the address with its names
    created = _civil_write(places)
    # when natural resources adds the coordinates and confirms the region code
    _natural_write(places, region_code="990102", longitude="120.1", latitude="30.3")
    # then each value's provenance names its authority
    address = Address.objects.get(code=CODE)
    assert created.is_created
    assert address.longitude is not None and str(address.longitude) == "120.100000"
    provenance = {r.attribute: r for r in RecordAttribute.objects.filter(address=address)}
    assert provenance["full_address"].department == places["civil"]
    assert provenance["full_address"].is_authoritative
    assert provenance["longitude"].department == places["natural"]
    assert provenance["longitude"].is_authoritative
    assert provenance["region_code"].is_authoritative  # confirmed by its authority
    assert provenance["region_code"].department == places["natural"]
    assert address.version == 2
    assert set(
        RecordChange.objects.filter(address=address, version=2).values_list("attribute", flat=True)
    ) == {"longitude", "latitude"}
    assert AuditEntry.objects.filter(action="registry.address_changed").count() == 2
    assert OutboxEvent.objects.filter(name="registry.address_changed").count() == 2


def test_a_non_authority_value_disagreeing_is_a_conflict_not_a_change(places):
    # given the authoritative coordinates
    _civil_write(places)
    _natural_write(places, longitude="120.1", latitude="30.3")
    # when civil affairs writes other coordinates
    result = _civil_write(places, longitude="120.15", latitude="30.3")
    # then the value is kept and the disagreement listed
    address = Address.objects.get(code=CODE)
    assert str(address.longitude) == "120.100000"
    assert result.changed == []
    conflict = RecordConflict.objects.get(address=address, attribute="longitude")
    assert conflict.proposed_value == "120.150000"
    assert conflict.authoritative_value == "120.100000"
    assert conflict.proposed_department == places["civil"]


def test_bad_values_get_field_errors_and_nothing_is_written(places):
    with pytest.raises(ValidationFailed) as error:
        address_write(
            actor=places["civil_admin"],
            department=places["civil"],
            source="form",
            code="12AB",
            values={
                "region_code": "990199",
                "longitude": "200",
                "status": "demolished",
                "colour": "red",
            },
        )
    fields = error.value.fields
    assert set(fields) == {
        "code",
        "full_address",
        "region_code",
        "longitude",
        "status",
        "colour",
    }
    assert fields["region_code"] == [
        "990199 is not a region code of GB/T 2260 known to the platform."
    ]
    assert fields["longitude"] == ["A longitude is between -180 and 180 degrees."]
    assert Address.objects.count() == 0


def test_one_coordinate_without_the_other_is_refused(places):
    with pytest.raises(ValidationFailed) as error:
        _civil_write(places, longitude="120.1")
    assert error.value.fields == {"latitude": ["Give the longitude and the latitude together."]}
    assert Address.objects.count() == 0


def test_a_clerk_of_another_department_cannot_write_for_the_authority(places):
    outsider = StaffRoleFactory(role="counter_clerk").user
    with pytest.raises(PermissionDenied):
        address_write(
            actor=outsider, department=places["civil"], source="form", code=CODE, values=NAMES
        )
    assert Address.objects.count() == 0


def test_which_region_a_point_is_in_and_the_location_check(places):
    _civil_write(places)
    assert region_at(longitude=120.1, latitude=30.3).region_code == "990102"
    assert region_at(longitude=120.3, latitude=30.3).region_code == "990105"
    assert region_at(longitude=121.5, latitude=30.3) is None
    # an address whose point is in the other district is a finding, not a refusal
    _natural_write(places, longitude="120.3", latitude="30.3")
    check = address_location_check(address=Address.objects.get(code=CODE))
    assert check.state == Location.OUTSIDE
    assert check.found_region.region_code == "990105"
    assert check.message == "The coordinates lie outside the region, in 滨江区."
    summary = address_locations_summary()
    assert (summary.with_coordinates, summary.outside, summary.no_boundary) == (1, 1, 0)


def test_an_address_in_a_region_without_boundary_cannot_be_checked(places):
    RegionBoundary.objects.filter(region_code="990102").delete()
    _civil_write(places)
    _natural_write(places, longitude="120.1", latitude="30.3")
    check = address_location_check(address=Address.objects.get(code=CODE))
    assert check.state == Location.NO_BOUNDARY


def test_a_bad_boundary_is_refused_with_the_place_of_the_problem(places):
    with pytest.raises(ValidationFailed) as error:
        region_boundary_save(
            actor=places["natural_admin"],
            region_code="990188",
            geometry='{"type": "Polygon", "coordinates": [[[120, 30], [121, 30], [121, 31]]]}',
            source="",
            valid_from="2024-13-01",
        )
    fields = error.value.fields
    assert fields["geometry"] == [
        "coordinates[0]: A ring needs at least four positions (the first repeated last)."
    ]
    assert set(fields) == {"region_code", "geometry", "source", "valid_from"}
    assert not RegionBoundary.objects.filter(region_code="990188").exists()


def test_only_the_authority_of_region_codes_saves_boundaries(places):
    with pytest.raises(PermissionDenied):
        region_boundary_save(
            actor=places["civil_admin"],
            region_code="990102",
            geometry={"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
            source="民政局",
            valid_from="2025-01-01",
        )
    boundary = region_boundary_save(
        actor=places["natural_admin"],
        region_code="990102",
        geometry={"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
        source="界线调整",
        valid_from="2025-01-01",
    )
    assert (boundary.min_lon, boundary.max_lat) == (0, 1)
    assert AuditEntry.objects.filter(action="registry.region_boundary_saved").exists()


def test_staff_search_addresses_by_words_and_region(places):
    _civil_write(places)
    address_write(
        actor=places["civil_admin"],
        department=places["civil"],
        source="import",
        code="99010500010001",
        values={"full_address": "示范市滨江区江滨大道210号", "region_code": "990105"},
    )
    staff = places["natural_admin"]
    assert [a.code for a in address_search(actor=staff, text="人民 150号")] == [CODE]
    assert [a.code for a in address_search(actor=staff, region_code="9901")] == [
        CODE,
        "99010500010001",
    ]
    assert [a.code for a in address_search(actor=staff, text="99010500010001")] == [
        "99010500010001"
    ]
    from ecity.identity.tests.factories import UserFactory

    with pytest.raises(PermissionDenied):
        address_search(actor=UserFactory(), text="人民")


def test_the_authority_resolves_an_address_conflict_by_taking_the_proposed_value(places):
    from ecity.registry.services.disputes import conflict_resolve

    # given civil affairs proposed other coordinates than natural resources' authoritative ones
    _civil_write(places)
    _natural_write(places, longitude="120.1", latitude="30.3")
    _civil_write(places, longitude="120.15", latitude="30.3")
    conflict = RecordConflict.objects.get(address__code=CODE, attribute="longitude")
    # when natural resources takes the proposed value
    conflict_resolve(actor=places["natural_admin"], conflict=conflict, take=True)
    # then the address holds it, written as the authority's, and the conflict is resolved
    address = Address.objects.get(code=CODE)
    assert str(address.longitude) == "120.150000"
    conflict.refresh_from_db()
    assert conflict.status == RecordConflict.Status.RESOLVED
