"""Fixtures for the identity tests: a few people and organisations with known roles."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from ecity.identity.models import AgentAuthorisation
from ecity.identity.tests.factories import (
    AgentAuthorisationFactory,
    DepartmentFactory,
    LegalEntityFactory,
    StaffRoleFactory,
    StaffUserFactory,
    UserFactory,
)
from ecity.org.models import StaffRole

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language.

    A request to an /en/ page leaves English active in the thread, which would make later
    ``reverse()`` calls produce /en/ addresses.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def citizen(db):
    """A real-name verified citizen (level 2), as most journeys need."""
    return UserFactory(username="citizen", is_real_name_verified=True)


@pytest.fixture
def enterprise_a(db, citizen):
    entity = LegalEntityFactory(name="甲公司", verified=True)
    AgentAuthorisationFactory(
        legal_entity=entity, user=citizen, role=AgentAuthorisation.Role.LEGAL_REPRESENTATIVE
    )
    return entity


@pytest.fixture
def enterprise_b(db):
    entity = LegalEntityFactory(name="乙公司", verified=True)
    AgentAuthorisationFactory(
        legal_entity=entity,
        user__is_real_name_verified=True,
        role=AgentAuthorisation.Role.ADMINISTRATOR,
    )
    return entity


@pytest.fixture
def platform_admin(db):
    user = StaffUserFactory(username="root", is_staff=True)
    StaffRoleFactory(user=user, department=None, role=StaffRole.Role.PLATFORM_ADMIN)
    return user


@pytest.fixture
def department(db):
    return DepartmentFactory(code="MSR", name_zh="市场监管局")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(code="HRSS", name_zh="人社局")


@pytest.fixture
def department_admin(db, department):
    user = StaffUserFactory(username="deptadmin", is_staff=True)
    StaffRoleFactory(user=user, department=department, role=StaffRole.Role.DEPARTMENT_ADMIN)
    return user


@pytest.fixture
def clerk(db, department):
    """A counter clerk (受理窗口), who verifies people and enterprises at the counter."""
    user = UserFactory(username="clerk", real_name="窗口员", is_real_name_verified=True)
    StaffRoleFactory(user=user, department=department, role=StaffRole.Role.COUNTER_CLERK)
    return user
