"""audit_verify and audit_export on the command line."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ecity.audit.models import AuditEntry
from ecity.audit.services import audit_record
from ecity.audit.tests.conftest import postgres_only
from ecity.audit.tests.helpers import raw_sql, seal

pytestmark = pytest.mark.django_db


def test_audit_verify_succeeds_on_an_intact_chain():
    seal(*(audit_record(actor=None, action="test.event") for _ in range(3)))
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "audit chain intact: 3 entries checked" in out.getvalue()
    # the verification itself was recorded afterwards
    assert AuditEntry.objects.filter(action="audit.verified").count() == 1


def test_audit_verify_exits_1_naming_the_first_broken_entry():
    seal(*(audit_record(actor=None, action="test.event") for _ in range(6)))
    raw_sql("UPDATE audit_auditentry SET reason = 'tampered' WHERE sequence = 4")
    with pytest.raises(CommandError) as excinfo:
        call_command("audit_verify", "--no-record")
    assert excinfo.value.returncode == 1
    assert str(excinfo.value).startswith("first broken entry: #4 (")
    assert not AuditEntry.objects.filter(action="audit.verified").exists()


@postgres_only
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_audit_verify_exit_codes_from_the_command_line():
    # given a committed chain that a separate process can read
    for _ in range(3):
        audit_record(actor=None, action="test.event")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "ecity.conf.test"}
    command = [sys.executable, str(Path(settings.BASE_DIR).parent.parent / "manage.py")]

    def run() -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603
            [*command, "audit_verify", "--no-record"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=120,
        )

    # then an intact chain exits 0
    intact = run()
    assert intact.returncode == 0, intact.stderr
    assert "3 entries checked" in intact.stdout
    # and a tampered one exits 1 naming the entry
    raw_sql("UPDATE audit_auditentry SET reason = 'x' WHERE sequence = 2")
    broken = run()
    assert broken.returncode == 1
    assert "first broken entry: #2" in broken.stderr


def test_audit_export_writes_csv_with_bom(tmp_path):
    audit_record(actor=None, action="case.read", reason="第一")
    target = tmp_path / "audit.csv"
    err = io.StringIO()
    call_command("audit_export", "--format", "csv", "--output", str(target), stderr=err)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("\ufeffsequence,occurred_at,action")
    assert "第一" in text
    # the export recorded itself before reading, so it is in the file too
    assert "audit.exported" in text
    assert "exported 2 entries" in err.getvalue()


def test_audit_export_jsonl_by_date_range(tmp_path):
    entry = audit_record(actor=None, action="case.read")
    day = entry.occurred_at.astimezone().date().isoformat()
    target = tmp_path / "audit.jsonl"
    call_command(
        "audit_export",
        "--since",
        day,
        "--until",
        day,
        "--format",
        "jsonl",
        "--action",
        "case.",
        "--output",
        str(target),
    )
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["entry_hash"] for r in records] == [entry.entry_hash]
    call_command(
        "audit_export",
        "--since",
        "2000-01-01",
        "--until",
        "2000-01-02",
        "--format",
        "jsonl",
        "--action",
        "case.",
        "--output",
        str(target),
    )
    assert target.read_text(encoding="utf-8") == ""


def test_audit_export_refuses_bad_dates():
    with pytest.raises(CommandError, match="not a date"):
        call_command("audit_export", "--since", "yesterday")
    with pytest.raises(CommandError, match="after"):
        call_command("audit_export", "--since", "2025-02-02", "--until", "2025-02-01")
