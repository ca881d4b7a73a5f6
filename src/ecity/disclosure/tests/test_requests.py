"""Disclosure requests: identity checks, the 20-working-day limit, extension and correction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ecity.audit.models import AuditEntry
from ecity.core.calendar import add_working_days
from ecity.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from ecity.core.models import CalendarDay
from ecity.disclosure.models import ApplicantType, Delivery, DisclosureRequest
from ecity.disclosure.selectors.requests import request_by_query_code, request_list
from ecity.disclosure.services.requests import (
    correction_answer,
    correction_ask,
    deadlines_refresh,
    request_extend,
    request_submit,
)
from ecity.disclosure.tests.factories import (
    enterprise_input,
    head_of,
    person_input,
    staff_of,
    submit,
)
from ecity.identity.tests.factories import DepartmentFactory, UserFactory
from ecity.notify.models import Notification
from ecity.workflow.clocks import DeadlineState

pytestmark = pytest.mark.django_db


def test_request_without_identity_is_refused_with_field_errors():
    department = DepartmentFactory()
    with pytest.raises(ValidationFailed) as refused:
        request_submit(
            applicant=None,
            department=department,
            data=person_input(name="", id_number="", phone=""),
        )
    assert set(refused.value.fields) == {"name", "id_number", "phone"}
    assert DisclosureRequest.objects.count() == 0


def test_invalid_id_number_and_uscc_are_refused():
    department = DepartmentFactory()
    with pytest.raises(ValidationFailed) as person:
        submit(department, id_number="110105199005170001")
    assert "id_number" in person.value.fields
    with pytest.raises(ValidationFailed) as enterprise:
        request_submit(
            applicant=None,
            department=department,
            data=enterprise_input(uscc="91110105000000000X", legal_representative=""),
        )
    assert set(enterprise.value.fields) == {"uscc", "legal_representative"}


def test_delivery_by_post_needs_an_address():
    with pytest.raises(ValidationFailed) as refused:
        submit(DepartmentFactory(), delivery=Delivery.POST, address="")
    assert list(refused.value.fields) == ["address"]


def test_request_gets_number_query_code_and_20_working_day_limit():
    department = DepartmentFactory(code="ENV")
    applicant = UserFactory()
    request = submit(department, applicant=applicant)
    today = timezone.localdate()
    assert request.number == f"GK-{today.year}-ENV-000001"
    assert len(request.query_code) == 8
    assert request.due_on == add_working_days(today, 20)
    # found by number + query code, not with a wrong code
    assert request_by_query_code(number=request.number, query_code=request.query_code) == request
    with pytest.raises(NotFound):
        request_by_query_code(number=request.number, query_code="WRONG000")
    # the applicant is told
    assert Notification.objects.filter(event="disclosure_received", recipient=applicant).exists()


def test_personal_data_is_encrypted_at_rest():
    request = submit(DepartmentFactory())
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, id_number FROM disclosure_disclosurerequest WHERE id = %s", [request.pk]
        )
        name, id_number = cursor.fetchone()
    assert "王小明" not in name
    assert request.id_number not in id_number
    assert DisclosureRequest.objects.get(pk=request.pk).name == "王小明"


def test_limit_skips_public_holidays():
    today = timezone.localdate()
    plain = add_working_days(today, 20)
    CalendarDay.objects.create(
        date=add_working_days(today, 3), kind=CalendarDay.Kind.HOLIDAY, name="测试假日"
    )
    request = submit(DepartmentFactory())
    assert request.due_on == add_working_days(today, 20)
    assert request.due_on > plain


def test_one_extension_by_the_head_then_a_second_is_refused():
    department = DepartmentFactory()
    request = submit(department)
    with pytest.raises(PermissionDenied):
        request_extend(actor=staff_of(department), request=request, reason="需要会商")
    head = head_of(department)
    extended = request_extend(actor=head, request=request, reason="需要会商多个部门")
    assert extended.extension_days == 20
    assert extended.due_on == add_working_days(extended.received_on, 40)
    assert AuditEntry.objects.filter(action="disclosure_request.extended").count() == 1
    with pytest.raises(ApplicationError) as again:
        request_extend(actor=head, request=extended, reason="仍需时间")
    assert again.value.code == "disclosure_already_extended"
    assert DisclosureRequest.objects.get(pk=request.pk).due_on == extended.due_on


def test_extension_needs_a_reason():
    department = DepartmentFactory()
    with pytest.raises(ValidationFailed) as refused:
        request_extend(actor=head_of(department), request=submit(department), reason=" ")
    assert list(refused.value.fields) == ["reason"]


def test_correction_stops_the_clock_and_restarts_it_from_the_corrected_request():
    department = DepartmentFactory()
    request = submit(department)
    # the request arrived two weeks ago
    today = timezone.localdate()
    earlier = today - dt.timedelta(days=14)
    DisclosureRequest.objects.filter(pk=request.pk).update(
        received_on=earlier, clock_started_on=earlier, due_on=add_working_days(earlier, 20)
    )
    request.refresh_from_db()
    correction_ask(actor=staff_of(department), request=request, what="请说明所需文件的年份")
    request.refresh_from_db()
    assert request.status == DisclosureRequest.Status.AWAITING_CORRECTION
    assert request.deadline_state == DeadlineState.SUSPENDED
    # a stopped clock is never flagged overdue by the periodic refresh
    DisclosureRequest.objects.filter(pk=request.pk).update(due_on=today - dt.timedelta(days=1))
    deadlines_refresh(today)
    request.refresh_from_db()
    assert request.deadline_state == DeadlineState.SUSPENDED
    # when the applicant answers, the full limit counts again from today
    answered = correction_answer(request=request, answer="需要2025年的报告")
    assert answered.status == DisclosureRequest.Status.RECEIVED
    assert answered.clock_started_on == today
    assert answered.due_on == add_working_days(today, 20)
    assert answered.received_on == earlier


def test_only_the_applicant_answers_a_correction():
    department = DepartmentFactory()
    request = submit(department, applicant=UserFactory())
    correction_ask(actor=staff_of(department), request=request, what="请补充用途")
    with pytest.raises(PermissionDenied):
        correction_answer(request=request, answer="x", applicant=UserFactory())


def test_overdue_and_due_soon_lists_of_the_department():
    department = DepartmentFactory()
    staff = staff_of(department)
    late = submit(department)
    soon = submit(department)
    fine = submit(department)
    today = timezone.localdate()
    DisclosureRequest.objects.filter(pk=late.pk).update(due_on=today - dt.timedelta(days=1))
    DisclosureRequest.objects.filter(pk=soon.pk).update(due_on=add_working_days(today, 1))
    deadlines_refresh(today)
    assert list(request_list(actor=staff, state=DeadlineState.OVERDUE)) == [late]
    assert list(request_list(actor=staff, state=DeadlineState.DUE_SOON)) == [soon]
    assert fine in request_list(actor=staff, state=DeadlineState.NORMAL)


def test_staff_of_another_department_neither_see_nor_act():
    department_a, department_b = DepartmentFactory(), DepartmentFactory()
    request = submit(department_a)
    staff_b = staff_of(department_b)
    assert list(request_list(actor=staff_b)) == []
    assert list(request_list(actor=staff_of(department_a))) == [request]
    with pytest.raises(PermissionDenied):
        correction_ask(actor=staff_b, request=request, what="补正")
    with pytest.raises(PermissionDenied):
        request_extend(actor=head_of(department_b), request=request, reason="理由")


def test_enterprise_request_is_received():
    request = request_submit(
        applicant=None, department=DepartmentFactory(), data=enterprise_input()
    )
    assert request.applicant_type == ApplicantType.ENTERPRISE
    assert request.uscc.startswith("91")


def test_an_applicant_without_an_account_is_told_by_sms_and_e_mail_with_the_query_code():
    # Given a request filed without signing in, with a phone number and an e-mail address
    request = submit(
        DepartmentFactory(code="ENV", name_zh="市生态环境局"),
        phone="13912345678",
        email="wang.xiaoming@example.cn",
        delivery=Delivery.EMAIL,
    )

    # Then the applicant gets its number and query code by SMS and by e-mail, linking to the
    # lookup page (there is no account to sign in to)
    sent = {n.channel: n for n in Notification.objects.filter(event="disclosure_received")}
    assert set(sent) == {"sms", "email"}
    assert sent["sms"].to_address == "13912345678"
    assert sent["email"].to_address == "wang.xiaoming@example.cn"
    assert request.number in sent["sms"].body and request.query_code in sent["sms"].body
    assert "查询码" in sent["sms"].body
    assert request.query_code in sent["email"].body
    assert sent["email"].link_path == "/disclosure/requests/lookup/"
    assert all(n.recipient is None for n in sent.values())


def test_a_signed_in_applicant_is_told_through_the_account_without_the_query_code():
    applicant = UserFactory(phone="13700000000")
    request = submit(DepartmentFactory(), applicant=applicant, phone="13912345678")

    sent = list(Notification.objects.filter(event="disclosure_received"))
    assert sent and all(n.recipient == applicant for n in sent)
    assert "13912345678" not in {n.to_address for n in sent}  # the account's own channels
    assert not any(request.query_code in n.body for n in sent)
