"""The hash chain: intact chains verify; modified, deleted, reordered entries are named."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.utils import translation

from ecity.audit.chain import GENESIS_HASH, canonical_bytes, chain_verify, compute_hash
from ecity.audit.models import AuditChainHead, AuditEntry
from ecity.audit.services import audit_anchor_create, audit_record
from ecity.audit.tests.helpers import raw_sql, seal

pytestmark = pytest.mark.django_db


def _record(n: int, actor=None) -> list[AuditEntry]:
    """``n`` entries, sealed as after their transactions committed."""
    return seal(
        *(
            audit_record(actor=actor, action="test.event", data={"n": i}, reason=f"测试 {i}")
            for i in range(1, n + 1)
        )
    )


def test_chain_of_fifty_entries_verifies(citizen):
    # given fifty entries
    entries = _record(50, actor=citizen)
    # when the chain is verified in small batches
    result = chain_verify(batch=7)
    # then every entry is checked and the head is the last entry
    assert result.ok
    assert result.checked == 50
    assert result.first_broken_sequence is None
    assert result.last_sequence == 50
    assert result.last_hash == entries[-1].entry_hash
    assert [e.sequence for e in entries] == list(range(1, 51))
    assert entries[0].prev_hash == GENESIS_HASH
    assert all(entries[i].prev_hash == entries[i - 1].entry_hash for i in range(1, 50))


def test_empty_trail_verifies():
    result = chain_verify()
    assert (result.ok, result.checked, result.last_hash) == (True, 0, GENESIS_HASH)


def test_hash_is_sha256_of_documented_canonical_json(citizen):
    # given an entry with non-ASCII text, a list and nested data
    entry = audit_record(
        actor=citizen,
        action="personal_data.read",
        subject=citizen,
        fields=["phone", "id_number"],
        reason="核对身份",
        data={"b": 1, "a": {"z": True, "y": None}},
    )
    (entry,) = seal(entry)
    # when the canonical form is rebuilt by hand from the stored row
    expected = {
        "v": 1,
        "sequence": entry.sequence,
        "occurred_at": entry.occurred_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_public_id": str(citizen.public_id),
        "actor_username": "citizen",
        "actor_display": "张三",
        "actor_department": "",
        "acting_for_uscc": "",
        "acting_for_name": "",
        "action": "personal_data.read",
        "object_type": "",
        "object_id": "",
        "object_repr": "",
        "subject_public_id": str(citizen.public_id),
        "subject_username": "citizen",
        "fields": ["phone", "id_number"],
        "reason": "核对身份",
        "ip_address": None,
        "user_agent": "",
        "request_id": "",
        "data": {"a": {"y": None, "z": True}, "b": 1},
        "prev_hash": GENESIS_HASH,
    }
    text = json.dumps(expected, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # then it is byte for byte the canonical form, and the hash is its SHA-256
    values = {f: getattr(entry, f) for f in expected if f != "v"}
    assert canonical_bytes(values) == text.encode("utf-8")
    assert entry.entry_hash == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert compute_hash(values) == entry.entry_hash


def test_modified_entry_is_named_exactly():
    # given fifty entries
    _record(50)
    # when an attacker changes the reason of entry 17 in the database
    raw_sql("UPDATE audit_auditentry SET reason = %s WHERE sequence = %s", ["篡改", 17])
    # then verification stops at exactly that entry
    result = chain_verify(batch=10)
    assert not result.ok
    assert result.first_broken_sequence == 17
    assert result.problem == "modified"
    assert result.checked == 16
    assert "已被修改" in result.reason
    with translation.override("en"):
        assert "modified" in chain_verify(batch=10).reason


def test_modified_json_data_is_detected():
    _record(5)
    raw_sql("UPDATE audit_auditentry SET data = %s WHERE sequence = 3", ['{"n": 99}'])
    result = chain_verify()
    assert (result.ok, result.first_broken_sequence, result.problem) == (False, 3, "modified")


def test_modified_entry_with_recomputed_hash_breaks_the_next_link():
    # given ten entries and an attacker who rewrites entry 4 and recomputes its hash
    _record(10)
    raw_sql("UPDATE audit_auditentry SET reason = 'x' WHERE sequence = 4")
    entry = AuditEntry.objects.get(sequence=4)
    forged = compute_hash({f: getattr(entry, f) for f in _hashed()})
    raw_sql("UPDATE audit_auditentry SET entry_hash = %s WHERE sequence = 4", [forged])
    # then entry 4 looks sound but entry 5 no longer links to it
    result = chain_verify()
    assert (result.first_broken_sequence, result.problem) == (5, "chain")


def _hashed():
    from ecity.audit.chain import HASHED_FIELDS

    return HASHED_FIELDS


def test_deleted_entry_names_the_next_sequence_with_reason():
    # given fifty entries
    _record(50)
    # when entry 23 is deleted
    raw_sql("DELETE FROM audit_auditentry WHERE sequence = 23")
    # then the entry after the gap is named, and the reason says what is missing
    result = chain_verify(batch=8)
    assert not result.ok
    assert result.first_broken_sequence == 24
    assert result.problem == "missing"
    assert "#23" in result.reason and "已被删除" in result.reason
    assert result.checked == 22


def test_deleted_newest_entries_are_detected_through_the_head():
    _record(10)
    raw_sql("DELETE FROM audit_auditentry WHERE sequence >= 9")
    result = chain_verify()
    assert (result.ok, result.first_broken_sequence, result.problem) == (False, 9, "head")
    assert result.checked == 8


def test_reordered_entries_are_detected():
    # given ten entries
    _record(10)
    # when entries 5 and 6 swap places (sequence numbers exchanged)
    raw_sql("UPDATE audit_auditentry SET sequence = -5 WHERE sequence = 5")
    raw_sql("UPDATE audit_auditentry SET sequence = 5 WHERE sequence = 6")
    raw_sql("UPDATE audit_auditentry SET sequence = 6 WHERE sequence = -5")
    # then the first of them is reported
    result = chain_verify()
    assert result.first_broken_sequence == 5
    assert not result.ok


def test_inserted_entry_with_consistent_hashes_is_caught_by_an_anchor():
    # given an anchored chain of five entries
    _record(5)
    anchor = audit_anchor_create()
    assert anchor is not None and anchor.sequence == 5
    # when the attacker rewrites entry 5 and recomputes its hash and the head
    raw_sql("UPDATE audit_auditentry SET reason = 'forged' WHERE sequence = 5")
    entry = AuditEntry.objects.get(sequence=5)
    forged = compute_hash({f: getattr(entry, f) for f in _hashed()})
    raw_sql("UPDATE audit_auditentry SET entry_hash = %s WHERE sequence = 5", [forged])
    AuditChainHead.objects.filter(pk=1).update(last_hash=forged)
    # then the chain itself looks sound but the anchor disagrees
    result = chain_verify()
    assert (result.first_broken_sequence, result.problem) == (5, "anchor")


def test_anchor_is_not_repeated_without_new_entries():
    _record(3)
    assert audit_anchor_create() is not None
    assert audit_anchor_create() is None
    _record(1)
    assert audit_anchor_create().sequence == 4


def test_verification_can_start_in_the_middle():
    _record(20)
    raw_sql("UPDATE audit_auditentry SET reason = 'x' WHERE sequence = 3")
    assert chain_verify(start=10).ok
    assert chain_verify(start=10).checked == 11
    assert chain_verify().first_broken_sequence == 3


def test_actor_link_pointing_to_another_account_is_detected(citizen, other_citizen):
    _record(3, actor=citizen)
    raw_sql("UPDATE audit_auditentry SET actor_id = %s WHERE sequence = 2", [other_citizen.pk])
    result = chain_verify()
    assert (result.first_broken_sequence, result.problem) == (2, "link")


def test_deleting_an_account_keeps_the_chain_intact(citizen):
    # given entries by and about a citizen
    seal(audit_record(actor=citizen, action="personal_data.read", subject=citizen))
    # when the account is deleted (its links become NULL; on PostgreSQL the trigger allows it)
    citizen.delete()
    # then the snapshots remain and the chain verifies
    entry = AuditEntry.objects.get()
    assert entry.sequence == 1
    assert entry.actor_id is None and entry.subject_id is None
    assert entry.actor_username == "citizen" and entry.subject_username == "citizen"
    assert chain_verify().ok
