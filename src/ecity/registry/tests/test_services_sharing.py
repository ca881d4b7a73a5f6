"""Controlled sharing: requests answered within 10 working days, grants, revocation, access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from ecity.audit.models import AuditEntry
from ecity.core.calendar import add_working_days
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.identity.tests.factories import StaffRoleFactory
from ecity.notify.models import Notification
from ecity.registry.models import SharingGrant, SharingRequest
from ecity.registry.selectors.sharing import (
    SHARED_REGISTRIES,
    FieldAccess,
    registry_access,
    sharing_request_list,
)
from ecity.registry.services.sharing import (
    sharing_grant_revoke,
    sharing_request_approve,
    sharing_request_refuse,
    sharing_request_submit,
    sharing_requests_deadlines_refresh,
)
from ecity.sso.selectors import SystemClient
from ecity.workflow.clocks import DeadlineState

pytestmark = pytest.mark.django_db
PERSONS = SHARED_REGISTRIES["persons"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _submit(sharing, *, items=("DE0005", "DE0006"), **changes):
    today = timezone.localdate()
    values = {
        "actor": sharing["labour_admin"],
        "requester": sharing["labour"],
        "application": sharing["application"],
        "resource": sharing["resource"],
        "items": [sharing["items"][identifier] for identifier in items],
        "purpose": "核验社保参保人员的出生日期和住址",
        "legal_basis": "《社会保险法》第五十八条",
        "starts_on": today,
        "ends_on": today + dt.timedelta(days=365),
        **changes,
    }
    return sharing_request_submit(**values)


def _client(sharing):
    return SystemClient(application=sharing["application"], department=sharing["labour"])


def test_a_request_starts_the_providers_ten_working_day_clock_and_tells_its_administrators(
    sharing,
):
    request = _submit(sharing)

    today = timezone.localdate()
    assert request.status == SharingRequest.Status.PENDING
    assert request.provider == sharing["police"]
    assert request.due_on == add_working_days(today, 10)
    assert AuditEntry.objects.filter(action="registry.sharing_requested").count() == 1
    assert Notification.objects.filter(
        event="sharing_requested", recipient=sharing["police_admin"]
    ).exists()
    received = sharing_request_list(actor=sharing["police_admin"], department=sharing["police"])
    assert list(received) == [request]


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (("DE0007",), "“Mobile phone number” is not shared."),
        (("DE0002",), "“Name” is shared unconditionally: no request is needed."),
        ((), "Choose the information items you need."),
    ],
)
def test_a_request_for_items_that_need_no_grant_or_are_never_given_is_refused(
    sharing, items, message
):
    with pytest.raises(ValidationFailed) as error:
        _submit(sharing, items=items)

    assert error.value.fields["items"] == [message]
    assert not SharingRequest.objects.exists()


def test_a_request_without_purpose_or_legal_basis_or_with_a_backward_period_names_each_field(
    sharing,
):
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as error:
        _submit(sharing, purpose=" ", legal_basis="", ends_on=today - dt.timedelta(days=1))

    assert set(error.value.fields) == {"purpose", "legal_basis", "ends_on"}
    assert not SharingRequest.objects.exists()


def test_another_departments_administrator_cannot_request_for_the_labour_bureau(sharing):
    with pytest.raises(PermissionDenied):
        _submit(sharing, actor=sharing["police_admin"])


def test_a_request_naming_another_departments_system_is_refused(sharing):
    from ecity.sso.services import system_client_register

    police_system, _secret = system_client_register(
        actor=sharing["platform_admin"], name="公安系统", department=sharing["police"]
    )
    with pytest.raises(ValidationFailed) as error:
        _submit(sharing, application=police_system)

    assert "application" in error.value.fields


def test_the_provider_approves_and_the_system_reads_the_granted_fields_until_revoked(sharing):
    request = _submit(sharing)
    client = _client(sharing)
    before = registry_access(client=client, registry=PERSONS, today=timezone.localdate())
    assert before.fields["birth_on"] == FieldAccess.NEEDS_GRANT

    grant = sharing_request_approve(actor=sharing["police_admin"], sharing_request=request)

    request.refresh_from_db()
    assert request.status == SharingRequest.Status.APPROVED
    assert grant.expires_on == request.ends_on
    access = registry_access(client=client, registry=PERSONS, today=timezone.localdate())
    assert access.readable == ["id_number", "name", "birth_on", "address"]
    assert access.fields["sex"] == FieldAccess.NEEDS_GRANT
    assert access.fields["phone"] == FieldAccess.NOT_SHARED
    assert Notification.objects.filter(
        event="sharing_request_decided", recipient=sharing["labour_admin"]
    ).exists()

    sharing_grant_revoke(actor=sharing["police_admin"], grant=grant, reason="用途已结束")

    after = registry_access(client=client, registry=PERSONS, today=timezone.localdate())
    assert after.readable == ["id_number", "name"]
    assert after.fields["address"] == FieldAccess.REVOKED
    assert after.problem("address") == "Your grant for “address” was revoked: 用途已结束"
    assert AuditEntry.objects.filter(action="registry.sharing_grant_revoked").count() == 1


def test_a_grant_reads_nothing_after_its_last_day(sharing):
    grant = sharing_request_approve(actor=sharing["police_admin"], sharing_request=_submit(sharing))

    later = grant.expires_on + dt.timedelta(days=1)
    access = registry_access(client=_client(sharing), registry=PERSONS, today=later)

    assert access.fields["birth_on"] == FieldAccess.EXPIRED
    assert access.problem("birth_on") == (
        f"Your grant for “date of birth” expired on {grant.expires_on.isoformat()}."
    )


def test_a_grant_reads_nothing_before_its_first_day(sharing):
    grant = sharing_request_approve(actor=sharing["police_admin"], sharing_request=_submit(sharing))

    earlier = grant.starts_on - dt.timedelta(days=1)
    access = registry_access(client=_client(sharing), registry=PERSONS, today=earlier)

    assert access.fields["birth_on"] == FieldAccess.NOT_YET
    assert access.problem("birth_on") == (
        f"Your grant for “date of birth” starts on {grant.starts_on.isoformat()}."
    )
    # on its first day it reads
    first = registry_access(client=_client(sharing), registry=PERSONS, today=grant.starts_on)
    assert first.fields["birth_on"] == FieldAccess.READABLE


def test_only_the_providers_data_administrator_answers_and_only_once(sharing):
    request = _submit(sharing)

    with pytest.raises(PermissionDenied):
        sharing_request_approve(actor=sharing["labour_admin"], sharing_request=request)
    sharing_request_refuse(
        actor=sharing["police_admin"], sharing_request=request, reason="用途超出法定职责"
    )
    with pytest.raises(Conflict):
        sharing_request_approve(actor=sharing["police_admin"], sharing_request=request)

    request.refresh_from_db()
    assert request.status == SharingRequest.Status.REFUSED
    assert request.decision_reason == "用途超出法定职责"
    assert not SharingGrant.objects.exists()


def test_a_refusal_needs_a_reason(sharing):
    request = _submit(sharing)

    with pytest.raises(ValidationFailed) as error:
        sharing_request_refuse(actor=sharing["police_admin"], sharing_request=request, reason="")

    assert "reason" in error.value.fields
    request.refresh_from_db()
    assert request.is_pending


def test_a_platform_administrator_may_revoke_but_the_grantee_may_not(sharing):
    grant = sharing_request_approve(actor=sharing["police_admin"], sharing_request=_submit(sharing))

    with pytest.raises(PermissionDenied):
        sharing_grant_revoke(actor=sharing["labour_admin"], grant=grant, reason="不需要了")
    sharing_grant_revoke(actor=sharing["platform_admin"], grant=grant, reason="安全检查")

    grant.refresh_from_db()
    assert grant.revoked_by == sharing["platform_admin"]


def test_a_grant_held_by_a_system_now_of_another_department_reads_nothing(sharing):
    grant = sharing_request_approve(actor=sharing["police_admin"], sharing_request=_submit(sharing))
    other = StaffRoleFactory(role="department_admin").department
    client = SystemClient(application=grant.application, department=other)

    access = registry_access(client=client, registry=PERSONS, today=timezone.localdate())

    assert access.fields["birth_on"] == FieldAccess.WRONG_DEPARTMENT


def test_an_unanswered_request_becomes_due_soon_then_overdue_and_is_escalated_once(sharing):
    request = _submit(sharing)
    StaffRoleFactory(role="platform_admin", department=None)

    sharing_requests_deadlines_refresh(request.due_on - dt.timedelta(days=1))
    request.refresh_from_db()
    assert request.deadline_state == DeadlineState.DUE_SOON
    assert request.escalated_at is None

    overdue_day = add_working_days(request.due_on, 1)
    sharing_requests_deadlines_refresh(overdue_day)
    sharing_requests_deadlines_refresh(overdue_day)

    request.refresh_from_db()
    assert request.deadline_state == DeadlineState.OVERDUE
    assert request.escalated_at is not None
    escalations = Notification.objects.filter(event="sharing_request_overdue")
    recipients = set(escalations.values_list("recipient", flat=True))
    assert sharing["platform_admin"].pk in recipients
    assert sharing["police_admin"].pk in recipients
    assert AuditEntry.objects.filter(action="registry.sharing_request_escalated").count() == 1


def test_a_not_shared_resource_keyed_by_id_number_hides_nothing_another_resource_shares(sharing):
    from ecity.registry.models import DataElement, ResourceItem, ShareType
    from ecity.registry.tests.factories import ResourceFactory

    records = ResourceFactory(
        code="GAJ-FZ-0001",
        name="违法犯罪记录信息",
        provider=sharing["police"],
        share_type=ShareType.NOT_SHARED,
        status="published",
    )
    for identifier in ("DE0001", "DE0002", "DE0005"):
        ResourceItem.objects.create(
            resource=records, data_element=DataElement.objects.get(identifier=identifier)
        )

    access = registry_access(client=_client(sharing), registry=PERSONS, today=timezone.localdate())

    assert access.readable == ["id_number", "name"]
    assert access.fields["birth_on"] == FieldAccess.NEEDS_GRANT
    assert access.fields["phone"] == FieldAccess.NOT_SHARED


def test_a_granted_item_made_not_shared_later_is_no_longer_read(sharing):
    sharing_request_approve(actor=sharing["police_admin"], sharing_request=_submit(sharing))
    item = sharing["items"]["DE0006"]
    item.share_type = "not_shared"
    item.save()

    access = registry_access(client=_client(sharing), registry=PERSONS, today=timezone.localdate())

    assert access.fields["birth_on"] == FieldAccess.READABLE
    assert access.fields["address"] == FieldAccess.NOT_SHARED


def test_an_item_granted_on_the_resources_own_condition_is_read(sharing):
    # DE0003 (sex) has no share type of its own: the resource's, conditional.
    sharing_request_approve(
        actor=sharing["police_admin"], sharing_request=_submit(sharing, items=("DE0003",))
    )

    access = registry_access(client=_client(sharing), registry=PERSONS, today=timezone.localdate())

    assert access.fields["sex"] == FieldAccess.READABLE
    assert access.fields["birth_on"] == FieldAccess.NEEDS_GRANT


def test_the_access_of_a_system_costs_the_same_queries_with_a_large_catalogue(
    sharing, django_assert_num_queries
):
    from ecity.registry.models import DataElement, ResourceItem
    from ecity.registry.tests.factories import ResourceFactory

    sharing_request_approve(actor=sharing["police_admin"], sharing_request=_submit(sharing))
    client = _client(sharing)
    today = timezone.localdate()
    registry_access(client=client, registry=PERSONS, today=today)  # warms the element cache
    with django_assert_num_queries(2) as small:
        registry_access(client=client, registry=PERSONS, today=today)
    key = DataElement.objects.get(identifier="DE0001")
    for n in range(20):
        entry = ResourceFactory(
            code=f"GAJ-X-{n:04d}", provider=sharing["police"], status="published"
        )
        ResourceItem.objects.create(resource=entry, data_element=key)

    with django_assert_num_queries(len(small.captured_queries)):
        access = registry_access(client=client, registry=PERSONS, today=today)

    assert access.readable == ["id_number", "name", "birth_on", "address"]


def test_a_request_for_a_resource_withdrawn_meanwhile_cannot_be_approved(sharing):
    request = _submit(sharing)
    sharing["resource"].status = "withdrawn"
    sharing["resource"].save()

    with pytest.raises(ValidationFailed) as error:
        sharing_request_approve(actor=sharing["police_admin"], sharing_request=request)

    assert error.value.fields["resource"] == [
        "The resource is no longer published: refuse the request."
    ]
    assert not SharingGrant.objects.exists()
