"""Time-limit changes and supervision of cases: extensions (延期) and urging (催办)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.cases.deadlines import (
    DEADLINE_FIELDS,
    OPEN_STATUSES,
    accepted_on,
    case_deadlines_compute,
    deadline_state_for,
)
from ecity.cases.models import Case, CaseEvent, CaseTask, Extension
from ecity.cases.selectors.rows import OPEN_TASK_STATUSES
from ecity.cases.selectors.supervision import can_supervise
from ecity.cases.selectors.workbench import task_holders
from ecity.cases.services.locking import case_lock
from ecity.cases.services.notifications import notification_context, notify, notify_applicant
from ecity.cases.services.timeline import event_record
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.identity.models import User
from ecity.org.models import StaffRole
from ecity.org.selectors import user_has_role

MAX_EXTENSION_WORKING_DAYS = 60


@transaction.atomic
def extension_grant(
    *,
    actor: User,
    case: Case,
    working_days: int,
    reason: str,
    requested_by: User | None = None,
) -> Extension:
    """Extend the statutory time limit of an accepted, open case (延期) by ``working_days``.

    Needs the approver role in the lead department (the approver of the extension). The
    committed deadline does not move; the statutory one is recomputed with the extra days. The
    reason is required and shown to the applicant on the timeline; the applicant is notified
    (``case_extended``) with the reason and the new deadline.
    """
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    try:
        days = int(working_days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_EXTENSION_WORKING_DAYS:
        errors["working_days"] = [
            _("Enter a number of working days from 1 to %(max)d.")
            % {"max": MAX_EXTENSION_WORKING_DAYS}
        ]
    if not reason:
        errors["reason"] = [_("Give the reason for the extension.")]
    if errors:
        raise ValidationFailed(fields=errors)
    case = case_lock(case)
    if not user_has_role(user=actor, role=StaffRole.Role.APPROVER, department=case.department):
        raise PermissionDenied(_("Only an approver of the lead department can grant extensions."))
    accepted = accepted_on(case)
    if accepted is None or case.status not in OPEN_STATUSES:
        raise Conflict(_("Only accepted cases that are not closed can be extended."))
    extension = Extension.objects.create(
        case=case,
        working_days=days,
        reason=reason,
        requested_by=requested_by or actor,
        approved_by=actor,
    )
    case.extension_working_days += days
    case_deadlines_compute(case, accepted_on=accepted)
    case.deadline_state = deadline_state_for(case, timezone.localdate())
    case.lock_version += 1
    case.save(
        update_fields=[*DEADLINE_FIELDS, "extension_working_days", "lock_version", "updated_at"]
    )
    event = event_record(
        case=case,
        action=CaseEvent.Action.EXTENDED,
        actor=actor,
        department=case.department,
        note=reason,
        data={"working_days": days, "statutory_due_on": str(case.statutory_due_on)},
    )
    notify_applicant(
        case=case,
        event="case_extended",
        case_event=event,
        working_days=days,
        reason=reason,
        statutory_due_on=str(case.statutory_due_on or ""),
    )
    return extension


@transaction.atomic
def case_urge(*, actor: User, case: Case, note: str = "") -> CaseEvent:
    """Urge the handling of an open case (催办): remind the holders of its open tasks.

    Needs supervision rights over the case (see ``selectors.supervision.can_supervise``). Records
    an internal timeline entry and sends ``case_urged`` to the holder of each open task (or, for
    an unclaimed task, to everyone with its role in its department); before acceptance, to the
    lead department's counter clerks.
    """
    case = case_lock(case)
    if not can_supervise(actor=actor, case=case):
        raise PermissionDenied(_("You do not supervise this case."))
    if case.status not in OPEN_STATUSES:
        raise Conflict(_("Closed cases cannot be urged."))
    tasks = list(
        case.tasks.filter(status__in=OPEN_TASK_STATUSES).select_related("department", "claimed_by")
    )
    recipients: dict[int, User] = {}
    for task in tasks:
        for user in task_holders(task):
            recipients[user.pk] = user
    if case.status == Case.Status.SUBMITTED:
        probe = CaseTask(department=case.department, role=StaffRole.Role.COUNTER_CLERK)
        for user in task_holders(probe):
            recipients[user.pk] = user
    event = event_record(
        case=case,
        action=CaseEvent.Action.URGED,
        actor=actor,
        department=case.department,
        note=(note or "").strip(),
        data={"recipients": sorted(recipients)},
        is_public=False,
    )
    for user in recipients.values():
        notify(
            recipient=user,
            event="case_urged",
            case=case,
            key_suffix=f"{event.public_id}:{user.pk}",
            context=notification_context(
                case,
                note=event.note,
                deadline_state=case.deadline_state,
                committed_due_on=str(case.committed_due_on or ""),
            ),
        )
    return event
