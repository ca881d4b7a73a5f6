"""Disputes (异议) reach the authority's data administrators, and the outcome who raised them."""

from __future__ import annotations

import pytest
from django.utils import translation

from ecity.core.calendar import add_working_days, calendar_seed
from ecity.identity.tests.factories import StaffRoleFactory, UserFactory, id_number_for
from ecity.notify.models import Notification
from ecity.registry.models import Person
from ecity.registry.services.disputes import (
    dispute_raise,
    dispute_settle,
    disputes_deadlines_refresh,
)
from ecity.registry.services.records import person_write
from ecity.workflow.clocks import DeadlineState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(metadata):
    """The police's data administrator, a platform administrator and a citizen's record."""
    calendar_seed()
    police = metadata["police"]
    police_admin = StaffRoleFactory(department=police, role="department_admin").user
    platform_admin = StaffRoleFactory(role="platform_admin", department=None).user
    record = person_write(
        actor=police_admin,
        department=police,
        source="counter",
        id_number=id_number_for(502),
        values={"name": "孙八", "address": "示范市旧路1号"},
    ).record
    citizen = UserFactory(preferred_language="en")
    Person.objects.filter(pk=record.pk).update(account=citizen)
    return {
        "police_admin": police_admin,
        "platform_admin": platform_admin,
        "citizen": citizen,
        "person": Person.objects.get(pk=record.pk),
    }


def _raise(people):
    return dispute_raise(
        actor=people["citizen"],
        department=None,
        record=people["person"],
        attribute="address",
        proposed_value="示范市新路2号",
        reason="I moved in May.",
    )


def test_a_raised_dispute_tells_the_authoritys_data_administrators_without_the_values(people):
    dispute = _raise(people)

    sent = Notification.objects.filter(event="dispute_raised", channel="in_app")
    assert set(sent.values_list("recipient", flat=True)) == {people["police_admin"].pk}
    message = sent.first()
    assert message.object_id == str(dispute.public_id)
    assert "地址" in message.subject  # the attribute, in the recipient's language (zh-Hans)
    assert "2026" in message.body or str(dispute.due_on.year) in message.body
    # the values are personal: neither the old nor the proposed address is in the message
    assert "旧路" not in message.body and "新路" not in message.body
    assert message.link_path == f"/admin/registry/dispute/{dispute.pk}/change/"


def test_the_citizen_hears_how_their_dispute_was_settled(people):
    dispute = _raise(people)

    dispute_settle(
        actor=people["police_admin"], dispute=dispute, accept=False, reason="户籍登记未变更"
    )

    sent = Notification.objects.get(event="dispute_settled", channel="in_app")
    assert sent.recipient == people["citizen"]
    assert "Rejected" in sent.subject
    assert "户籍登记未变更" in sent.body
    assert sent.link_path.endswith("/registry/my-record/")


def test_due_soon_and_overdue_disputes_alert_the_administrators_once_each(people):
    dispute = _raise(people)
    due_soon_day = add_working_days(dispute.due_on, -1)
    overdue_day = add_working_days(dispute.due_on, 1)

    disputes_deadlines_refresh(due_soon_day)
    disputes_deadlines_refresh(due_soon_day)

    dispute.refresh_from_db()
    assert (dispute.deadline_state, dispute.alerted_state) == (DeadlineState.DUE_SOON,) * 2
    due_soon = Notification.objects.filter(event="dispute_due_soon", channel="in_app")
    assert list(due_soon.values_list("recipient", flat=True)) == [people["police_admin"].pk]

    disputes_deadlines_refresh(overdue_day)
    disputes_deadlines_refresh(overdue_day)

    overdue = Notification.objects.filter(event="dispute_overdue", channel="in_app")
    assert set(overdue.values_list("recipient", flat=True)) == {
        people["police_admin"].pk,
        people["platform_admin"].pk,
    }
    assert overdue.count() == 2


def test_a_settled_dispute_no_longer_alerts(people):
    dispute = _raise(people)
    dispute_settle(actor=people["police_admin"], dispute=dispute, accept=True)

    disputes_deadlines_refresh(add_working_days(dispute.due_on, 1))

    assert not Notification.objects.filter(event="dispute_overdue").exists()
