"""Upgrading a database of the previous version: regions, departments and staff roles move from
identity to org without touching their rows, and their content types follow."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from ecity.org.models import Department, Region, StaffRole
from ecity.testing.migrations import migrate_empty_to, migrate_to_latest

# Upgrades from older schemas: run on PostgreSQL (scripts/test.sh; see its note on SQLite).
pytestmark = pytest.mark.migrations

BEFORE = [("org", None)]  # identity 0006 and every app before the move


@pytest.fixture
def back_to_latest():
    yield
    migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_upgrade_keeps_organisations_roles_and_their_content_types(back_to_latest):
    # given a database of the previous version, with organisations and a staff role in identity
    # an empty database of the old schema (faster than migrating back; no row is made later)
    state = migrate_empty_to(BEFORE).apps
    old_region = state.get_model("identity", "Region").objects.create(
        code="990100", name_zh="示范市", level="city"
    )
    old_department = state.get_model("identity", "Department").objects.create(
        code="SCJ", name_zh="市市场监督管理局", region=old_region
    )
    user = state.get_model("identity", "User").objects.create(username="reviewer", password="!")
    old_role = state.get_model("identity", "StaffRole").objects.create(
        user=user, department=old_department, role="reviewer"
    )
    old_type, _ = state.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="identity", model="staffrole"
    )

    # when the database is upgraded
    migrate_to_latest()

    # then the same rows are there under org, and the content type (permissions) moved along
    department = Department.objects.get(code="SCJ")
    assert department.pk == old_department.pk
    assert department.region == Region.objects.get(code="990100")
    role = StaffRole.objects.get(pk=old_role.pk)
    assert (role.department_id, role.role, role.user.username) == (
        department.pk,
        "reviewer",
        "reviewer",
    )
    moved = ContentType.objects.get(pk=old_type.pk)
    assert (moved.app_label, moved.model) == ("org", "staffrole")
    assert moved.model_class() is StaffRole
