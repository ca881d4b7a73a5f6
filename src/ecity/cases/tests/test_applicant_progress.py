"""The applicant reads each involved department's step and deadline, never internal opinions."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from ecity.cases import services
from ecity.cases.selectors import case_progress
from ecity.cases.tests.workbench_support import make_case, parallel_process

pytestmark = pytest.mark.django_db

OPINION = "内部意见：消防通道宽度勉强达标"


def _steps(case):
    case.refresh_from_db()
    return [(s.department.code, s.state, s.due_on, s.done_on) for s in case_progress(case=case)]


def _review(joint, case, department, opinion="同意"):
    reviewer = {
        joint.lead: joint.lead_reviewer,
        joint.health: joint.health_reviewer,
        joint.fire: joint.fire_reviewer,
    }[department]
    task = case.tasks.get(department=department, kind="review", status="open")
    services.task_complete(actor=reviewer, task=task, outcome="approve", opinion=opinion)


def test_each_department_step_follows_the_case(joint):
    # Given a joint process: SCJ accepts; SCJ, WJW and XFJ review in parallel; SCJ decides
    parallel_process(joint)
    case = make_case(joint)
    today = timezone.localdate()

    # While it awaits acceptance the lead department checks it, the others wait
    assert _steps(case) == [
        ("SCJ", "in_review", case.acceptance_due_on, None),
        ("WJW", "waiting", case.acceptance_due_on, None),
        ("XFJ", "waiting", case.acceptance_due_on, None),
    ]

    # Once accepted, the three departments review at once, by the committed deadline
    services.case_accept(actor=joint.clerk, case=case)
    case.refresh_from_db()
    due = case.committed_due_on
    assert _steps(case) == [
        ("SCJ", "in_review", due, None),
        ("WJW", "in_review", due, None),
        ("XFJ", "in_review", due, None),
    ]

    # When health and fire have approved, they are done; the lead still reviews and decides
    _review(joint, case, joint.health)
    _review(joint, case, joint.fire, opinion=OPINION)
    assert _steps(case) == [
        ("SCJ", "in_review", due, None),
        ("WJW", "done", None, today),
        ("XFJ", "done", None, today),
    ]
    _review(joint, case, joint.lead)
    assert _steps(case)[0] == ("SCJ", "in_review", due, None)  # the decision is its own


def test_applicant_page_and_api_show_the_steps_without_opinions(client, api_client, joint):
    parallel_process(joint)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)
    _review(joint, case, joint.fire, opinion=OPINION)

    client.force_login(joint.citizen)
    page = client.get(reverse("cases:detail", args=[case.number]))
    assert page.status_code == 200
    html = page.content.decode()
    table = html[html.index('class="table progress-steps"') :]
    table = table[: table.index("</table>")]
    assert "市消防救援支队" in table and "已完成" in table
    assert "市卫生健康委员会" in table and "审查中" in table
    assert OPINION not in html

    api_client.force_authenticate(joint.citizen)
    response = api_client.get(f"/api/v1/cases/my/{case.number}/")
    assert response.status_code == 200
    body = response.json()
    assert [(s["department"]["code"], s["state"]) for s in body["progress"]] == [
        ("SCJ", "in_review"),
        ("WJW", "in_review"),
        ("XFJ", "done"),
    ]
    assert OPINION not in response.content.decode()
