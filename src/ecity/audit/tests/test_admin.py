"""The admin shows the trail read-only and verifies the chain."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecity.audit.models import AuditEntry
from ecity.audit.services import audit_record
from ecity.audit.tests.helpers import raw_sql, seal

pytestmark = pytest.mark.django_db


def test_admin_lists_entries_read_only_and_records_the_view(client, platform_admin):
    entry = audit_record(actor=None, action="case.read", reason="x")
    client.force_login(platform_admin)
    listing = client.get(reverse("admin:audit_auditentry_changelist"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "case.read" in page
    assert reverse("admin:audit_auditentry_verify") in page
    assert reverse("admin:audit_auditentry_add") not in page
    detail = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    assert detail.status_code == 200
    assert b'name="reason"' not in detail.content  # read-only: no form inputs
    # POSTing changes or deleting is refused
    assert client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
    assert AuditEntry.objects.filter(action="audit.searched", actor=platform_admin).exists()


def test_admin_verify_view_names_the_broken_entry(client, platform_admin):
    seal(*(audit_record(actor=None, action="test.event") for _ in range(3)))
    raw_sql("UPDATE audit_auditentry SET reason = 'x' WHERE sequence = 1")
    client.force_login(platform_admin)
    response = client.post(reverse("admin:audit_auditentry_verify"))
    assert response.status_code == 200
    assert response.context["result"].first_broken_sequence == 1
    assert "第一条异常记录：第 1 条" in response.content.decode()


def test_staff_without_auditor_role_cannot_see_the_trail(client, department):
    from ecity.identity.tests.factories import StaffRoleFactory, UserFactory
    from ecity.org.models import StaffRole

    user = UserFactory(username="deptadmin", is_staff=True)
    StaffRoleFactory(user=user, department=department, role=StaffRole.Role.DEPARTMENT_ADMIN)
    client.force_login(user)
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_verify")).status_code == 403
