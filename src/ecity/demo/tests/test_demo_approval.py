"""The approval part of the demo city: processes, certificate types, demo cases, --if-empty."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ecity.cases.models import Case, CaseTask
from ecity.cases.selectors import process_owner_ref
from ecity.catalogue.models import ServiceItemVersion
from ecity.certificates.models import Certificate, CertificateType
from ecity.certificates.services import certificate_verify
from ecity.certificates.verification import qr_payload
from ecity.core.validators import validate_uscc
from ecity.demo.data.accounts import DEMO_PASSWORD
from ecity.demo.services import demo_approval_ensure, demo_city_load
from ecity.identity.models import User
from ecity.org.models import Department, StaffRole
from ecity.workflow.models import ProcessDefinition

pytestmark = pytest.mark.django_db


def _definitions(item_code: str):
    """The process definitions of the service's versions."""
    versions = ServiceItemVersion.objects.filter(item__code=item_code)
    return ProcessDefinition.objects.filter(owner_ref__in=[process_owner_ref(v) for v in versions])


def _review_departments(item_code: str) -> list[str]:
    definition = _definitions(item_code).get(is_active=True)
    return [step["department"] for step in definition.description["review_steps"]]


def test_load_demo_activates_parallel_processes_for_the_joint_services():
    call_command("load_demo", "--no-content", "--hotline-tickets", "0", stdout=io.StringIO())

    assert _review_departments("SCJ-XK-001") == ["SCJ", "WJW"]
    assert _review_departments("WJW-XK-001") == ["WJW", "XFJ"]
    assert _review_departments("ZJW-XK-001") == ["ZJW", "XFJ"]
    food = _definitions("SCJ-XK-001").get()
    assert food.description["lead_department"] == "SCJ"
    assert food.description["decision_role"] == "approver"
    # Every department of a process has staff for its step, and a (fictional) USCC.
    for code, role in [
        ("SCJ", "counter_clerk"),
        ("SCJ", "reviewer"),
        ("WJW", "reviewer"),
        ("SCJ", "approver"),
        ("WJW", "counter_clerk"),
        ("XFJ", "reviewer"),
        ("WJW", "approver"),
        ("ZJW", "counter_clerk"),
        ("ZJW", "reviewer"),
        ("ZJW", "approver"),
    ]:
        assert StaffRole.objects.filter(role=role, department__code=code, is_active=True).exists()
    for code in ("SCJ", "WJW", "ZJW", "XFJ"):
        validate_uscc(Department.objects.get(code=code).uscc)


def test_load_demo_gives_zhangwei_cases_in_three_states_made_through_the_services():
    out = io.StringIO()
    call_command("load_demo", "--no-content", "--hotline-tickets", "0", stdout=out)

    cases = {
        case.status: case
        for case in Case.objects.filter(
            applicant__username="zhangwei", deadline_state=Case.DeadlineState.NORMAL
        ).select_related("service_version__item")
    }
    assert set(cases) == {Case.Status.SUBMITTED, Case.Status.IN_PROGRESS, Case.Status.APPROVED}
    assert "demo cases 5" in out.getvalue()

    waiting = cases[Case.Status.SUBMITTED]
    assert waiting.service_version.item.code == "WJW-XK-001"
    assert waiting.acceptance_due_on is not None

    in_review = cases[Case.Status.IN_PROGRESS]
    open_reviews = in_review.tasks.filter(kind=CaseTask.Kind.REVIEW, status=CaseTask.Status.OPEN)
    assert sorted(open_reviews.values_list("department__code", flat=True)) == ["SCJ", "WJW"]
    assert in_review.committed_due_on is not None

    approved = cases[Case.Status.APPROVED]
    certificate = Certificate.objects.get(source_ref=f"cases.case:{approved.public_id}")
    assert certificate.type_name == "食品经营许可证"
    assert certificate.data["operator_name"] == "示范市东城区张记小馆"
    validate_uscc(certificate.data["operator_uscc"])
    result = certificate_verify(payload=qr_payload(certificate))
    assert result.status == "valid"


def test_load_demo_without_the_training_switch_still_loads_every_case_none_moved(settings):
    # Given a city started with production settings (ECITY_TRAINING_MODE off)
    settings.ECITY_TRAINING_MODE = False

    # When the demo city is loaded
    out = io.StringIO()
    call_command("load_demo", "--no-content", "--hotline-tickets", "0", stdout=out)

    # Then zhangwei still gets his five cases, but none is moved back in time, so none is late
    cases = Case.objects.filter(applicant__username="zhangwei")
    assert "demo cases 5" in out.getvalue()
    assert cases.count() == 5
    assert set(cases.values_list("deadline_state", flat=True)) == {Case.DeadlineState.NORMAL}
    assert all(timezone.now() - case.submitted_at < dt.timedelta(hours=1) for case in cases)


def test_loading_again_adds_no_processes_cases_or_certificates():
    call_command("load_demo", "--no-content", "--hotline-tickets", "0", stdout=io.StringIO())
    counts = (
        ProcessDefinition.objects.count(),
        Case.objects.count(),
        Certificate.objects.count(),
        CertificateType.objects.count(),
    )

    out = io.StringIO()
    call_command("load_demo", "--no-content", "--hotline-tickets", "0", stdout=out)
    call_command("load_demo", "--no-content", "--hotline-tickets", "0", "--if-empty", stdout=out)

    # 5 cases of zhangwei (one due soon, one overdue) and 4 rated cases of lina and wangfang
    # (3 of them approved, each with a certificate, as is one of zhangwei's), and the 营业执照
    # of 云帆科技 in the wallet (a third certificate type)
    assert counts == (3, 9, 5, 3)
    assert (
        ProcessDefinition.objects.count(),
        Case.objects.count(),
        Certificate.objects.count(),
        CertificateType.objects.count(),
    ) == counts
    assert "approval processes 0, demo cases 0" in out.getvalue()


def test_if_empty_on_an_older_demo_database_adds_what_is_missing():
    # Given a demo city loaded by an older version: no fire brigade, no new staff, no processes
    demo_city_load()
    User.objects.filter(username__in=["reviewer_xfj", "approver_zjw"]).delete()
    StaffRole.objects.filter(department__code="XFJ").delete()
    Department.objects.filter(code="XFJ").delete()
    changed = User.objects.get(username="reviewer_scj")
    changed.set_password("Changed-by-her-2026")
    changed.save()

    out = io.StringIO()
    call_command("load_demo", "--no-content", "--hotline-tickets", "0", "--if-empty", stdout=out)

    assert "already there" in out.getvalue()
    assert Department.objects.get(code="XFJ").name_zh == "示范市消防救援支队"
    assert User.objects.get(username="reviewer_xfj").check_password(DEMO_PASSWORD)
    assert StaffRole.objects.filter(user__username="approver_zjw", department__code="ZJW").exists()
    assert User.objects.get(username="reviewer_scj").check_password("Changed-by-her-2026")
    assert ProcessDefinition.objects.filter(is_active=True).count() == 3
    assert CertificateType.objects.count() == 3  # the licences' two and the wallet's 营业执照
    assert Case.objects.filter(applicant__username="zhangwei").count() == 5


def test_a_process_changed_by_an_administrator_is_left_alone():
    demo_city_load()
    demo_approval_ensure(with_cases=False)
    _definitions("SCJ-XK-001").update(is_active=False)

    result = demo_approval_ensure(with_cases=False)

    assert result.processes == 0
    assert not _definitions("SCJ-XK-001").filter(is_active=True).exists()


def test_no_demo_cases_when_zhangwei_already_has_cases():
    call_command(
        "load_demo", "--no-content", "--hotline-tickets", "0", "--no-cases", stdout=io.StringIO()
    )
    assert not Case.objects.exists()

    call_command("load_demo", "--no-content", "--hotline-tickets", "0", stdout=io.StringIO())
    assert Case.objects.filter(applicant__username="zhangwei").count() == 5
    Case.objects.filter(status=Case.Status.SUBMITTED).delete()

    assert demo_approval_ensure().cases == 0
    assert Case.objects.filter(applicant__username="zhangwei").count() == 4


def test_nothing_is_added_to_a_database_without_the_demo_city():
    result = demo_approval_ensure()

    assert result.skipped
    assert not ProcessDefinition.objects.exists()
    assert not Department.objects.exists()


def test_supervision_shows_a_due_soon_and_an_overdue_demo_case_that_can_be_urged(client, settings):
    # Given the demo city, whose supervision office is the service management office
    settings.ECITY_SUPERVISION_DEPARTMENT_CODE = "ZWB"
    call_command("load_demo", "--no-content", "--hotline-tickets", "0", stdout=io.StringIO())
    due_soon = Case.objects.get(applicant__username="zhangwei", deadline_state="due_soon")
    overdue = Case.objects.get(applicant__username="zhangwei", deadline_state="overdue")
    accepted_entry = overdue.events.get(action="accepted").created_at
    assert abs(accepted_entry - overdue.accepted_at) < dt.timedelta(minutes=1)  # moved together
    assert overdue.accepted_at < overdue.submitted_at + dt.timedelta(minutes=1)

    # When the supervisor 郑洁 opens her page
    client.force_login(User.objects.get(username="supervisor_zwb"))
    page = client.get(reverse("cases:supervision"))

    # Then both cases are listed with an urge form
    assert page.status_code == 200
    html = page.content.decode()
    for case in (due_soon, overdue):
        assert case.number in html
        assert reverse("cases:supervision_urge", args=[case.number]) in html

    # And urging the overdue one records it and tells its handlers
    response = client.post(
        reverse("cases:supervision_urge", args=[overdue.number]), {"note": "请尽快办结"}
    )
    assert response.status_code == 302
    assert overdue.events.filter(action="urged").count() == 1
