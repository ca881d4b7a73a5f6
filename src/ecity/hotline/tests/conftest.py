"""Fixtures of the hotline tests: the hotline centre, its agent and dispatcher, a city."""

from __future__ import annotations

import pytest

from ecity.core.calendar import calendar_seed
from ecity.hotline.tests.factories import CategoryFactory
from ecity.identity.tests.factories import (
    DepartmentFactory,
    RegionFactory,
    StaffRoleFactory,
    UserFactory,
)
from ecity.org.models import Region, StaffRole


@pytest.fixture
def hotline(db):
    calendar_seed()
    city = RegionFactory(code="420100", name_zh="武汉市", level=Region.Level.CITY)
    district = RegionFactory(
        code="420102", name_zh="江岸区", level=Region.Level.DISTRICT, parent=city
    )
    street = RegionFactory(
        code="420102001", name_zh="大智街道", level=Region.Level.SUBDISTRICT, parent=district
    )
    community = RegionFactory(
        code="420102001001", name_zh="吉庆社区", level=Region.Level.COMMUNITY, parent=street
    )
    centre = DepartmentFactory(code="12345", name_zh="12345热线中心", region=city)
    urban = DepartmentFactory(code="CGJ", name_zh="城管局", region=city)
    office = DepartmentFactory(code="DZJD", name_zh="大智街道办事处", region=street)
    agent = StaffRoleFactory(department=centre, role=StaffRole.Role.HOTLINE_AGENT).user
    dispatcher = StaffRoleFactory(department=centre, role=StaffRole.Role.HOTLINE_DISPATCHER).user
    handler = StaffRoleFactory(department=urban, role=StaffRole.Role.TICKET_HANDLER).user
    noise = CategoryFactory(code="NOISE", name_zh="噪音扰民", department=urban, local=True)
    roads = CategoryFactory(code="ROADS", name_zh="道路维修", department=urban)
    return {
        "city": city,
        "district": district,
        "street": street,
        "community": community,
        "centre": centre,
        "urban": urban,
        "office": office,
        "agent": agent,
        "dispatcher": dispatcher,
        "handler": handler,
        "citizen": UserFactory(),
        "noise": noise,
        "roads": roads,
    }


@pytest.fixture(autouse=True)
def classifier_of_this_test_only(tmp_path, settings):
    """Each test starts without a trained dispatch classifier: the model lives under the data
    directory, which is this test's own (one trained by an earlier test of the same worker, or by
    the demo, would otherwise change this test's suggestions)."""
    settings.DATA_DIR = tmp_path
