"""Efficiency supervision: who supervises what, the lists, urging, department performance."""

import datetime as dt

import pytest
from django.urls import reverse

from ecity.cases import selectors, services
from ecity.cases.models import Case
from ecity.cases.selectors.supervision import supervised_departments
from ecity.cases.tests.workbench_support import at, make_case, parallel_process
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory

pytestmark = pytest.mark.django_db
D = dt.date


def _decided(joint, department, *, accepted, decided, committed, days, status="approved"):
    return make_case(
        joint,
        department=department,
        status=status,
        accepted_at=at(accepted),
        decided_at=at(decided, hour=23),  # late evening: still the same local day
        committed_due_on=committed,
        handling_working_days=days,
    )


@pytest.fixture
def office_supervisor(joint, settings):
    settings.ECITY_SUPERVISION_DEPARTMENT_CODE = "ZWB"
    office = DepartmentFactory(code="ZWB", name_zh="市政务服务管理办公室")
    return StaffRoleFactory(department=office, role="supervisor").user


def test_department_performance_on_a_small_dataset(joint, office_supervisor):
    # Given SCJ decided 3 cases (2 on time: decided on or before the committed deadline) and
    # WJW decided 1 late; a refused and an open case do not count
    _decided(
        joint,
        joint.lead,
        accepted=D(2026, 3, 2),
        decided=D(2026, 3, 10),
        committed=D(2026, 3, 16),
        days=6,
    )
    _decided(
        joint,
        joint.lead,
        accepted=D(2026, 3, 2),
        decided=D(2026, 3, 16),
        committed=D(2026, 3, 16),
        days=10,
    )
    _decided(
        joint,
        joint.lead,
        accepted=D(2026, 3, 2),
        decided=D(2026, 3, 20),
        committed=D(2026, 3, 16),
        days=14,
        status="rejected",
    )
    _decided(
        joint,
        joint.health,
        accepted=D(2026, 3, 2),
        decided=D(2026, 3, 18),
        committed=D(2026, 3, 16),
        days=12,
    )
    make_case(joint, status="refused", decided_at=at(D(2026, 3, 3)))
    make_case(joint, status="in_progress", accepted_at=at(D(2026, 3, 2)))

    rows = selectors.department_performance(actor=office_supervisor)

    by_code = {r["department"].code: r for r in rows}
    assert set(by_code) == {"SCJ", "WJW"}
    assert (by_code["SCJ"]["decided"], by_code["SCJ"]["on_time"]) == (3, 2)
    assert by_code["SCJ"]["on_time_rate"] == 66.7
    assert by_code["SCJ"]["average_working_days"] == 10.0
    assert (by_code["WJW"]["decided"], by_code["WJW"]["on_time_rate"]) == (1, 0.0)
    assert by_code["WJW"]["average_working_days"] == 12.0

    # A department supervisor sees only their own department; since filters by decision date
    own = selectors.department_performance(actor=joint.supervisor)
    assert [r["department"].code for r in own] == ["SCJ"]
    recent = selectors.department_performance(actor=office_supervisor, since=D(2026, 3, 17))
    assert {r["department"].code: r["decided"] for r in recent} == {"SCJ": 1, "WJW": 1}


def test_supervision_lists_by_scope(joint, office_supervisor):
    overdue = make_case(joint, status="in_progress", deadline_state="overdue")
    other = make_case(joint, department=joint.fire, status="in_progress", deadline_state="overdue")
    make_case(joint, status="in_progress", deadline_state="due_soon")
    make_case(joint, status="approved", deadline_state="overdue")

    everything = selectors.supervision_cases(actor=office_supervisor, state="overdue")
    own = selectors.supervision_cases(actor=joint.supervisor, state="overdue")

    assert {c.number for c in everything} == {overdue.number, other.number}
    assert [c.number for c in own] == [overdue.number]
    assert selectors.supervision_cases(actor=joint.supervisor, state="due_soon").count() == 1
    with pytest.raises(PermissionDenied):
        selectors.supervision_cases(actor=joint.health_reviewer, state="overdue")
    with pytest.raises(ValidationFailed):
        selectors.supervision_cases(actor=joint.supervisor, state="normal")


def test_office_supervisor_can_urge_any_department(joint, office_supervisor):
    parallel_process(joint)
    case = make_case(joint, department=joint.lead)
    services.case_accept(actor=joint.clerk, case=case)

    event = services.case_urge(actor=office_supervisor, case=case, note="已超期，请尽快办结")

    assert event.actor == office_supervisor
    assert Case.objects.get(pk=case.pk).events.filter(action="urged").count() == 1


def test_without_a_supervision_office_its_supervisor_sees_only_its_own_department(
    joint, office_supervisor, settings
):
    # Given an overdue case of another department and no supervision office configured
    settings.ECITY_SUPERVISION_DEPARTMENT_CODE = ""
    make_case(joint, department=joint.fire, status="in_progress", deadline_state="overdue")

    # When the supervisor of the former office lists overdue cases
    listed = selectors.supervision_cases(actor=office_supervisor, state="overdue")

    # Then they supervise their own department only, and the other department's case is not listed
    office = office_supervisor.staff_roles.get().department
    assert supervised_departments(actor=office_supervisor) == {office.pk}
    assert listed.count() == 0
    settings.ECITY_SUPERVISION_DEPARTMENT_CODE = office.code
    assert supervised_departments(actor=office_supervisor) is None  # every department


def test_supervision_page_and_urge_button(client, joint):
    parallel_process(joint)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)
    Case.objects.filter(pk=case.pk).update(deadline_state="overdue")
    client.force_login(joint.supervisor)

    page = client.get(reverse("cases:supervision"))
    urged = client.post(
        reverse("cases:supervision_urge", kwargs={"number": case.number}), {"note": "请加快"}
    )

    assert page.status_code == 200
    assert case.number in page.content.decode()
    assert urged.status_code == 302
    assert case.events.filter(action="urged", note="请加快").count() == 1


def test_supervision_page_forbidden_for_reviewers(client, joint):
    client.force_login(joint.health_reviewer)

    assert client.get(reverse("cases:supervision")).status_code == 403


def test_supervision_api(api_client, joint, office_supervisor):
    make_case(joint, status="in_progress", deadline_state="overdue")
    _decided(
        joint,
        joint.lead,
        accepted=D(2026, 3, 2),
        decided=D(2026, 3, 10),
        committed=D(2026, 3, 16),
        days=6,
    )
    api_client.force_authenticate(office_supervisor)

    cases = api_client.get("/api/v1/cases/supervision/cases/?state=overdue")
    performance = api_client.get("/api/v1/cases/supervision/performance/")
    bad = api_client.get("/api/v1/cases/supervision/cases/?state=late")

    assert cases.status_code == 200 and cases.json()["count"] == 1
    assert performance.json() == [
        {
            "department": {"code": "SCJ", "name": joint.lead.name_zh},
            "decided": 1,
            "on_time": 1,
            "on_time_rate": 100.0,
            "average_working_days": 6.0,
        }
    ]
    assert bad.status_code == 400 and "state" in bad.json()["fields"]
    api_client.force_authenticate(joint.health_reviewer)
    assert api_client.get("/api/v1/cases/supervision/performance/").status_code == 403
