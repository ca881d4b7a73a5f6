"""Cases for demonstration and training cities: an open case moved back in time.

A demo or training city needs cases that are due soon or overdue, so that supervision has
something to show and urging can be tried, without waiting days for the clock to run. This is
the one way to make such a case; the demo city (``ecity.demo``) uses it after submitting and
accepting its cases through the ordinary services. It rewrites history, so it works only in a
city where the switch ``ECITY_TRAINING_MODE`` is on (off by default and in production).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.cases.deadlines import (
    DEADLINE_FIELDS,
    OPEN_STATUSES,
    accepted_on,
    case_deadlines_compute,
    deadline_state_for,
)
from ecity.cases.errors import CasesErrorCode
from ecity.cases.models import Case, CaseEvent, CaseTask
from ecity.cases.services.locking import case_lock
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.identity.models import User
from ecity.org.selectors import is_platform_admin
from ecity.workflow.clocks import due_on

MAX_BACKDATE_DAYS = 366


def is_training_mode() -> bool:
    """Whether the demonstration and training tools are on (``ECITY_TRAINING_MODE``)."""
    return bool(getattr(settings, "ECITY_TRAINING_MODE", False))


@transaction.atomic
def case_backdate(*, actor: User, case: Case, days: int) -> Case:
    """Move an open case ``days`` calendar days into the past, for a demo or training city.

    Only in a demonstration or training city: with ``ECITY_TRAINING_MODE`` off it raises
    PermissionDenied ``training_mode_off`` before anything else. Platform administrators only
    (``PermissionDenied``); ``days`` from 1 to 366
    (``ValidationFailed``); open cases only (``Conflict``). The submission, the acceptance, the
    timeline and the tasks move back by the same time; the deadlines are computed again from
    the moved dates with the working-day calendar and the deadline state follows (a case
    accepted long enough ago becomes due soon or overdue). Audited (``case.backdated``).
    """
    if not is_training_mode():
        raise PermissionDenied(
            _("Cases can be moved in time only in a demonstration or training city."),
            code=CasesErrorCode.TRAINING_MODE_OFF,
        )
    if not is_platform_admin(user=actor):
        raise PermissionDenied(_("Only a platform administrator can move a case in time."))
    if not 1 <= int(days) <= MAX_BACKDATE_DAYS:
        raise ValidationFailed(
            fields={
                "days": [
                    _("Enter a number of days from 1 to %(max)d.") % {"max": MAX_BACKDATE_DAYS}
                ]
            }
        )
    case = case_lock(case)
    if case.status not in OPEN_STATUSES:
        raise Conflict(_("Only open cases can be moved in time."))
    shift = dt.timedelta(days=int(days))
    case.submitted_at -= shift
    if case.accepted_at is not None:
        case.accepted_at -= shift
    accepted = accepted_on(case)
    if accepted is not None:
        case_deadlines_compute(case, accepted_on=accepted)
    elif case.service_version.acceptance_days is not None:
        submitted = timezone.localdate(case.submitted_at)
        case.acceptance_due_on = due_on(submitted, case.service_version.acceptance_days)
    case.deadline_state = deadline_state_for(case, timezone.localdate())
    case.lock_version += 1
    case.save(
        update_fields=[
            *DEADLINE_FIELDS,
            "submitted_at",
            "accepted_at",
            "lock_version",
            "updated_at",
        ]
    )
    CaseEvent.objects.filter(case=case).update(created_at=F("created_at") - shift)
    CaseTask.objects.filter(case=case).update(created_at=F("created_at") - shift)
    CaseTask.objects.filter(case=case, completed_at__isnull=False).update(
        completed_at=F("completed_at") - shift
    )
    audit_record(
        actor=actor,
        action="case.backdated",
        obj=case,
        data={"days": int(days), "number": case.number},
    )
    return case
