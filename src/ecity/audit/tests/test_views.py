"""Pages: who looked at my data; auditor search, export and verification."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from ecity.audit.models import AuditEntry
from ecity.audit.services import audit_record
from ecity.audit.tests.helpers import raw_sql, seal

pytestmark = pytest.mark.django_db


def _entries_after_login(**filters):
    return AuditEntry.objects.exclude(action__startswith="auth.").filter(**filters)


# --- who looked at my data ---------------------------------------------------------------------


def test_my_data_shows_staff_reads_but_not_my_own_nor_other_peoples(
    client, citizen, other_citizen, reviewer
):
    # given a reviewer who read my phone number, my own read, and a read of someone else's data
    audit_record(
        actor=reviewer,
        action="personal_data.read",
        obj=citizen,
        subject=citizen,
        fields=["phone"],
        reason="电话回访核实",
    )
    audit_record(actor=citizen, action="personal_data.read", subject=citizen, reason="自己查看")
    audit_record(
        actor=reviewer, action="personal_data.read", subject=other_citizen, reason="他人数据"
    )
    audit_record(actor=reviewer, action="role.granted", subject=citizen, reason="不是数据访问")
    # when I open "who looked at my data"
    client.force_login(citizen)
    response = client.get(reverse("audit:my_data"))
    # then I see the department and name of the reviewer, what and why; nothing else
    assert response.status_code == 200
    page = response.content.decode()
    assert "市场监管局 · 王芳" in page
    assert "电话回访核实" in page
    assert "账号" in page and "手机号码" in page
    assert "自己查看" not in page
    assert "他人数据" not in page
    assert "不是数据访问" not in page
    assert list(response.context["page"].object_list.values_list("reason", flat=True)) == [
        "电话回访核实"
    ]


def test_my_data_in_english(client, citizen, reviewer):
    audit_record(
        actor=reviewer, action="personal_data.read", obj=citizen, subject=citizen, fields=["phone"]
    )
    client.force_login(citizen)
    response = client.get("/en" + reverse("audit:my_data"))
    page = response.content.decode()
    assert "Who looked at my data" in page
    assert "Personal data read" in page and "mobile phone" in page


def test_my_data_requires_login(client):
    response = client.get(reverse("audit:my_data"))
    assert response.status_code == 302
    assert reverse("identity:login") in response["Location"]


def test_my_data_is_paginated(client, citizen, reviewer):
    for i in range(25):
        audit_record(actor=reviewer, action="case.read", subject=citizen, reason=f"r{i}")
    client.force_login(citizen)
    first = client.get(reverse("audit:my_data"))
    second = client.get(reverse("audit:my_data"), {"page": 2})
    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 5
    assert "?page=2" in first.content.decode()


# --- auditor pages -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["audit:search", "audit:verify", "audit:export_csv"])
def test_citizens_and_other_staff_cannot_use_auditor_pages(client, citizen, reviewer, name):
    for user in (citizen, reviewer):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403
    assert not AuditEntry.objects.filter(action__startswith="audit.").exists()


def test_auditor_search_filters_and_is_itself_recorded(client, auditor, citizen, reviewer):
    # given reads of the citizen's data and unrelated events
    audit_record(actor=reviewer, action="personal_data.read", subject=citizen, reason="甲")
    audit_record(actor=reviewer, action="case.read", reason="乙")
    client.force_login(auditor)
    # when the auditor searches by the subject's ID number and an action
    response = client.get(
        reverse("audit:search"), {"subject": citizen.id_number, "action": "personal_data.read"}
    )
    # then exactly the matching entry is listed
    assert response.status_code == 200
    reasons = [e.reason for e in response.context["page"].object_list]
    assert reasons == ["甲"]
    # and the search is recorded with the names of the criteria, not the ID number
    searched = AuditEntry.objects.get(action="audit.searched")
    assert searched.actor == auditor
    assert searched.data == {"filters": ["subject", "action"], "page": 1}
    assert citizen.id_number not in repr(AuditEntry.objects.filter(pk=searched.pk).values().get())


def test_search_by_actor_date_and_prefix(client, auditor, reviewer):
    audit_record(actor=reviewer, action="case.read")
    audit_record(actor=reviewer, action="case_file.download")
    audit_record(actor=None, action="case.read")
    client.force_login(auditor)
    response = client.get(reverse("audit:search"), {"actor": "reviewer", "action": "case."})
    assert [e.action for e in response.context["page"].object_list] == ["case.read"]


def test_invalid_search_shows_errors(client, auditor):
    client.force_login(auditor)
    response = client.get(
        reverse("audit:search"), {"date_from": "2025-05-02", "date_to": "2025-05-01"}
    )
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert not AuditEntry.objects.filter(action="audit.searched").exists()


def test_platform_admin_is_an_auditor(client, platform_admin):
    client.force_login(platform_admin)
    assert client.get(reverse("audit:search")).status_code == 200


def test_export_csv_has_bom_and_matching_rows_and_is_recorded(client, auditor, reviewer, citizen):
    # given two entries, one with a login name that would be a spreadsheet formula
    audit_record(actor=reviewer, action="personal_data.read", subject=citizen, fields=["phone"])
    from ecity.audit.services import audit_login_failed

    audit_login_failed(login_name="=HYPERLINK(1)", request=None)
    client.force_login(auditor)
    # when the auditor exports the personal-data reads as CSV
    response = client.get(reverse("audit:export_csv"), {"action": "personal_data."})
    # then the file starts with a BOM and has a header and exactly the matching row
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert [(r["action"], r["actor_username"], r["fields"]) for r in rows] == [
        ("personal_data.read", "reviewer", "phone")
    ]
    assert rows[0]["subject_username"] == "citizen"
    # and the export itself is in the trail
    exported = AuditEntry.objects.get(action="audit.exported")
    assert exported.actor == auditor
    assert exported.data == {"filters": ["action"], "format": "csv"}
    # and formula-like cells are neutralised in a full export
    everything = b"".join(client.get(reverse("audit:export_csv")).streaming_content).decode()
    assert "'=HYPERLINK(1)" in everything


def test_export_jsonl_lines_carry_hashes(client, auditor, reviewer):
    entry = audit_record(actor=reviewer, action="case.read")
    client.force_login(auditor)
    response = client.get(reverse("audit:export_jsonl"), {"action": "case.read"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["sequence"] for r in records] == [entry.sequence]
    assert records[0]["entry_hash"] == entry.entry_hash


def test_verify_page_names_the_first_broken_entry(client, auditor):
    seal(*(audit_record(actor=None, action="test.event", data={"i": i}) for i in range(5)))
    raw_sql("UPDATE audit_auditentry SET action = 'test.forged' WHERE sequence = 3")
    client.force_login(auditor)
    assert client.get(reverse("audit:verify")).status_code == 200
    response = client.post(reverse("audit:verify"))
    page = response.content.decode()
    assert response.context["result"].first_broken_sequence == 3
    assert "第一条异常记录：第 3 条" in page
    assert AuditEntry.objects.filter(action="audit.verified").count() == 1


def test_verify_page_reports_an_intact_chain(client, auditor):
    audit_record(actor=None, action="test.event")
    client.force_login(auditor)
    response = client.post(reverse("audit:verify"))
    assert response.context["result"].ok
