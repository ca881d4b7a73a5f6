"""audit_record: snapshots, request details, validation, append-only rows, transactions."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction
from django.test import RequestFactory

from ecity.audit.models import AuditAnchor, AuditChainHead, AuditEntry, AuditLogImmutable
from ecity.audit.services import audit_personal_data_read, audit_record
from ecity.audit.tests.conftest import postgres_only
from ecity.audit.tests.helpers import seal
from ecity.identity.tests.factories import LegalEntityFactory

pytestmark = pytest.mark.django_db


def _request(user=None, **meta):
    request = RequestFactory().get("/", **meta)
    if user is not None:
        request.user = user
    return request


def test_record_copies_actor_subject_object_and_request(reviewer, citizen):
    # given a reviewer's request from a known address
    request = _request(
        reviewer,
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 400,
        HTTP_X_REQUEST_ID="req-42",
    )
    # when the reviewer's read of the citizen's ID number is recorded
    entry = audit_record(
        actor=reviewer,
        action="personal_data.read",
        obj=citizen,
        subject=citizen,
        fields=["id_number"],
        reason="核验申请人身份",
        request=request,
    )
    # then who, what, whose, from where and why are all in the entry
    entry.refresh_from_db()
    assert entry.actor == reviewer
    assert (entry.actor_username, entry.actor_display) == ("reviewer", "王芳")
    assert entry.actor_department == "市场监管局"
    assert entry.subject == citizen and entry.subject_username == "citizen"
    assert (entry.object_type, entry.object_id) == ("identity.user", str(citizen.public_id))
    assert entry.object_repr == "citizen"  # the username, never the real name
    assert entry.fields == ["id_number"]
    assert entry.reason == "核验申请人身份"
    assert entry.ip_address == "203.0.113.7"
    assert len(entry.user_agent) == 300 and entry.user_agent.startswith("Mozilla/5.0")
    assert entry.request_id == "req-42"


def test_entries_of_one_request_share_a_generated_request_id(citizen):
    request = _request(citizen, HTTP_X_REQUEST_ID="bad id with spaces")
    first = audit_record(actor=citizen, action="test.one", request=request)
    second = audit_record(actor=citizen, action="test.two", request=request)
    assert first.request_id == second.request_id
    assert len(first.request_id) == 32 and " " not in first.request_id


def test_acting_for_enterprise_is_copied(citizen):
    entity = LegalEntityFactory(name="示范科技有限公司")
    entry = audit_record(actor=citizen, action="case.read", acting_for=entity)
    assert (entry.acting_for_uscc, entry.acting_for_name) == (entity.uscc, "示范科技有限公司")


def test_ipv6_address_is_stored_compressed(citizen):
    entry = audit_record(
        actor=citizen,
        action="auth.login",
        request=_request(citizen, REMOTE_ADDR="2001:0db8:0000:0000:0000:0000:0000:0001"),
    )
    entry.refresh_from_db()
    assert entry.ip_address == "2001:db8::1"


def test_department_is_looked_up_only_for_someone_elses_data(reviewer):
    own = audit_record(actor=reviewer, action="personal_data.write", subject=reviewer)
    assert own.actor_department == ""


@pytest.mark.parametrize("action", ["", "login", "Auth.Login", "auth..x", "auth.login!", "a." * 40])
def test_malformed_action_is_refused(action):
    with pytest.raises(ValueError, match="malformed"):
        audit_record(actor=None, action=action)
    assert not AuditEntry.objects.exists()


def test_data_must_stay_small():
    with pytest.raises(ValueError, match="bytes"):
        audit_record(actor=None, action="test.big", data={"x": "y" * 5000})


def test_fields_must_be_a_sequence_of_names():
    with pytest.raises(ValueError, match="sequence"):
        audit_record(actor=None, action="test.fields", fields="phone")


def test_float_data_is_stored_as_text_so_the_hash_survives_the_database():
    entry = audit_record(actor=None, action="test.float", data={"ratio": 0.1})
    entry.refresh_from_db()
    assert entry.data == {"ratio": "0.1"}


def test_saving_an_existing_entry_is_refused():
    entry = audit_record(actor=None, action="test.event")
    entry.reason = "changed"
    with pytest.raises(AuditLogImmutable):
        entry.save()
    entry.refresh_from_db()
    assert entry.reason == ""


def test_deleting_entries_through_the_orm_is_refused():
    entry = audit_record(actor=None, action="test.event")
    with pytest.raises(AuditLogImmutable):
        entry.delete()
    with pytest.raises(AuditLogImmutable):
        AuditEntry.objects.all().delete()
    with pytest.raises(AuditLogImmutable):
        AuditEntry.objects.update(reason="x")
    assert AuditEntry.objects.count() == 1


def test_anchors_are_append_only_too():
    audit_record(actor=None, action="test.event")
    from ecity.audit.services import audit_anchor_create

    anchor = audit_anchor_create()
    with pytest.raises(AuditLogImmutable):
        anchor.delete()
    assert AuditAnchor.objects.count() == 1


def test_entry_rolls_back_with_the_audited_change():
    # given one committed entry
    audit_record(actor=None, action="test.kept")
    # when a later change fails after being audited
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.lost")
        raise RuntimeError("the audited change failed")
    seal()
    # then neither the entry nor the head advanced, and the next entry takes its number
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["test.kept"]
    assert AuditChainHead.objects.get().last_sequence == 1
    (following,) = seal(audit_record(actor=None, action="test.next"))
    assert following.sequence == 2


def test_missing_head_row_is_rebuilt_from_the_newest_entry():
    (first,) = seal(audit_record(actor=None, action="test.one"))
    AuditChainHead.objects.all().delete()
    (second,) = seal(audit_record(actor=None, action="test.two"))
    assert second.sequence == 2 and second.prev_hash == first.entry_hash


def test_personal_data_read_by_staff_is_recorded(reviewer, citizen):
    request = _request(reviewer, REMOTE_ADDR="198.51.100.2")
    entry = audit_personal_data_read(
        request=request, subject=citizen, obj=None, fields=["phone"], reason="回访"
    )
    assert entry is not None
    assert (entry.action, entry.subject, entry.actor) == ("personal_data.read", citizen, reviewer)
    assert entry.object_type == "identity.user" and entry.fields == ["phone"]


def test_reading_ones_own_data_is_not_recorded(citizen):
    entry = audit_personal_data_read(
        request=_request(citizen), subject=citizen, obj=None, fields=["phone"]
    )
    assert entry is None
    assert not AuditEntry.objects.exists()


@postgres_only
@pytest.mark.postgres
def test_postgres_trigger_refuses_update_and_delete():
    from django.db import connection

    audit_record(actor=None, action="test.event")
    for sql in (
        "UPDATE audit_auditentry SET reason = 'x'",
        "DELETE FROM audit_auditentry",
        "UPDATE audit_auditentry SET actor_id = NULL, reason = 'y'",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEntry.objects.get().reason == ""
