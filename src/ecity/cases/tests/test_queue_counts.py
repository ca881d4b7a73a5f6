"""The workbench's tab counts: the same numbers as the queues, in a few aggregate queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecity.cases import selectors, services
from ecity.cases.models import Case
from ecity.cases.selectors.workbench import QUEUE_NAMES
from ecity.cases.tests.workbench_support import make_case, parallel_process

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(joint):
    """Cases in every queue: waiting, under review, reviewed, overdue, due soon, on hold."""
    parallel_process(joint)
    make_case(joint)
    make_case(joint)
    accepted = []
    for _ in range(4):
        case = make_case(joint)
        services.case_accept(actor=joint.clerk, case=case)
        accepted.append(case)
    task = selectors.queue(actor=joint.health_reviewer, name="to_review").first()
    services.task_complete(actor=joint.health_reviewer, task=task, outcome="approve")
    Case.objects.filter(pk__in=[accepted[0].pk, accepted[1].pk]).update(deadline_state="overdue")
    Case.objects.filter(pk=accepted[2].pk).update(deadline_state="due_soon")
    Case.objects.filter(pk=accepted[3].pk).update(status="awaiting_correction")
    return joint


def _staff(joint):
    return [
        joint.clerk,
        joint.lead_reviewer,
        joint.health_reviewer,
        joint.fire_reviewer,
        joint.approver,
        joint.supervisor,
    ]


def test_counts_equal_the_length_of_every_queue(busy):
    for actor in _staff(busy):
        expected = {name: selectors.queue(actor=actor, name=name).count() for name in QUEUE_NAMES}

        assert selectors.queue_counts(actor=actor) == expected, actor.username


def test_the_fixture_fills_the_queues_it_claims(busy):
    counts = selectors.queue_counts(actor=busy.health_reviewer)

    assert counts["to_review"] == 2  # four accepted, one reviewed, one on hold
    assert counts["done"] == 1
    assert counts["overdue"] == 2
    assert counts["due_soon"] == 1
    assert counts["awaiting_correction"] == 1
    assert selectors.queue_counts(actor=busy.clerk)["to_accept"] == 2


def test_counts_cost_at_most_four_queries_besides_the_roles(busy):
    with CaptureQueriesContext(connection) as counting:
        selectors.queue_counts(actor=busy.health_reviewer)
    with CaptureQueriesContext(connection) as one_queue:
        selectors.queue(actor=busy.health_reviewer, name="to_review").count()

    roles = len(one_queue.captured_queries) - 1
    # (a queue of a role the actor does not hold needs no query at all)
    assert len(counting.captured_queries) <= roles + 4


def test_a_department_that_finished_its_review_still_sees_the_open_case_in_its_deadline_queues(
    busy,
):
    # given the health reviewer completed its task on a case that is now overdue
    done = selectors.queue(actor=busy.health_reviewer, name="done").first()
    Case.objects.filter(pk=done.case_id).update(deadline_state="overdue")

    # when the health department looks at its overdue cases
    overdue = selectors.queue(actor=busy.health_reviewer, name="overdue")

    # then the case is there (health does not lead it), and counted
    assert done.case.department_id not in {
        r.department_id for r in busy.health_reviewer.staff_roles.all()
    }
    assert done.case_id in {case.pk for case in overdue}
    assert selectors.queue_counts(actor=busy.health_reviewer)["overdue"] == overdue.count()


def test_tasks_of_closed_cases_leave_the_open_case_index_and_closed_cases_leave_the_queues(busy):
    from ecity.cases.models import CaseTask
    from ecity.cases.services.task_sync import closed_case_tasks_mark

    # given an overdue case the health department reviewed, withdrawn by its applicant
    done = selectors.queue(actor=busy.health_reviewer, name="done").first()
    Case.objects.filter(pk=done.case_id).update(deadline_state="overdue", status="withdrawn")
    assert CaseTask.objects.filter(case_id=done.case_id, on_open_case=True).exists()

    # then it is in no deadline queue even before the sweep (the flag may be stale, never wrong)
    assert done.case_id not in {
        c.pk for c in selectors.queue(actor=busy.health_reviewer, name="overdue")
    }

    # when the periodic sweep runs, its tasks are marked, and a second sweep changes nothing
    assert closed_case_tasks_mark() >= 1
    assert not CaseTask.objects.filter(case_id=done.case_id, on_open_case=True).exists()
    assert closed_case_tasks_mark() == 0
