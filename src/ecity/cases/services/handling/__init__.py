"""What staff do on cases: claim, accept or refuse, request a correction, review, decide, copy.

Every function is keyword-only and runs in one transaction. It locks the ``Case`` row first and
then the ``CaseTask`` row (always in that order, so two actions never deadlock), re-reads them
under the lock and compares ``lock_version``: a stale or already-handled task raises
``Conflict`` ("该任务已被他人处理") and nothing is written. Each action records a ``CaseEvent``
(actor, department, task, note) and, where the applicant should know, queues a notification in
the same transaction (outbox) with the idempotency key ``"<case public id>:<event>:<event id>"``.

The workflow (BPMN, ``ecity.workflow.bpmn.WorkflowEngine``) decides which tasks are ready; each
ready user task is mirrored as a ``CaseTask`` by ``task_sync.case_tasks_sync``.

One module per step: ``claiming`` (claim, release), ``acceptance`` (accept, refuse),
``correction`` (request a correction, reopen after it), ``review`` (review tasks, decision),
``copies`` (抄报).
"""

from ecity.cases.services.handling.acceptance import case_accept, case_refuse
from ecity.cases.services.handling.claiming import task_claim, task_release
from ecity.cases.services.handling.copies import case_copy_to
from ecity.cases.services.handling.correction import correction_request, correction_resume_tasks
from ecity.cases.services.handling.review import case_decide, task_complete

__all__ = [
    "case_accept",
    "case_copy_to",
    "case_decide",
    "case_refuse",
    "correction_request",
    "correction_resume_tasks",
    "task_claim",
    "task_complete",
    "task_release",
]
