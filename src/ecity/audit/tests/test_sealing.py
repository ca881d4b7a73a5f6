"""Sealing: entries are written unsealed with the audited act and chained after it commits."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from ecity.audit import sealing, selectors
from ecity.audit.chain import UNSEALED_ALERT_SECONDS, chain_verify
from ecity.audit.models import AuditChainHead, AuditEntry
from ecity.audit.sealing import audit_entries_seal
from ecity.audit.selectors import AuditFilters
from ecity.audit.services import audit_record
from ecity.audit.tests.conftest import postgres_only
from ecity.audit.tests.helpers import raw_sql, seal
from ecity.core.jobs import registered_jobs, run_job


@pytest.mark.django_db
def test_an_unsealed_entry_is_listed_everywhere_entries_are_shown(auditor, citizen, reviewer):
    # given an entry recorded in a transaction that has not committed yet (so not chained)
    entry = audit_record(actor=reviewer, action="personal_data.read", subject=citizen)
    assert entry.sequence is None and entry.entry_hash == ""
    # then the citizen, the auditor's search and the export all show it
    assert list(selectors.my_data_access_list(user=citizen)) == [entry]
    found = selectors.audit_entry_search(actor=auditor, filters=AuditFilters())
    assert entry in list(found)
    exported = list(selectors.audit_entry_stream(actor=auditor, filters=AuditFilters()))
    assert exported == [entry]


@pytest.mark.django_db
def test_the_export_lists_chained_entries_first_then_the_unsealed_tail(auditor):
    # given two chained entries and one recorded after the last seal
    seal(audit_record(actor=None, action="test.one"), audit_record(actor=None, action="test.two"))
    late = audit_record(actor=None, action="test.next")
    # when the trail is exported in small batches
    exported = list(selectors.audit_entry_stream(actor=auditor, filters=AuditFilters(), batch=1))
    # then it is in chain order with the unsealed entry last, without a sequence
    assert [(e.action, e.sequence) for e in exported] == [
        ("test.one", 1),
        ("test.two", 2),
        ("test.next", None),
    ]
    assert exported[-1].pk == late.pk


@pytest.mark.django_db
def test_verification_counts_fresh_unsealed_entries_and_reports_old_ones():
    # given a chained entry and one recorded just now, not chained yet
    seal(audit_record(actor=None, action="test.one"))
    audit_record(actor=None, action="test.two")
    # then the chain verifies and the waiting entry is counted
    result = chain_verify()
    assert (result.ok, result.checked, result.unsealed) == (True, 1, 1)
    # when an entry has waited longer than the alert limit (the sealer is not running)
    stale = AuditEntry(
        occurred_at=timezone.now() - dt.timedelta(seconds=UNSEALED_ALERT_SECONDS + 60),
        action="test.kept",
    )
    stale.save()
    # then verification fails and says which entry waits and since when
    result = chain_verify()
    assert (result.ok, result.problem, result.unsealed) == (False, "unsealed", 2)
    assert result.first_broken_sequence is None
    assert "test.kept" in result.reason and "audit.seal" in result.reason
    # and once the sealer has run, everything verifies again
    audit_entries_seal()
    assert chain_verify().ok and chain_verify().checked == 3


@pytest.mark.django_db
def test_the_seal_job_is_registered_and_chains_what_is_left():
    assert "audit.seal" in registered_jobs()
    entry = audit_record(actor=None, action="test.one")
    assert run_job("audit.seal") == "sealed 1 entries"
    entry.refresh_from_db()
    assert entry.sequence == 1 and AuditChainHead.objects.get().last_hash == entry.entry_hash


@pytest.mark.django_db
def test_tampering_with_a_sealed_entry_is_found():
    # given three chained entries
    seal(*(audit_record(actor=None, action="test.event", data={"n": n}) for n in range(3)))
    # when an attacker changes the second one in the database
    raw_sql("UPDATE audit_auditentry SET data = %s WHERE sequence = 2", ['{"n": 7}'])
    # then verification names it
    result = chain_verify()
    assert (result.ok, result.first_broken_sequence, result.problem) == (False, 2, "modified")


# --- PostgreSQL: committed transactions, several connections --------------------------------


@postgres_only
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_committed_entry_is_chained_right_after_its_commit():
    # when a service's transaction records an entry and commits
    with transaction.atomic():
        entry = audit_record(actor=None, action="test.one")
        assert AuditEntry.objects.get(pk=entry.pk).sequence is None  # not chained inside
    # then the after-commit sealer chained it, without the job
    entry.refresh_from_db()
    assert entry.sequence == 1 and len(entry.entry_hash) == 64
    assert chain_verify().ok


@postgres_only
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_writer_leaves_nothing():
    # given one committed entry
    with transaction.atomic():
        audit_record(actor=None, action="test.kept")
    # when a later change fails after being audited
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.lost")
        raise RuntimeError("the audited change failed")
    # then the lost entry exists nowhere, sealed or not, and the chain holds the kept one only
    run_job("audit.seal")
    assert list(AuditEntry.objects.values_list("action", "sequence")) == [("test.kept", 1)]
    assert AuditChainHead.objects.get().last_sequence == 1
    assert chain_verify().ok


@postgres_only
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_entry_committed_after_a_later_id_is_still_chained():
    # given a slow transaction that records an entry (taking the lower id) and waits
    recorded, release = threading.Event(), threading.Event()
    slow: dict[str, int] = {}

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                slow["id"] = audit_record(actor=None, action="test.one").pk
                recorded.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert recorded.wait(timeout=30)
    # when a second transaction records (a higher id) and commits first
    with transaction.atomic():
        fast = audit_record(actor=None, action="test.two")
    fast.refresh_from_db()
    release.set()
    thread.join(timeout=30)
    # then the first committed is chained first, the other one after its own commit
    early = AuditEntry.objects.get(pk=slow["id"])
    assert early.pk < fast.pk
    assert (fast.sequence, early.sequence) == (1, 2)
    assert early.prev_hash == fast.entry_hash
    result = chain_verify()
    assert (result.ok, result.checked, result.unsealed) == (True, 2, 0)


@postgres_only
@pytest.mark.postgres
@pytest.mark.django_db
def test_the_trigger_lets_sealing_through_once_and_nothing_else():
    entry = audit_record(actor=None, action="test.one")
    with connection.cursor() as cursor:
        # sealing while changing another column is refused
        with pytest.raises(DatabaseError), transaction.atomic():
            cursor.execute(
                "UPDATE audit_auditentry SET sequence = 9, prev_hash = %s, entry_hash = %s, "
                "reason = 'forged' WHERE id = %s",
                ["0" * 64, "1" * 64, entry.pk],
            )
        (entry,) = seal(entry)
        # a sealed entry cannot be sealed again (moved in the chain, re-hashed)
        with pytest.raises(DatabaseError), transaction.atomic():
            cursor.execute(
                "UPDATE audit_auditentry SET sequence = 2, entry_hash = %s WHERE id = %s",
                ["1" * 64, entry.pk],
            )
    entry.refresh_from_db()
    assert entry.sequence == 1 and chain_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_process_seals_after_commit_at_most_once_per_interval_and_the_job_chains_the_rest(
    settings, monkeypatch
):
    # given the production pace: one after-commit pass per interval per process
    settings.ECITY_AUDIT_SEAL_INTERVAL_MS = 60_000
    monkeypatch.setattr(sealing._AfterCommitPace, "last", float("-inf"))
    # when two audited transactions commit within one interval
    with transaction.atomic():
        first = audit_record(actor=None, action="test.one")
    with transaction.atomic():
        second = audit_record(actor=None, action="test.two")
    # then the first commit's pass chained its entry and the second commit made no pass
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.sequence == 1 and second.sequence is None
    # and verification counts the waiting entry without reporting a problem
    result = chain_verify()
    assert (result.ok, result.checked, result.unsealed) == (True, 1, 1)
    # when the job runs it chains the entry left over
    run_job("audit.seal")
    second.refresh_from_db()
    assert second.sequence == 2
    # and once the interval is over, the next commit seals again
    monkeypatch.setattr(sealing._AfterCommitPace, "last", time.monotonic() - 61)
    with transaction.atomic():
        third = audit_record(actor=None, action="test.next")
    third.refresh_from_db()
    assert third.sequence == 3
    assert chain_verify().ok
