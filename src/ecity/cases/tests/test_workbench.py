"""The staff workbench: queues, who may see a case, the pages and the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ecity.cases import selectors, services
from ecity.cases.models import Case
from ecity.cases.tests.workbench_support import make_case, parallel_process
from ecity.core.errors import NotFound
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(joint):
    parallel_process(joint)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)
    case.refresh_from_db()
    return case


def _numbers(rows):
    return [getattr(r, "case", r).number for r in rows]


def test_queues_follow_department_and_role(joint, accepted):
    waiting = make_case(joint)

    assert _numbers(selectors.queue(actor=joint.clerk, name="to_accept")) == [waiting.number]
    assert selectors.queue(actor=joint.health_reviewer, name="to_accept").count() == 0
    health = selectors.queue(actor=joint.health_reviewer, name="to_review")
    assert [(t.case.number, t.department.code) for t in health] == [(accepted.number, "WJW")]
    assert selectors.queue(actor=joint.approver, name="to_decide").count() == 0
    assert selectors.queue_counts(actor=joint.fire_reviewer)["to_review"] == 1


def test_done_and_decide_queues(joint, accepted):
    for reviewer in (joint.lead_reviewer, joint.health_reviewer, joint.fire_reviewer):
        task = selectors.queue(actor=reviewer, name="to_review").get()
        services.task_complete(actor=reviewer, task=task, outcome="approve")

    assert _numbers(selectors.queue(actor=joint.approver, name="to_decide")) == [accepted.number]
    assert _numbers(selectors.queue(actor=joint.health_reviewer, name="done")) == [accepted.number]
    assert selectors.queue(actor=joint.health_reviewer, name="to_review").count() == 0


def test_deadline_queues_show_cases_of_my_departments(joint, accepted):
    Case.objects.filter(pk=accepted.pk).update(deadline_state="overdue")

    assert _numbers(selectors.queue(actor=joint.fire_reviewer, name="overdue")) == [accepted.number]
    outsider = StaffRoleFactory(department=DepartmentFactory(code="JTW"), role="reviewer").user
    assert selectors.queue(actor=outsider, name="overdue").count() == 0


def test_a_queue_page_costs_a_constant_number_of_queries(joint):
    parallel_process(joint)
    for _ in range(2):
        services.case_accept(actor=joint.clerk, case=make_case(joint))
    with CaptureQueriesContext(connection) as few:
        list(selectors.queue(actor=joint.health_reviewer, name="to_review"))
    for _ in range(4):
        services.case_accept(actor=joint.clerk, case=make_case(joint))
    with CaptureQueriesContext(connection) as many:
        rows = list(selectors.queue(actor=joint.health_reviewer, name="to_review"))

    assert len(rows) == 6
    assert len(many.captured_queries) == len(few.captured_queries)


def test_case_visibility_for_staff(joint, accepted):
    outsider = StaffRoleFactory(department=DepartmentFactory(code="JTW"), role="reviewer").user

    assert not selectors.case_get_for_staff(
        actor=joint.fire_reviewer, number=accepted.number
    ).is_read_only
    with pytest.raises(NotFound):
        selectors.case_get_for_staff(actor=outsider, number=accepted.number)

    services.case_copy_to(
        actor=joint.clerk, case=accepted, departments=[outsider.staff_roles.get().department]
    )
    view = selectors.case_get_for_staff(actor=outsider, number=accepted.number)
    assert view.is_read_only and view.actionable_tasks == []
    supervisor_view = selectors.case_get_for_staff(actor=joint.supervisor, number=accepted.number)
    assert supervisor_view.can_urge


def test_a_reviewer_of_another_department_gets_404_on_the_page(client, joint, accepted):
    outsider = StaffRoleFactory(department=DepartmentFactory(code="JTW"), role="reviewer").user
    client.force_login(outsider)

    response = client.get(reverse("cases:workbench_case", kwargs={"number": accepted.number}))

    assert response.status_code == 404


def test_workbench_page_lists_queue_with_counts(client, joint, accepted):
    client.force_login(joint.health_reviewer)

    response = client.get(reverse("cases:workbench") + "?queue=to_review")

    assert response.status_code == 200
    html = response.content.decode()
    assert accepted.number in html
    assert "1101**********1234" in html
    assert 'aria-current="page"' in html


def test_citizens_cannot_open_the_workbench(client, joint):
    client.force_login(joint.citizen)

    assert client.get(reverse("cases:workbench")).status_code == 403


def test_case_page_shows_forms_and_completes_a_review(client, joint, accepted):
    client.force_login(joint.health_reviewer)
    url = reverse("cases:workbench_case", kwargs={"number": accepted.number})
    task = accepted.tasks.get(department=joint.health)

    page = client.get(url)
    assert page.status_code == 200
    assert "complete-opinion" in page.content.decode()

    response = client.post(
        reverse("cases:workbench_action", kwargs={"number": accepted.number, "action": "complete"}),
        {
            "complete-task": str(task.public_id),
            "complete-expected_version": task.lock_version,
            "complete-outcome": "approve",
            "complete-opinion": "同意",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.opinion) == ("completed", "同意")


def test_case_page_conflict_renders_409(client, joint, accepted):
    client.force_login(joint.health_reviewer)
    task = accepted.tasks.get(department=joint.health)
    stale = task.lock_version
    services.task_claim(actor=joint.health_reviewer, task=task)

    response = client.post(
        reverse("cases:workbench_action", kwargs={"number": accepted.number, "action": "complete"}),
        {
            "complete-task": str(task.public_id),
            "complete-expected_version": stale,
            "complete-outcome": "approve",
        },
    )

    assert response.status_code == 409
    assert "该任务已被他人处理" in response.content.decode()


def test_refuse_without_reason_rerenders_with_the_error(client, joint):
    case = make_case(joint)
    client.force_login(joint.clerk)

    response = client.post(
        reverse("cases:workbench_action", kwargs={"number": case.number, "action": "refuse"}),
        {"refuse-reason": ""},
    )

    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED


def test_claim_button_claims_the_task(client, joint, accepted):
    client.force_login(joint.fire_reviewer)
    task = accepted.tasks.get(department=joint.fire)

    response = client.post(
        reverse("cases:workbench_task_claim", kwargs={"public_id": task.public_id}),
        {"expected_version": task.lock_version},
    )

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.claimed_by == joint.fire_reviewer


# --- API -------------------------------------------------------------------------------------


def test_api_queue_and_case(api_client, joint, accepted):
    api_client.force_authenticate(joint.health_reviewer)

    queue = api_client.get("/api/v1/cases/workbench/queues/to_review/")
    case = api_client.get(f"/api/v1/cases/workbench/cases/{accepted.number}/")

    assert queue.status_code == 200
    assert [r["case"]["number"] for r in queue.json()["results"]] == [accepted.number]
    assert case.status_code == 200
    body = case.json()
    assert body["is_read_only"] is False
    assert len(body["actionable_tasks"]) == 1
    assert body["timeline"][0]["action"] == "accepted"


def test_api_refuse_needs_a_reason(api_client, joint):
    case = make_case(joint)
    api_client.force_authenticate(joint.clerk)

    response = api_client.post(f"/api/v1/cases/workbench/cases/{case.number}/refuse/", {})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["reason"]


def test_api_permission_and_conflict_envelopes(api_client, joint, accepted):
    case = make_case(joint)
    api_client.force_authenticate(joint.health_reviewer)
    forbidden = api_client.post(f"/api/v1/cases/workbench/cases/{case.number}/accept/", {})
    assert forbidden.status_code in (403, 404)

    task = accepted.tasks.get(department=joint.health)
    url = f"/api/v1/cases/workbench/tasks/{task.public_id}/complete/"
    first = api_client.post(url, {"outcome": "approve", "expected_version": task.lock_version})
    second = api_client.post(url, {"outcome": "approve", "expected_version": task.lock_version})

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["code"] == "conflict"


def test_api_accept_by_clerk_forbidden_for_citizen(api_client, joint):
    case = make_case(joint)
    api_client.force_authenticate(joint.citizen)
    assert api_client.get("/api/v1/cases/workbench/queues/to_accept/").status_code == 403

    api_client.force_authenticate(joint.clerk)
    response = api_client.post(f"/api/v1/cases/workbench/cases/{case.number}/accept/", {})
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"


def test_copy_button_reads_the_act_of_copying_departments_not_a_photocopy(client, joint, accepted):
    # given a handler of the lead department on an open case (zh-Hans, the default language)
    client.force_login(joint.lead_reviewer)

    # when the case page is shown
    page = client.get(reverse("cases:workbench_case", kwargs={"number": accepted.number}))

    # then the copy-to-departments button reads 抄报, not 复印件 (a photocopy)
    body = page.content.decode()
    assert page.status_code == 200
    assert 'class="button-secondary">抄报</button>' in body
    assert "复印件" not in body
