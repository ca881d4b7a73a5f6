"""Appeals of ratings (申诉复核): a department contests a malicious low rating, a supervisor
decides.

An upheld appeal takes the rating out of the statistics (``Rating.is_excluded``: the monthly
rankings leave it out) and cancels its unfinished rectification; a rejected one changes nothing
else. A rating is appealed at most once. Both steps are audited and kept in the rating's
follow-up (internal: the rater does not see appeals).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.cases.errors import CasesErrorCode
from ecity.cases.models import Rating, RatingAppeal, RatingFollowUp
from ecity.cases.selectors.ratings import can_appeal_for, supervises_department
from ecity.cases.services.rectification import (
    follow_up_record,
    rating_and_rectification_lock,
    rating_audit_record,
    rectification_cancel,
    required_text,
)
from ecity.core.errors import Conflict, PermissionDenied
from ecity.core.locking import lock_row
from ecity.identity.models import User


@transaction.atomic
def rating_appeal_file(*, actor: User, rating: Rating, reason: str) -> RatingAppeal:
    """Appeal ``rating`` as malicious on behalf of the responsible department.

    Permissions first: a reviewer or administrator of the case's lead department
    (``PermissionDenied``). The reason is required. Only a low rating, appealed once
    (``Conflict``). The rectification goes on while the appeal waits. Audited
    (``rating.appeal_filed``).
    """
    department = rating.case.department
    if not can_appeal_for(actor=actor, department=department):
        raise PermissionDenied(_("Only the department's reviewers and administrators can appeal."))
    reason = required_text(reason, "reason", _("Give the reasons why the rating is malicious."))
    rating, _rectification = rating_and_rectification_lock(rating)
    if not rating.is_low:
        raise Conflict(_("Only a low rating can be appealed."), code=CasesErrorCode.NOT_LOW_RATING)
    if RatingAppeal.objects.filter(rating=rating).exists():
        raise Conflict(
            _("This rating has already been appealed."), code=CasesErrorCode.ALREADY_APPEALED
        )
    appeal = RatingAppeal.objects.create(
        rating=rating, department=department, reason=reason, filed_by=actor
    )
    follow_up_record(
        rating=rating,
        kind=RatingFollowUp.Kind.APPEALED,
        actor=actor,
        department=department,
        text=reason,
    )
    rating_audit_record(actor, "rating.appeal_filed", rating)
    return appeal


@transaction.atomic
def rating_appeal_decide(
    *, actor: User, appeal: RatingAppeal, uphold: bool, note: str
) -> RatingAppeal:
    """Uphold or reject a pending appeal, with the reasons (复核结论).

    Permissions first: a supervisor of the appealing department who did not file the appeal
    (``PermissionDenied``). The note is required; only a pending appeal (``Conflict``).
    Upheld: the rating is excluded from the statistics and its unfinished rectification is
    cancelled. Audited (``rating.appeal_upheld`` / ``rating.appeal_rejected``).
    """
    if not supervises_department(actor=actor, department=appeal.department):
        raise PermissionDenied(_("You do not supervise this department."))
    if appeal.filed_by_id == actor.pk:
        raise PermissionDenied(_("You cannot decide an appeal you filed."))
    note = required_text(note, "note", _("Give the reasons of your decision."))
    rating, rectification = rating_and_rectification_lock(appeal.rating)
    appeal = lock_row(RatingAppeal, pk=appeal.pk)
    if appeal.status != RatingAppeal.Status.PENDING:
        raise Conflict(_("This appeal has already been decided."))
    appeal.status = RatingAppeal.Status.UPHELD if uphold else RatingAppeal.Status.REJECTED
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.decision_note = note
    appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    if uphold:
        rating.is_excluded = True
        rating.save(update_fields=["is_excluded", "updated_at"])
        if rectification is not None:
            rectification_cancel(rectification)
    follow_up_record(
        rating=rating,
        kind=RatingFollowUp.Kind.APPEAL_UPHELD if uphold else RatingFollowUp.Kind.APPEAL_REJECTED,
        actor=actor,
        text=note,
    )
    rating_audit_record(
        actor, "rating.appeal_upheld" if uphold else "rating.appeal_rejected", rating
    )
    return appeal
