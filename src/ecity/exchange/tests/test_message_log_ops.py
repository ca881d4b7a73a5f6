"""Operating the message log: verify names the first broken record, exports verify offline,
retention deletes old records without breaking verification."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ecity.core import vault
from ecity.exchange.canonical import canonical_json
from ecity.exchange.envelope import envelope_seal
from ecity.exchange.log_retention import log_retention_run, seen_messages_purge
from ecity.exchange.message_log import log_append, log_verify, record_content, record_hash_of
from ecity.exchange.models import LogPartition, MessageLogRecord, SeenMessage
from ecity.exchange.tests.factories import SubsystemFactory

pytestmark = pytest.mark.django_db

SCRIPT = Path(__file__).resolve().parents[4] / "scripts" / "verify_exchange_log.py"


@pytest.fixture
def sender():
    return SubsystemFactory(code="RKGL", name="人口管理系统")


def _publish(sender, count: int) -> list[MessageLogRecord]:
    records = []
    for n in range(count):
        payload = {"变更": "住址", "n": n}
        envelope = envelope_seal(sender=sender.identifier, payload=payload, topic="registry.person")
        records.append(
            log_append(kind=MessageLogRecord.Kind.PUBLISHED, envelope=envelope, payload=payload)
        )
    return records


def _verify_command(*args: str) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("exchange_log_verify", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error.returncode
    return out.getvalue(), 0


def _rechain(partition: str, *, age: dict[int, dt.datetime] | None = None) -> None:
    """Rewrite a partition's hashes (as if its records had been written at ``age`` times)."""
    head = LogPartition.objects.get(name=partition)
    prev = head.anchor_hash
    for record in MessageLogRecord.objects.filter(partition=partition).order_by("seq"):
        if age and record.seq in age:
            record.logged_at = age[record.seq]
        record.prev_hash = prev
        record.record_hash = record_hash_of(prev, record_content(record))
        record.save()
        prev = record.record_hash
        head.last_seq, head.last_hash = record.seq, record.record_hash
    head.save()


def _export(directory: Path) -> str:
    out = StringIO()
    call_command("exchange_log_export", str(directory), stdout=out)
    return out.getvalue()


def _offline(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(SCRIPT), str(directory), *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_intact_log_verifies_ok(sender):
    _publish(sender, 3)

    output, code = _verify_command()

    assert (output.strip(), code) == ("OK 1 partition(s)", 0)


def test_verify_command_names_a_modified_record(sender):
    _publish(sender, 3)
    MessageLogRecord.objects.filter(partition=sender.identifier, seq=2).update(target="别处")

    output, code = _verify_command()

    assert code == 1
    assert output.strip() == f"BROKEN partition={sender.identifier} seq=2 problem=modified"


def test_verify_command_names_a_deleted_record(sender):
    _publish(sender, 3)
    MessageLogRecord.objects.filter(partition=sender.identifier, seq=2).delete()

    output, code = _verify_command()

    assert (output.strip(), code) == (
        f"BROKEN partition={sender.identifier} seq=2 problem=deleted",
        1,
    )


def test_verify_command_names_an_inserted_record(sender):
    first, second, _third = _publish(sender, 3)
    # Someone writes a record of their own between #1 and #2 and renumbers the rest.
    for record in MessageLogRecord.objects.filter(partition=sender.identifier, seq__gte=2).order_by(
        "-seq"
    ):
        record.seq += 1
        record.save()
    forged = MessageLogRecord(
        partition=sender.identifier,
        seq=2,
        prev_hash=first.record_hash,
        kind="published",
        message_id="forged",
        sender=sender.identifier,
        target="registry.person",
        envelope={},
        logged_at=second.logged_at,
    )
    forged.record_hash = record_hash_of(forged.prev_hash, record_content(forged))
    forged.save()

    output, code = _verify_command()

    assert (output.strip(), code) == (
        f"BROKEN partition={sender.identifier} seq=3 problem=inserted",
        1,
    )


def test_verify_command_names_a_cut_at_the_end(sender):
    _publish(sender, 3)
    MessageLogRecord.objects.filter(partition=sender.identifier, seq=3).delete()

    output, code = _verify_command("--partition", sender.identifier)

    assert (output.strip(), code) == (
        f"BROKEN partition={sender.identifier} seq=3 problem=cut",
        1,
    )


def test_export_verifies_offline_with_the_pinned_node_key(sender, tmp_path):
    _publish(sender, 3)
    node_kid = vault.key_current(purpose=vault.Purpose.EXCHANGE, owner="").kid

    _export(tmp_path / "export")
    result = _offline(tmp_path / "export", "--node-kid", node_kid)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK 3 records in 1 partitions")
    lines = (tmp_path / "export" / "records.jsonl").read_text("utf-8").splitlines()
    assert json.loads(lines[0])["payload"] == {"变更": "住址", "n": 0}


def test_offline_script_refuses_another_node_key(sender, tmp_path):
    _publish(sender, 1)
    _export(tmp_path / "export")

    result = _offline(tmp_path / "export", "--node-kid", "0123456789abcdef")

    assert result.returncode == 1
    assert "problem=manifest" in result.stdout
    assert "not the pinned 0123456789abcdef" in result.stdout


def test_tampered_export_names_the_record(sender, tmp_path):
    _publish(sender, 3)
    export = tmp_path / "export"
    _export(export)
    lines = (export / "records.jsonl").read_text("utf-8").splitlines()
    line = json.loads(lines[1])
    line["content"]["target"] = "别处"
    lines[1] = json.dumps(line, ensure_ascii=False)
    (export / "records.jsonl").write_text("\n".join(lines) + "\n", "utf-8")

    result = _offline(export)

    assert result.returncode == 1
    assert f"BROKEN partition={sender.identifier} seq=2 problem=modified" in result.stdout
    assert "records.jsonl does not match the manifest" in result.stdout


def test_rehashed_forgery_in_an_export_is_caught_by_the_envelope_signature(sender, tmp_path):
    _publish(sender, 2)
    export = tmp_path / "export"
    _export(export)
    lines = [json.loads(x) for x in (export / "records.jsonl").read_text("utf-8").splitlines()]
    # A forger changes the purpose in the envelope and recomputes every hash of the chain.
    lines[0]["content"]["envelope"]["purpose"] = "其他用途"
    prev = ""
    for line in lines:
        line["prev_hash"] = prev
        line["record_hash"] = prev = record_hash_of(prev, line["content"])
    (export / "records.jsonl").write_text(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8"
    )

    result = _offline(export)

    assert f"BROKEN partition={sender.identifier} seq=1 problem=signature" in result.stdout


def test_offline_canonical_form_is_the_exchange_one():
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import verify_exchange_log as offline
    finally:
        sys.path.pop(0)
    value = {"名": "张三", "b": [1, 2.5, None, True], "a": {"z": "", "y": "x"}}

    assert offline.canonical_json(value) == canonical_json(value)


def test_retention_deletes_old_records_and_verify_stays_green(sender, settings, tmp_path):
    settings.ECITY_EXCHANGE_LOG_RETENTION_DAYS = 30
    _publish(sender, 5)
    old = timezone.now() - dt.timedelta(days=40)
    _rechain(sender.identifier, age={1: old, 2: old, 3: old})

    deleted = log_retention_run()

    assert deleted == {sender.identifier: 3}
    assert list(
        MessageLogRecord.objects.filter(partition=sender.identifier).values_list("seq", flat=True)
    ) == [4, 5]
    assert log_verify() == []
    _export(tmp_path / "export")
    result = _offline(tmp_path / "export")
    assert result.returncode == 0, result.stdout
    assert log_retention_run() == {}  # nothing old is left


def test_a_cut_disguised_as_retention_is_still_found(sender, settings):
    settings.ECITY_EXCHANGE_LOG_RETENTION_DAYS = 30
    _publish(sender, 4)
    old = timezone.now() - dt.timedelta(days=40)
    _rechain(sender.identifier, age={1: old})
    log_retention_run()
    head = LogPartition.objects.get(name=sender.identifier)
    # Without the node key nobody can move the anchor: claiming #3 as truncated is found.
    MessageLogRecord.objects.filter(partition=sender.identifier, seq__lte=3).delete()
    LogPartition.objects.filter(pk=head.pk).update(
        anchor_seq=3,
        anchor_hash=MessageLogRecord.objects.get(partition=sender.identifier, seq=4).prev_hash,
    )

    [broken] = log_verify()

    assert (broken.partition, broken.seq, broken.problem) == (sender.identifier, 3, "anchor")


def test_retention_keeps_a_broken_prefix_as_evidence(sender, settings):
    settings.ECITY_EXCHANGE_LOG_RETENTION_DAYS = 30
    _publish(sender, 3)
    old = timezone.now() - dt.timedelta(days=40)
    _rechain(sender.identifier, age={1: old, 2: old})
    MessageLogRecord.objects.filter(partition=sender.identifier, seq=1).update(target="别处")

    assert log_retention_run() == {sender.identifier: -1}
    assert MessageLogRecord.objects.filter(partition=sender.identifier).count() == 3


def test_seen_messages_older_than_twice_the_skew_are_forgotten(settings):
    settings.ECITY_EXCHANGE_MAX_SKEW_SECONDS = 300
    now = timezone.now()
    SeenMessage.objects.create(sender="A", message_id="old", seen_at=now - dt.timedelta(minutes=11))
    SeenMessage.objects.create(sender="A", message_id="new", seen_at=now - dt.timedelta(minutes=9))

    assert seen_messages_purge(now=now) == 1
    assert list(SeenMessage.objects.values_list("message_id", flat=True)) == ["new"]
