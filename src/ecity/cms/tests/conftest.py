"""Fixtures: the city home, two department sub-sites with a news column, their staff."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from ecity.cms.models import ColumnPage, DepartmentSitePage, HomePage
from ecity.cms.services.permissions import department_permissions_sync
from ecity.cms.services.sites import column_add, department_site_create, home_ensure
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory, StaffUserFactory
from ecity.org.models import StaffRole


@dataclass
class DeptSite:
    department: Any
    site: DepartmentSitePage
    news: ColumnPage
    editor: Any
    reviewer: Any


def _dept_site(home: HomePage, code: str, name: str) -> DeptSite:
    department = DepartmentFactory(code=code, name_zh=name)
    site = department_site_create(
        actor=None, department=department, title=name, slug=code, contact_phone="027-12345678"
    )
    news = column_add(parent=site, title="新闻动态", slug="news")
    editor = StaffUserFactory()
    reviewer = StaffUserFactory()
    StaffRoleFactory(user=editor, department=department, role=StaffRole.Role.CONTENT_EDITOR)
    StaffRoleFactory(user=reviewer, department=department, role=StaffRole.Role.CONTENT_REVIEWER)
    department_permissions_sync(actor=None, department=department)
    return DeptSite(department, site, news, editor, reviewer)


@pytest.fixture
def home(db) -> HomePage:
    return home_ensure(title="武汉市人民政府")


@pytest.fixture
def dept_a(home) -> DeptSite:
    return _dept_site(home, "fgw", "市发展和改革委员会")


@pytest.fixture
def dept_b(home) -> DeptSite:
    return _dept_site(home, "jyj", "市教育局")
