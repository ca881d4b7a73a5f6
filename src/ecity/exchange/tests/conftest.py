"""Fixtures for the exchange tests: a department with its administrator, a platform admin."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory
from ecity.org.models import StaffRole


@pytest.fixture(autouse=True)
def _default_language():
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def platform_admin(db):
    return StaffRoleFactory(department=None, role=StaffRole.Role.PLATFORM_ADMIN).user


@pytest.fixture
def department(db):
    return DepartmentFactory(code="GAJ", name_zh="市公安局", name_en="Public Security Bureau")


@pytest.fixture
def department_admin(department):
    return StaffRoleFactory(department=department, role=StaffRole.Role.DEPARTMENT_ADMIN).user
