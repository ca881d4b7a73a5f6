"""Back office: data administrators see the registries read-only and masked; nobody else."""

from __future__ import annotations

import pytest

from ecity.identity.tests.factories import (
    DepartmentFactory,
    StaffRoleFactory,
    StaffUserFactory,
    id_number_for,
)
from ecity.org.models import StaffRole
from ecity.registry.services.records import person_write

pytestmark = pytest.mark.django_db

ID_NUMBER = id_number_for(351)


@pytest.fixture
def person():
    police = DepartmentFactory(code="GA")
    return person_write(
        actor=StaffRoleFactory(department=police, role="department_admin").user,
        department=police,
        source="counter",
        id_number=ID_NUMBER,
        values={"name": "郑十一", "phone": "13900000351", "address": "示范市东城区和平路35号"},
    ).record


def _staff(role: str):
    user = StaffUserFactory(is_staff=True)
    department = None if role == StaffRole.Role.PLATFORM_ADMIN else DepartmentFactory()
    StaffRoleFactory(user=user, department=department, role=role)
    return user


def test_a_data_administrator_sees_a_person_and_the_change_log_masked(client, person):
    client.force_login(_staff(StaffRole.Role.DEPARTMENT_ADMIN))

    listing = client.get("/admin/registry/person/")
    detail = client.get(f"/admin/registry/person/{person.pk}/change/")

    page = detail.content.decode()
    assert (listing.status_code, detail.status_code) == (200, 200)
    assert person.id_number_masked in listing.content.decode()
    assert "139****0351" in page and "郑**" in page and "示范市东城区****" in page
    for personal in (ID_NUMBER, "13900000351", "郑十一", "和平路35号"):
        assert personal not in page
    assert 'name="_save"' not in page  # read-only: no save button


def test_a_reviewer_does_not_see_the_registries_and_nobody_adds_a_person(client, person):
    client.force_login(_staff(StaffRole.Role.REVIEWER))
    reviewer_sees = client.get("/admin/registry/person/").status_code
    client.force_login(_staff(StaffRole.Role.PLATFORM_ADMIN))

    assert reviewer_sees == 403
    assert client.get("/admin/registry/person/add/").status_code == 403
