"""Signed checkpoints of the chain head catch what the chain alone cannot (issue 8, audit gaps).

An attacker with write access to the database cuts the tail of the chain (and moves the head
back), or rewrites an entry and recomputes every later hash and the head: the chain alone then
verifies as intact. The checkpoint file, signed and outside the database, contradicts both.
"""

from __future__ import annotations

import io
import json
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from ecity.audit import checkpoints
from ecity.audit.chain import HASHED_FIELDS, chain_verify, compute_hash
from ecity.audit.models import AuditChainHead, AuditEntry
from ecity.audit.services import audit_record
from ecity.audit.tests.helpers import raw_sql, seal
from ecity.core.jobs import registered_jobs, run_job

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def checkpoint_file(settings, tmp_path):
    path = tmp_path / "audit" / "checkpoints.jsonl"
    settings.ECITY_AUDIT_CHECKPOINT_FILE = str(path)
    return path


def _record(n: int) -> None:
    """``n`` entries, sealed as after their transactions committed."""
    seal(*(audit_record(actor=None, action="test.event", data={"n": i}) for i in range(n)))


def _cut_tail(after: int) -> None:
    """Delete the entries after ``after`` and move the head back, as an attacker would."""
    raw_sql("DELETE FROM audit_auditentry WHERE sequence > %s", [after])
    last = AuditEntry.objects.get(sequence=after)
    AuditChainHead.objects.filter(pk=1).update(last_sequence=after, last_hash=last.entry_hash)


def _rewrite_from(sequence: int) -> None:
    """Change entry ``sequence`` and recompute its hash, every later hash and the head."""
    raw_sql("UPDATE audit_auditentry SET reason = 'forged' WHERE sequence = %s", [sequence])
    prev = AuditEntry.objects.get(sequence=sequence - 1).entry_hash if sequence > 1 else "0" * 64
    for entry in AuditEntry.objects.filter(sequence__gte=sequence).order_by("sequence"):
        entry.prev_hash = prev
        forged = compute_hash({name: getattr(entry, name) for name in HASHED_FIELDS})
        raw_sql(
            "UPDATE audit_auditentry SET prev_hash = %s, entry_hash = %s WHERE sequence = %s",
            [prev, forged, entry.sequence],
        )
        prev = forged
    last = AuditEntry.objects.order_by("-sequence").first()
    AuditChainHead.objects.filter(pk=1).update(last_hash=last.entry_hash)


def test_a_checkpoint_is_the_signed_head_in_an_owner_only_file(checkpoint_file):
    # Given five entries
    _record(5)

    # When the job writes a checkpoint, twice without anything new in between
    first = run_job("audit.checkpoint")
    second = run_job("audit.checkpoint")

    # Then one line holds the signed head, in a file only its owner can read
    assert (first, second) == ("checkpoint #5", "nothing new to checkpoint")
    assert stat.S_IMODE(checkpoint_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(checkpoint_file.parent.stat().st_mode) == 0o700
    [line] = checkpoint_file.read_text().splitlines()
    assert json.loads(line)["hash"] == AuditEntry.objects.get(sequence=5).entry_hash
    [read] = checkpoints.checkpoints_read()
    assert (read.sequence, read.line_number) == (5, 1)
    assert checkpoints.trail_verify().ok


def test_the_job_is_registered_with_its_interval(settings):
    job = registered_jobs()["audit.checkpoint"]

    assert job.every_seconds == settings.ECITY_AUDIT_CHECKPOINT_EVERY_SECONDS


def test_a_cut_tail_is_reported_as_tampered_with_the_checkpoint_it_contradicts():
    # Given a chain of five entries checkpointed at #5
    _record(5)
    checkpoints.checkpoint_write()

    # When an attacker deletes #4 and #5 and moves the head back to #3
    _cut_tail(after=3)

    # Then the chain alone looks intact, but the checkpoint contradicts it
    assert chain_verify().ok
    result = checkpoints.trail_verify()
    assert not result.ok
    assert (result.problem, result.first_broken_sequence) == ("truncated", 4)
    assert result.contradicted.sequence == 5
    assert "#3" in result.reason and "#5" in result.reason


def test_a_rewritten_and_rehashed_chain_is_reported_with_the_checkpoint_it_contradicts():
    # Given checkpoints at #2 and at #5
    _record(2)
    checkpoints.checkpoint_write()
    _record(3)
    checkpoints.checkpoint_write()
    _record(2)

    # When an attacker rewrites entry #3 and recomputes every hash from there and the head
    _rewrite_from(3)

    # Then the chain alone looks intact, but the checkpoint at #5 contradicts it
    assert chain_verify().ok
    result = checkpoints.trail_verify()
    assert not result.ok
    assert result.problem == "rewritten"
    assert (result.contradicted.sequence, result.contradicted.line_number) == (5, 2)
    assert result.first_broken_sequence == 3  # after #2, which its checkpoint still confirms
    assert result.checkpoints_checked == 1


def test_a_forged_checkpoint_line_is_reported(checkpoint_file):
    _record(3)
    checkpoints.checkpoint_write()
    # When someone edits the file's hash without the key
    values = json.loads(checkpoint_file.read_text())
    values["hash"] = "f" * 64
    checkpoint_file.write_text(json.dumps(values) + "\n")

    result = checkpoints.trail_verify()

    assert (result.ok, result.problem) == (False, "checkpoint")
    assert "line 1" in result.reason or "第 1 行" in result.reason


def test_a_removed_checkpoint_line_is_reported(checkpoint_file):
    _record(1)
    checkpoints.checkpoint_write()
    _record(1)
    checkpoints.checkpoint_write()
    _record(1)
    checkpoints.checkpoint_write()
    # When the middle line is removed from the file
    lines = checkpoint_file.read_text().splitlines()
    checkpoint_file.write_text("\n".join([lines[0], lines[2]]) + "\n")

    result = checkpoints.trail_verify()

    assert (result.ok, result.problem) == (False, "checkpoint")


def test_audit_verify_command_fails_naming_the_checkpoint_and_checkpoint_command_writes(
    checkpoint_file,
):
    _record(4)
    out = io.StringIO()
    call_command("audit_checkpoint", stdout=out)
    assert "checkpoint #4" in out.getvalue()
    _cut_tail(after=2)

    with pytest.raises(CommandError) as caught:
        call_command("audit_verify", "--no-record", stdout=io.StringIO())

    assert caught.value.returncode == 1
    assert "#3" in str(caught.value) and "#4" in str(caught.value)


def test_the_auditor_page_reports_the_contradicted_checkpoint(client, auditor):
    _record(4)
    checkpoints.checkpoint_write()
    _cut_tail(after=2)
    client.force_login(auditor)

    response = client.post(reverse("audit:verify"), HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert response.status_code == 200
    # the sign-in entry is not chained yet, so the cut tail shows as truncated after #2
    assert response.context["result"].problem == "truncated"
    assert "#4" in page and "第一条异常记录：第 3 条" in page
    assert AuditEntry.objects.filter(action="audit.verified").last().data["ok"] is False


def test_the_api_reports_the_contradicted_checkpoint(api_client, auditor):
    _record(3)
    checkpoints.checkpoint_write()
    _rewrite_from(2)
    api_client.force_authenticate(auditor)

    body = api_client.post("/api/v1/audit/verify/").json()

    assert (body["ok"], body["problem"], body["checkpoint_sequence"]) == (False, "rewritten", 3)
    assert body["checkpoint_at"] is not None
