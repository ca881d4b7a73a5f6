"""Closing a case with a decision (办结): approved or not approved after the review.

A refusal to accept (不予受理) also ends a case, before any review; it is ``case_refuse`` in
``handling.py``. What follows a decision (the decision document, the e-certificate) is
``decisions.py``.
"""

from __future__ import annotations

from django.utils import timezone

from ecity.cases.deadlines import accepted_on
from ecity.cases.models import Case, CaseEvent, CaseTask
from ecity.cases.services.decisions import case_decided_publish
from ecity.cases.services.locking import lock_version_bump
from ecity.cases.services.notifications import notify_applicant
from ecity.cases.services.task_sync import case_open_tasks_cancel
from ecity.cases.services.timeline import event_record
from ecity.core.calendar import working_days_between
from ecity.identity.models import User


def case_close(
    case: Case, *, actor: User, approved: bool, text: str, task: CaseTask | None
) -> Case:
    """Record the decision (办结) on a locked case: status, timeline, event, applicant.

    The caller holds the case's row lock and has completed the workflow (or cancelled it, for a
    rejection that ends the case). Open tasks are cancelled; the handling time is the working
    days since acceptance minus the days the clock was suspended. Side effects in the caller's
    transaction: the ``decided`` timeline entry (audited), the ``case.decided`` event and the
    ``case_approved``/``case_rejected`` notification to the applicant.
    """
    case_open_tasks_cancel(case)
    case.status = Case.Status.APPROVED if approved else Case.Status.REJECTED
    case.decided_at = timezone.now()
    case.decision_text = text
    started = accepted_on(case)
    if started is not None:
        elapsed = working_days_between(started, timezone.localdate(case.decided_at))
        case.handling_working_days = max(elapsed - case.suspended_working_days, 0)
    lock_version_bump(case)
    case.save(
        update_fields=[
            "status",
            "decided_at",
            "handling_working_days",
            "decision_text",
            "workflow_state",
            "lock_version",
            "updated_at",
        ]
    )
    event = event_record(
        case=case,
        action=CaseEvent.Action.DECIDED,
        actor=actor,
        department=task.department if task else case.department,
        task=task,
        note=text,
        data={"outcome": "approved" if approved else "rejected"},
    )
    case_decided_publish(case=case, actor=actor)
    notify_applicant(
        case=case,
        event="case_approved" if approved else "case_rejected",
        case_event=event,
        decision=text,
    )
    return case
