"""The annual report: statistics that match the requests, editing, publication."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ecity.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from ecity.disclosure.models import AnnualReport, DisclosureRequest, ReplyType
from ecity.disclosure.services.replies import ReplyInput, request_reply
from ecity.disclosure.services.reports import report_generate, report_publish, report_update
from ecity.disclosure.services.requests import request_submit
from ecity.disclosure.tests.factories import enterprise_input, head_of, staff_of, submit
from ecity.disclosure.tests.test_catalogue import publish
from ecity.identity.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def reply(staff, request, reply_type=ReplyType.DISCLOSED, **fields):
    return request_reply(
        actor=staff,
        request=request,
        data=ReplyInput(reply_type=reply_type, content="答复内容", **fields),
    )


def test_statistics_of_the_report_match_the_requests():
    department = DepartmentFactory()
    staff = staff_of(department)
    year = timezone.localdate().year
    # two citizens and one enterprise this year; one citizen's request from last year still open
    a, b = submit(department), submit(department)
    c = request_submit(applicant=None, department=department, data=enterprise_input())
    old = submit(department)
    last_year = dt.date(year - 1, 12, 1)
    DisclosureRequest.objects.filter(pk=old.pk).update(
        received_on=last_year, clock_started_on=last_year, due_on=dt.date(year - 1, 12, 29)
    )
    old.refresh_from_db()
    # another department's request never counts
    submit(DepartmentFactory())
    reply(staff, a)
    reply(staff, c, ReplyType.NOT_DISCLOSED, reason="涉及国家秘密", legal_ground="第十四条")
    reply(staff, old, ReplyType.OTHER_BODY, right_body="示范市财政局")  # late: due last year
    publish(department)
    report = report_generate(actor=staff, department=department, year=year)
    requests = report.tables["requests"]
    assert requests["new"] == {"person": 2, "enterprise": 1, "total": 3}
    assert requests["carried_in"] == {"person": 1, "enterprise": 0, "total": 1}
    assert requests["disclosed"]["total"] == 1
    assert requests["not_disclosed"] == {"person": 0, "enterprise": 1, "total": 1}
    assert requests["other_body"] == {"person": 1, "enterprise": 0, "total": 1}
    assert requests["late"]["total"] == 1
    assert requests["carried_out"] == {"person": 1, "enterprise": 0, "total": 1}  # b
    assert b.status == DisclosureRequest.Status.RECEIVED
    assert report.tables["proactive"]["regulations"] == {"new": 1, "total": 1}


def test_report_is_edited_then_published_by_the_head_and_frozen(client):
    department = DepartmentFactory(code="FIN")
    staff, head = staff_of(department), head_of(department)
    year = timezone.localdate().year
    report = report_generate(actor=staff, department=department, year=year)
    with pytest.raises(ValidationFailed) as refused:
        report_update(
            actor=staff, report=report, summary="", problems="", reviews={"review_pending": -1}
        )
    assert list(refused.value.fields) == ["review_pending"]
    with pytest.raises(PermissionDenied):
        report_publish(actor=staff, report=report)
    with pytest.raises(ValidationFailed):
        report_publish(actor=head, report=report)  # problems text missing
    report_update(
        actor=staff,
        report=report,
        summary="本年度主动公开信息 1 条。",
        problems="依申请公开答复的规范性有待提高，下一步将加强培训。",
        reviews={"review_maintained": 2},
    )
    report = report_publish(actor=head, report=report)
    assert report.status == AnnualReport.Status.PUBLISHED
    with pytest.raises(ApplicationError):
        report_update(actor=staff, report=report, summary="x", problems="y", reviews={})
    page = client.get(reverse("disclosure:report", kwargs={"code": "FIN", "year": year}))
    assert page.status_code == 200
    assert "依申请公开答复的规范性有待提高" in page.content.decode()
    pdf = client.get(reverse("disclosure:report_pdf", kwargs={"code": "FIN", "year": year}))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_draft_report_is_not_public(client):
    department = DepartmentFactory(code="EDU")
    year = timezone.localdate().year
    report_generate(actor=staff_of(department), department=department, year=year)
    page = client.get(reverse("disclosure:report", kwargs={"code": "EDU", "year": year}))
    assert page.status_code == 404
