"""Fixtures of the registry tests: metadata loaded through the real services."""

from __future__ import annotations

import pytest

from ecity.identity.tests.factories import DepartmentFactory
from ecity.registry.services.metadata import data_elements_load_shipped


@pytest.fixture
def metadata(db):
    """The shipped code lists and data elements, with the police and market departments."""
    police = DepartmentFactory(code="GAJ", name_zh="示范市公安局", name_en="Public Security")
    market = DepartmentFactory(code="SCJ", name_zh="示范市市场监督管理局", name_en="Market")
    data_elements_load_shipped(actor=None)
    return {"police": police, "market": market}


@pytest.fixture
def people(metadata):
    """The police's data administrator, the market regulator's, and two platform reviewers."""
    from ecity.identity.tests.factories import StaffRoleFactory
    from ecity.org.models import StaffRole

    def admin_of(department):
        return StaffRoleFactory(department=department, role=StaffRole.Role.DEPARTMENT_ADMIN).user

    def platform_admin():
        return StaffRoleFactory(department=None, role=StaffRole.Role.PLATFORM_ADMIN).user

    return {
        "police_admin": admin_of(metadata["police"]),
        "market_admin": admin_of(metadata["market"]),
        "reviewer": platform_admin(),
        "other_reviewer": platform_admin(),
    }
