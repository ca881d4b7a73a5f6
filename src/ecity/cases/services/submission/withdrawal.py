"""Withdraw an application (撤回) that is not decided yet."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.cases.errors import CasesErrorCode
from ecity.cases.models import Case, CaseEvent
from ecity.cases.selectors.applicant import is_applicant
from ecity.cases.services.locking import case_lock
from ecity.cases.services.timeline import event_record
from ecity.core.errors import Conflict, NotFound, ValidationFailed
from ecity.identity.models import User

WITHDRAWABLE = (
    Case.Status.SUBMITTED,
    Case.Status.IN_PROGRESS,
    Case.Status.AWAITING_CORRECTION,
)


def case_withdraw(*, actor: User, case: Case, reason: str) -> Case:
    """Withdraw an application that is not decided yet (撤回); only its applicant may.

    Open tasks are cancelled and the ``withdrawn`` event records the reason. Raises NotFound for
    someone else's case, Conflict when the case is already closed, ValidationFailed without a
    reason.
    """
    if not is_applicant(user=actor, case=case):
        raise NotFound(_("No such case among yours."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Please say why you withdraw.")]})
    with transaction.atomic():
        case = case_lock(case)
        if case.status not in WITHDRAWABLE:
            raise Conflict(
                _("This case can no longer be withdrawn."), code=CasesErrorCode.NOT_WITHDRAWABLE
            )
        case.status = Case.Status.WITHDRAWN
        case.decided_at = timezone.now()
        case.lock_version += 1
        case.save(update_fields=["status", "decided_at", "lock_version", "updated_at"])
        case.tasks.filter(status__in=["open", "claimed"]).update(
            status="cancelled", updated_at=timezone.now()
        )
        # The timeline entry, and the audit entry of the act (see ``event_record``).
        event_record(case=case, action=CaseEvent.Action.WITHDRAWN, actor=actor, note=reason[:2000])
    return case
