"""Writes of org: regions and departments created or refreshed by code (setting up a city)."""

from __future__ import annotations

import pytest
from django.utils import translation

from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.core.validators import uscc_check_char
from ecity.identity.tests.factories import StaffRoleFactory, UserFactory
from ecity.org import services
from ecity.org.models import Department, Region, StaffRole

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English (the msgids)."""
    with translation.override("en"):
        yield


@pytest.fixture
def admin():
    user = UserFactory(username="root")
    StaffRoleFactory(user=user, department=None, role=StaffRole.Role.PLATFORM_ADMIN)
    return user


@pytest.fixture
def city(admin):
    region, _created = services.region_ensure(
        actor=admin, code="990100", name_zh="示范市", name_en="Shifan City", level="city"
    )
    return region


def _uscc(body17: str) -> str:
    return body17 + uscc_check_char(body17)


def test_region_ensure_creates_then_refreshes_by_code(admin, city):
    # Given a district
    district, created = services.region_ensure(
        actor=admin, code="990102", name_zh="东城区", level="district", parent=city
    )
    assert created
    # When the same code comes again with other names
    again, created_again = services.region_ensure(
        actor=admin,
        code="990102",
        name_zh=" 东城新区 ",
        name_en="Dongcheng",
        level="district",
        parent=city,
    )

    # Then the row is updated in place
    assert (again.pk, created_again) == (district.pk, False)
    district.refresh_from_db()
    assert (district.name_zh, district.name_en, district.parent) == ("东城新区", "Dongcheng", city)
    assert Region.objects.count() == 2


def test_region_ensure_validates_level_and_name(admin):
    with pytest.raises(ValidationFailed) as excinfo:
        services.region_ensure(actor=admin, code="990199", name_zh="", level="planet")

    assert set(excinfo.value.fields) == {"name_zh", "level"}
    assert not Region.objects.exists()


def test_department_ensure_creates_then_restores_and_reactivates(admin, city):
    scj, created = services.department_ensure(
        actor=admin, code="SCJ", name_zh="示范市市场监督管理局", region=city, sort_order=10
    )
    assert created
    Department.objects.filter(pk=scj.pk).update(name_zh="改过的名字", is_active=False)

    # When
    again, created_again = services.department_ensure(
        actor=admin,
        code="SCJ",
        name_zh="示范市市场监督管理局",
        short_name="市市场监管局",
        region=city,
        sort_order=10,
    )

    # Then
    assert (again.pk, created_again) == (scj.pk, False)
    scj.refresh_from_db()
    assert (scj.name_zh, scj.short_name, scj.is_active, scj.uscc) == (
        "示范市市场监督管理局",
        "市市场监管局",
        True,
        "",
    )


def test_department_ensure_keeps_the_uscc_unless_given_and_validates_it(admin, city):
    uscc = _uscc("11990100000000001")
    services.department_ensure(
        actor=admin, code="SCJ", name_zh="市场监管局", region=city, uscc=uscc
    )
    services.department_ensure(actor=admin, code="SCJ", name_zh="市场监管局", region=city)
    assert Department.objects.get(code="SCJ").uscc == uscc

    with pytest.raises(ValidationFailed) as excinfo:
        services.department_ensure(
            actor=admin, code="SCJ", name_zh="市场监管局", region=city, uscc="not-a-uscc"
        )

    assert list(excinfo.value.fields) == ["uscc"]
    assert Department.objects.get(code="SCJ").uscc == uscc


def test_a_department_cannot_be_its_own_parent(admin, city):
    scj, _ = services.department_ensure(actor=admin, code="SCJ", name_zh="市场监管局", region=city)

    with pytest.raises(ValidationFailed) as excinfo:
        services.department_ensure(
            actor=admin, code="SCJ", name_zh="市场监管局", region=city, parent=scj
        )

    assert list(excinfo.value.fields) == ["parent"]


def test_department_uscc_set_records_a_valid_code(admin, city):
    scj, _ = services.department_ensure(actor=admin, code="SCJ", name_zh="市场监管局", region=city)
    uscc = _uscc("11990100000000002")

    services.department_uscc_set(actor=admin, department=scj, uscc=uscc.lower())

    scj.refresh_from_db()
    assert scj.uscc == uscc
    with pytest.raises(ValidationFailed):
        services.department_uscc_set(actor=admin, department=scj, uscc=uscc[:-1] + "0")
    scj.refresh_from_db()
    assert scj.uscc == uscc


def test_only_platform_admins_set_up_regions_and_departments(admin, city):
    department_admin = UserFactory()
    scj, _ = services.department_ensure(actor=admin, code="SCJ", name_zh="市场监管局", region=city)
    StaffRoleFactory(user=department_admin, department=scj, role=StaffRole.Role.DEPARTMENT_ADMIN)

    with pytest.raises(PermissionDenied):
        services.region_ensure(
            actor=department_admin, code="990105", name_zh="滨江区", level="district"
        )
    with pytest.raises(PermissionDenied):
        services.department_ensure(
            actor=department_admin, code="SCJ", name_zh="别的名字", region=city
        )
    with pytest.raises(PermissionDenied):
        services.department_uscc_set(
            actor=department_admin, department=scj, uscc=_uscc("11990100000000003")
        )

    scj.refresh_from_db()
    assert (scj.name_zh, scj.uscc) == ("市场监管局", "")
    assert not Region.objects.filter(code="990105").exists()
