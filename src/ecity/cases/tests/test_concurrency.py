"""Two members of staff act on the same task at once: one wins, the other gets a clear conflict."""

import threading

import pytest
from django.db import connection, connections

from ecity.cases import services
from ecity.cases.models import CaseEvent, CaseTask
from ecity.cases.tests.workbench_support import make_case, parallel_process
from ecity.core.errors import Conflict
from ecity.workflow.bpmn import engine


def _accepted_health_task(joint):
    parallel_process(joint)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)
    return CaseTask.objects.get(case=case, department=joint.health)


def _completed_in_engine(task):
    task.case.refresh_from_db()
    tasks = task.case.workflow_state["workflow"]["tasks"]
    return [t for t_id, t in tasks.items() if t_id == task.spiff_task_id and t["state"] == 64]


@pytest.mark.django_db
def test_sequential_stale_version_is_refused(joint):
    task = _accepted_health_task(joint)
    version = task.lock_version
    services.task_complete(
        actor=joint.health_reviewer, task=task, outcome="approve", expected_version=version
    )

    with pytest.raises(Conflict):
        services.task_complete(
            actor=joint.health_reviewer, task=task, outcome="approve", expected_version=version
        )

    assert CaseEvent.objects.filter(task=task, action="approved").count() == 1
    assert len(_completed_in_engine(task)) == 1
    ready = {t.spec_name for t in engine.ready_tasks(task.case.workflow_state)}
    assert len(ready) == 2  # the two other reviews are still open


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_complete_the_same_task_at_once(joint):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    from ecity.identity.models import User
    from ecity.org.models import StaffRole

    second = User.objects.create(username="wjw-reviewer-2")
    StaffRole.objects.create(user=second, department=joint.health, role="reviewer")
    task = _accepted_health_task(joint)
    version = task.lock_version
    barrier = threading.Barrier(2)
    results: list[str] = []

    def act(actor):
        try:
            barrier.wait(timeout=10)
            services.task_complete(
                actor=actor,
                task=CaseTask.objects.get(pk=task.pk),
                outcome="approve",
                opinion=actor.username,
                expected_version=version,
            )
            results.append("ok")
        except Conflict as error:
            results.append(f"conflict: {error.message}")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=(user,)) for user in (joint.health_reviewer, second)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(r.split(":")[0] for r in results) == ["conflict", "ok"]
    assert CaseEvent.objects.filter(task=task, action="approved").count() == 1
    task.refresh_from_db()
    assert task.status == "completed" and task.lock_version == version + 1
    assert len(_completed_in_engine(task)) == 1
    assert len(engine.ready_tasks(task.case.workflow_state)) == 2
