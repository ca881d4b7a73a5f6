"""Disputes (异议) over registry values and the authority's resolution of conflicts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from ecity.audit.models import AuditEntry
from ecity.core.calendar import add_working_days
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.core.models import OutboxEvent
from ecity.identity.tests.factories import StaffRoleFactory, UserFactory, id_number_for, uscc_for
from ecity.registry.models import Dispute, Person, RecordChange, RecordConflict
from ecity.registry.selectors.disputes import dispute_list, own_disputes, record_disputes_open
from ecity.registry.services.disputes import (
    conflict_resolve,
    dispute_raise,
    dispute_settle,
    disputes_deadlines_refresh,
)
from ecity.registry.services.records import legal_entity_record_write, person_write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _writer(department):
    return StaffRoleFactory(department=department, role="department_admin").user


@pytest.fixture
def person(metadata):
    """A person whose name and address the public security bureau wrote, with an account."""
    police = metadata["police"]
    record = person_write(
        actor=_writer(police),
        department=police,
        source="counter",
        id_number=id_number_for(501),
        values={"name": "孙八", "address": "示范市旧路1号"},
    ).record
    Person.objects.filter(pk=record.pk).update(account=UserFactory())
    return Person.objects.select_related("account").get(pk=record.pk)


def test_a_citizen_disputes_their_address_and_the_record_shows_it_with_a_due_date(metadata, person):
    # when the person disputes their address on their own record
    dispute = dispute_raise(
        actor=person.account,
        department=None,
        record=person,
        attribute="address",
        proposed_value="示范市新路2号",
        reason="I moved in May.",
    )

    # then the police (the authority) get it with a 5-working-day clock, and the record shows it
    today = timezone.localdate()
    assert dispute.authority == metadata["police"]
    assert (dispute.disputed_value, dispute.proposed_value) == ("示范市旧路1号", "示范市新路2号")
    assert (dispute.started_on, dispute.limit_days) == (today, 5)
    assert dispute.due_on == add_working_days(today, 5)
    assert list(record_disputes_open(record=person)) == [dispute]
    assert list(own_disputes(actor=person.account)) == [dispute]
    entry = AuditEntry.objects.get(action="registry.dispute_raised")
    assert entry.subject == person.account
    assert OutboxEvent.objects.filter(name="registry.dispute_raised").count() == 1


def test_another_department_disputes_a_value_and_the_authority_accepts_it(metadata, person):
    police, market = metadata["police"], metadata["market"]
    dispute = dispute_raise(
        actor=_writer(market),
        department=market,
        record=person,
        attribute="name",
        proposed_value="孙捌",
        reason="Business licence shows 孙捌.",
    )
    assert dispute in dispute_list(actor=_writer(police), department=police)

    settled = dispute_settle(actor=_writer(police), dispute=dispute, accept=True)

    person.refresh_from_db()
    assert settled.status == Dispute.Status.ACCEPTED
    assert person.name == "孙捌"
    change = RecordChange.objects.get(person=person, attribute="name", version=person.version)
    assert change.is_authoritative and change.department == police
    assert change.source_reference == f"dispute:{dispute.public_id}"
    assert not record_disputes_open(record=person).exists()


def test_the_authority_rejects_a_dispute_only_with_a_reason(metadata, person):
    police = metadata["police"]
    dispute = dispute_raise(
        actor=person.account,
        department=None,
        record=person,
        attribute="address",
        proposed_value="示范市新路2号",
        reason="moved",
    )
    officer = _writer(police)

    with pytest.raises(ValidationFailed) as refused:
        dispute_settle(actor=officer, dispute=dispute, accept=False, reason="  ")
    assert list(refused.value.fields) == ["reason"]

    settled = dispute_settle(actor=officer, dispute=dispute, accept=False, reason="户籍登记未变更")
    person.refresh_from_db()
    assert (settled.status, settled.settlement_reason) == ("rejected", "户籍登记未变更")
    assert person.address == "示范市旧路1号"
    with pytest.raises(Conflict):
        dispute_settle(actor=officer, dispute=settled, accept=True)


def test_only_the_authority_settles_a_dispute(metadata, person):
    dispute = dispute_raise(
        actor=person.account,
        department=None,
        record=person,
        attribute="address",
        proposed_value="示范市新路2号",
        reason="moved",
    )

    with pytest.raises(PermissionDenied):
        dispute_settle(actor=_writer(metadata["market"]), dispute=dispute, accept=True)

    assert Dispute.objects.get().status == "open"


@pytest.mark.parametrize(
    ("attribute", "value", "reason", "field"),
    [
        ("height", "180", "why", "attribute"),  # no such attribute
        ("sex", "7", "why", "proposed_value"),  # not a code of GB/T 2261.1
        ("address", "示范市旧路1号", "why", "proposed_value"),  # the current value
        ("address", "", "why", "proposed_value"),
        ("address", "示范市新路2号", " ", "reason"),
        ("phone", "13800138000", "why", "attribute"),  # the phone has no authority
    ],
)
def test_a_bad_dispute_is_refused_per_field_and_nothing_is_written(
    metadata, person, attribute, value, reason, field
):
    with pytest.raises(ValidationFailed) as refused:
        dispute_raise(
            actor=person.account,
            department=None,
            record=person,
            attribute=attribute,
            proposed_value=value,
            reason=reason,
        )

    assert list(refused.value.fields) == [field]
    assert not Dispute.objects.exists()


def test_a_second_open_dispute_over_the_same_value_is_refused(metadata, person):
    kwargs = {
        "actor": person.account,
        "department": None,
        "record": person,
        "attribute": "address",
        "reason": "moved",
    }
    dispute_raise(proposed_value="示范市新路2号", **kwargs)

    with pytest.raises(ValidationFailed) as refused:
        dispute_raise(proposed_value="示范市新路3号", **kwargs)

    assert list(refused.value.fields) == ["attribute"]


def test_someone_else_cannot_dispute_a_persons_record_as_themselves(metadata, person):
    with pytest.raises(PermissionDenied):
        dispute_raise(
            actor=UserFactory(),
            department=None,
            record=person,
            attribute="address",
            proposed_value="示范市新路2号",
            reason="moved",
        )


def test_the_authority_does_not_dispute_its_own_value(metadata, person):
    police = metadata["police"]

    with pytest.raises(ValidationFailed) as refused:
        dispute_raise(
            actor=_writer(police),
            department=police,
            record=person,
            attribute="address",
            proposed_value="示范市新路2号",
            reason="moved",
        )

    assert list(refused.value.fields) == ["department"]


def test_an_unsettled_dispute_becomes_overdue_after_its_limit(metadata, person):
    dispute = dispute_raise(
        actor=person.account,
        department=None,
        record=person,
        attribute="address",
        proposed_value="示范市新路2号",
        reason="moved",
    )

    disputes_deadlines_refresh(dispute.due_on + dt.timedelta(days=1))

    dispute.refresh_from_db()
    assert dispute.deadline_state == "overdue"


def test_a_legal_entitys_value_is_disputed_and_corrected(metadata):
    market, police = metadata["market"], metadata["police"]
    record = legal_entity_record_write(
        actor=_writer(market),
        department=market,
        source="counter",
        uscc=uscc_for(9),
        values={"name": "示范贸易有限公司"},
    ).record
    dispute = dispute_raise(
        actor=_writer(police),
        department=police,
        record=record,
        attribute="name",
        proposed_value="示范商贸有限公司",
        reason="营业执照",
    )

    dispute_settle(actor=_writer(market), dispute=dispute, accept=True)

    record.refresh_from_db()
    assert record.name == "示范商贸有限公司"


def _conflict(metadata, person):
    market = metadata["market"]
    person_write(
        actor=_writer(market),
        department=market,
        source="exchange",
        id_number=person.id_number,
        values={"name": "孙捌"},
    )
    return RecordConflict.objects.get()


def test_the_authority_takes_a_conflicting_value(metadata, person):
    conflict = _conflict(metadata, person)
    officer = _writer(metadata["police"])

    resolved = conflict_resolve(actor=officer, conflict=conflict, take=True)

    person.refresh_from_db()
    assert person.name == "孙捌"
    assert (resolved.status, resolved.resolution, resolved.resolved_by) == (
        "resolved",
        "taken",
        officer,
    )
    assert AuditEntry.objects.filter(action="registry.conflict_resolved").count() == 1


def test_the_authority_keeps_its_value_and_the_conflict_leaves_the_open_list(metadata, person):
    conflict = _conflict(metadata, person)

    resolved = conflict_resolve(actor=_writer(metadata["police"]), conflict=conflict, take=False)

    person.refresh_from_db()
    assert person.name == "孙八"
    assert (resolved.status, resolved.resolution) == ("resolved", "kept")
    with pytest.raises(Conflict):
        conflict_resolve(actor=_writer(metadata["police"]), conflict=resolved, take=True)


def test_the_proposing_department_cannot_resolve_a_conflict(metadata, person):
    conflict = _conflict(metadata, person)

    with pytest.raises(PermissionDenied):
        conflict_resolve(actor=_writer(metadata["market"]), conflict=conflict, take=True)

    assert RecordConflict.objects.get().status == "open"
