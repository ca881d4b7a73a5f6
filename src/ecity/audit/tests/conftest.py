"""Fixtures for the audit tests: a citizen, a reviewer in a department, an auditor."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from ecity.audit.registry import register_actions, unregister_actions
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory, UserFactory
from ecity.org.models import StaffRole

PASSWORD = "correct-horse-battery"

on_postgres = connection.vendor == "postgresql"
postgres_only = pytest.mark.skipif(not on_postgres, reason="needs PostgreSQL")
sqlite_only = pytest.mark.skipif(on_postgres, reason="SQLite behaviour")


# Actions of a make-believe app, declared for the tests of the trail's mechanics.
TEST_ACTIONS = {
    f"test.{name}": f"Test {name}"
    for name in ("event", "big", "concurrent", "fields", "float", "kept", "lost", "next")
} | {"test.one": "Test one", "test.two": "Test two"}


@pytest.fixture(autouse=True)
def _test_actions():
    register_actions(TEST_ACTIONS)
    yield
    unregister_actions(*TEST_ACTIONS)


@pytest.fixture(autouse=True)
def _default_language():
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def citizen(db):
    return UserFactory(username="citizen", real_name="张三", is_real_name_verified=True)


@pytest.fixture
def other_citizen(db):
    return UserFactory(username="other", real_name="李四", is_real_name_verified=True)


@pytest.fixture
def department(db):
    return DepartmentFactory(code="MSR", name_zh="市场监管局", name_en="Market Regulation")


@pytest.fixture
def reviewer(db, department):
    user = UserFactory(username="reviewer", real_name="王芳")
    StaffRoleFactory(user=user, department=department, role=StaffRole.Role.REVIEWER)
    return user


@pytest.fixture
def auditor(db, department):
    user = UserFactory(username="auditor", real_name="审计员")
    StaffRoleFactory(user=user, department=department, role=StaffRole.Role.AUDITOR)
    return user


@pytest.fixture
def platform_admin(db):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    StaffRoleFactory(user=user, department=None, role=StaffRole.Role.PLATFORM_ADMIN)
    return user
