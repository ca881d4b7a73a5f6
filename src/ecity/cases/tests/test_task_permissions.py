"""A member of staff of another department learns nothing about a task's state from an action.

Every staff action on a task checks the actor's right in the task's department before the task's
state or version: a stranger is refused (403) whether the task is open, claimed or completed,
never told "someone else has handled it" (409).
"""

import pytest

from ecity.cases import services
from ecity.cases.tests.workbench_support import make_case, parallel_process
from ecity.core.errors import PermissionDenied
from ecity.identity.tests.factories import StaffRoleFactory

pytestmark = pytest.mark.django_db

TASK_ACTIONS = [
    ("claim", {}),
    ("release", {}),
    ("complete", {"outcome": "approve"}),
]


@pytest.fixture
def fire_task(joint):
    parallel_process(joint)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)
    return case.tasks.get(department=joint.fire)


def _put_in_state(joint, task, state):
    if state == "claimed":
        services.task_claim(actor=joint.fire_reviewer, task=task)
    elif state == "completed":
        services.task_complete(actor=joint.fire_reviewer, task=task, outcome="approve")
    task.refresh_from_db()
    return task


@pytest.mark.parametrize("state", ["open", "claimed", "completed"])
@pytest.mark.parametrize(("action", "body"), TASK_ACTIONS)
def test_another_departments_reviewer_is_refused_whatever_the_task_state(
    api_client, joint, fire_task, state, action, body
):
    # Given a task of the fire department, open, claimed by its reviewer or completed
    task = _put_in_state(joint, fire_task, state)
    before = (task.status, task.claimed_by_id, task.lock_version)

    # When the health department's reviewer (who reviews the same case) acts on it
    api_client.force_authenticate(joint.health_reviewer)
    response = api_client.post(
        f"/api/v1/cases/workbench/tasks/{task.public_id}/{action}/",
        {**body, "expected_version": task.lock_version},
    )

    # Then the answer is a permission error, which tells nothing of the task's state
    assert response.status_code == 403, response.content
    assert response.json()["code"] != "conflict"
    task.refresh_from_db()
    assert (task.status, task.claimed_by_id, task.lock_version) == before


@pytest.mark.parametrize("state", ["claimed", "completed"])
def test_another_departments_reviewer_is_refused_a_stale_version_too(
    api_client, joint, fire_task, state
):
    # Given a fire task that changed since version 0
    task = _put_in_state(joint, fire_task, state)
    api_client.force_authenticate(joint.health_reviewer)

    # When the health reviewer releases it with the old version
    response = api_client.post(
        f"/api/v1/cases/workbench/tasks/{task.public_id}/release/", {"expected_version": 0}
    )

    # Then the refusal is about the right, not the version
    assert response.status_code == 403


@pytest.mark.parametrize("state", ["open", "claimed", "completed"])
def test_a_correction_request_on_another_departments_task_is_refused(joint, fire_task, state):
    task = _put_in_state(joint, fire_task, state)

    with pytest.raises(PermissionDenied):
        services.correction_request(
            actor=joint.health_reviewer,
            case=task.case,
            task=task,
            items=["营业场所平面图不清晰"],
            expected_version=0 if state != "open" else task.lock_version,
        )


def test_a_colleague_in_the_tasks_department_is_still_told_the_task_is_taken(
    api_client, joint, fire_task
):
    # Given a fire task claimed by one fire reviewer
    task = _put_in_state(joint, fire_task, "claimed")
    colleague = StaffRoleFactory(department=joint.fire, role="reviewer").user

    # When a colleague with the right claims it
    api_client.force_authenticate(colleague)
    response = api_client.post(f"/api/v1/cases/workbench/tasks/{task.public_id}/claim/", {})

    # Then the answer is the conflict, as before
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
