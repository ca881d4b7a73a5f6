"""Copy related departments on a case (抄报): they may read it, not act on it."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from ecity.cases.models import Case, CaseCopy, CaseEvent
from ecity.cases.selectors.workbench import can_handle_in
from ecity.cases.services.locking import case_lock
from ecity.cases.services.timeline import event_record
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.identity.models import User
from ecity.org.models import Department


@transaction.atomic
def case_copy_to(*, actor: User, case: Case, departments: Iterable[Department]) -> list[CaseCopy]:
    """Copy related departments on a case (抄报): they may read it, not act on it.

    Needs a handling role in the lead department. Departments already copied, and the lead
    department itself, are skipped; returns the new copies.
    """
    case = case_lock(case)
    if not can_handle_in(actor, case.department):
        raise PermissionDenied(_("Only the lead department can copy other departments."))
    chosen = {d.pk: d for d in departments if d.pk != case.department_id}
    if not chosen:
        raise ValidationFailed(fields={"departments": [_("Choose at least one department.")]})
    present = set(
        CaseCopy.objects.filter(case=case, department_id__in=chosen).values_list(
            "department_id", flat=True
        )
    )
    copies = [
        CaseCopy.objects.create(case=case, department=d)
        for pk, d in chosen.items()
        if pk not in present
    ]
    if copies:
        event_record(
            case=case,
            action=CaseEvent.Action.COPIED,
            actor=actor,
            department=case.department,
            note=", ".join(c.department.name_zh for c in copies),
            data={"departments": [c.department.code for c in copies]},
            is_public=False,
        )
    return copies
