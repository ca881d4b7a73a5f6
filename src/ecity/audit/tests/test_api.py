"""API: my data accesses; auditor search and verification."""

from __future__ import annotations

import pytest

from ecity.audit.models import AuditEntry
from ecity.audit.services import audit_record
from ecity.audit.tests.helpers import raw_sql, seal

pytestmark = pytest.mark.django_db


def test_my_data_api_lists_accesses_by_others_only(api_client, citizen, reviewer):
    # given a staff read of my ID number and my own read
    audit_record(
        actor=reviewer,
        action="personal_data.read",
        obj=citizen,
        subject=citizen,
        fields=["id_number"],
        reason="核验",
    )
    audit_record(actor=citizen, action="personal_data.read", subject=citizen)
    api_client.force_authenticate(citizen)
    # when I ask the API in English
    response = api_client.get("/api/v1/audit/my-data/?lang=en")
    # then only the staff read is listed, with department, name and labels, and no IP address
    assert response.status_code == 200
    assert response.data["count"] == 1
    item = response.data["results"][0]
    assert item["who"] == "王芳" and item["department"] == "市场监管局"
    assert item["action_label"] == "Personal data read"
    assert item["field_labels"] == ["resident ID number"]
    assert item["reason"] == "核验"
    assert "ip_address" not in item and "actor_username" not in item


def test_my_data_api_needs_authentication(api_client):
    response = api_client.get("/api/v1/audit/my-data/")
    assert response.status_code == 403
    assert response.data["code"] == "not_authenticated"


def test_entry_search_api_is_for_auditors_only(api_client, citizen):
    api_client.force_authenticate(citizen)
    response = api_client.get("/api/v1/audit/entries/")
    assert response.status_code == 403
    assert response.data["code"] == "permission_denied"


def test_entry_search_api_filters_validates_and_records(api_client, auditor, reviewer):
    audit_record(actor=reviewer, action="case.read", reason="x")
    audit_record(actor=reviewer, action="case_file.download")
    seal()
    api_client.force_authenticate(auditor)
    response = api_client.get("/api/v1/audit/entries/", {"action": "case.read"})
    assert response.status_code == 200
    assert [r["action"] for r in response.data["results"]] == ["case.read"]
    assert len(response.data["results"][0]["entry_hash"]) == 64
    assert AuditEntry.objects.filter(action="audit.searched", actor=auditor).count() == 1
    bad = api_client.get("/api/v1/audit/entries/", {"date_from": "yesterday"})
    assert bad.status_code == 400
    assert "date_from" in bad.data["fields"]


def test_verify_api_names_the_broken_entry(api_client, auditor):
    seal(*(audit_record(actor=None, action="test.event") for _ in range(4)))
    raw_sql("DELETE FROM audit_auditentry WHERE sequence = 2")
    api_client.force_authenticate(auditor)
    response = api_client.post("/api/v1/audit/verify/")
    assert response.status_code == 200
    assert response.data["ok"] is False
    assert response.data["first_broken_sequence"] == 3
    assert response.data["problem"] == "missing"
