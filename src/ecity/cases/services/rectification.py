"""Rectification of low ratings (差评整改): the department answers, the rater confirms.

A 差评 opens a ``Rectification``: a work item of the case's lead department (role
``selectors.ratings.RECTIFICATION_ROLE``) with a working-day clock of
``ECITY_RECTIFICATION_WORKING_DAYS`` (default 15). Its stages:

    rectifying ──answer──▶ awaiting_confirmation ──resolved──▶ resolved
        ▲                         │ └─(walk-in rater: no account to confirm)─▶ closed
        │                    not resolved
        └──reopen (supervisor)── unresolved ──close (supervisor)──▶ closed

An upheld appeal cancels an unfinished rectification (``services.rating_appeals``). Every step
is a ``RatingFollowUp``; staff steps are audited. Row locks: the rating first, then its
rectification (then its appeal), in every service.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecity.audit.services import audit_record
from ecity.cases.errors import CasesErrorCode
from ecity.cases.models import Rating, RatingFollowUp, Rectification
from ecity.cases.selectors.applicant import is_applicant
from ecity.cases.selectors.ratings import RECTIFICATION_ROLE, supervises_department
from ecity.cases.services.notifications import case_notification_enqueue, notification_context
from ecity.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ecity.core.locking import lock_row
from ecity.identity.models import User
from ecity.org.models import Department, StaffRole
from ecity.workflow.clocks import (
    deadline_conditions,
    deadline_state,
    deadline_states_refresh,
    due_on,
)
from ecity.workflow.worklist import (
    work_item_bump,
    work_item_check_actionable,
    work_item_finish,
    work_items_cancel,
)

TEXT_MAX = 4000
RECTIFICATION_NAME = gettext_lazy("Rectification of a low rating")  # 差评整改


def rectification_working_days() -> int:
    """The working days a department has to answer a low rating (setting, default 15)."""
    return int(settings.ECITY_RECTIFICATION_WORKING_DAYS)


def supervisors_of(department: Department) -> list[User]:
    """Active supervisors holding the role in ``department`` itself."""
    return _holders(department, StaffRole.Role.SUPERVISOR)


def _holders(department: Department, role: str) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            staff_roles__department=department,
            staff_roles__role=role,
            staff_roles__is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def required_text(value: str, field: str, message: str) -> str:
    """``value`` stripped; ``ValidationFailed`` on ``field`` when empty (``message``) or long."""
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(fields={field: [message]})
    if len(value) > TEXT_MAX:
        raise ValidationFailed(
            fields={field: [_("At most %(max)s characters.") % {"max": TEXT_MAX}]}
        )
    return value


def follow_up_record(
    *,
    rating: Rating,
    kind: str,
    actor: User | None,
    department: Department | None = None,
    text: str = "",
) -> RatingFollowUp:
    """Append one step to the follow-up of ``rating``."""
    return RatingFollowUp.objects.create(
        rating=rating, kind=kind, actor=actor, department=department, text=text
    )


def rating_audit_record(actor: User, action: str, rating: Rating, **data: object) -> None:
    """Audit a staff act on ``rating`` (the rater's account as subject; no text, no names)."""
    audit_record(
        actor=actor,
        action=action,
        obj=rating,
        subject=rating.case.applicant,
        data={"case": rating.case.number, "department": rating.case.department.code, **data},
    )


def rating_and_rectification_lock(rating: Rating) -> tuple[Rating, Rectification | None]:
    """Lock ``rating`` then its rectification (the lock order of every rating service)."""
    rating = lock_row(
        Rating.objects.select_related("case", "case__department", "case__applicant"),
        pk=rating.pk,
    )
    rectification = (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("department")
        .filter(rating=rating)
        .first()
    )
    return rating, rectification


def _clock_start(rectification: Rectification, today: dt.date) -> None:
    limit = rectification_working_days()
    rectification.started_on = today
    rectification.limit_days = limit
    rectification.due_on = due_on(today, limit)
    rectification.deadline_state = deadline_state(due=rectification.due_on, today=today)


def _notify_department(rectification: Rectification, rating: Rating) -> None:
    """Tell the staff who answer rectifications in the department that one waits."""
    case = rating.case
    for user in _holders(rectification.department, rectification.role):
        case_notification_enqueue(
            recipient=user,
            event="rectification_opened",
            case=case,
            context=notification_context(
                case,
                rating_text=Rating.Level(rating.level).label,
                comment=rating.comment,
                due_on=rectification.due_on,
                link_path=reverse("cases:rating_staff", kwargs={"public_id": rating.public_id}),
            ),
            idempotency_key=(
                f"rectification_opened:{rectification.public_id}:{rectification.round}:{user.pk}"
            ),
        )


def rectification_open(*, rating: Rating) -> Rectification:
    """Open the rectification of the low ``rating`` for the case's lead department.

    Called in the rating's transaction by ``services.ratings``. The clock starts today and runs
    ``ECITY_RECTIFICATION_WORKING_DAYS`` working days. Side effects: the ``opened`` follow-up
    (shown to the rater) and a ``rectification_opened`` notification to the department's staff
    with the rectification role.
    """
    case = rating.case
    today = timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        name = str(RECTIFICATION_NAME)
    rectification = Rectification(
        rating=rating,
        department=case.department,
        role=RECTIFICATION_ROLE,
        spec_name="rectification",
        name=name,
    )
    _clock_start(rectification, today)
    rectification.save()
    follow_up_record(rating=rating, kind=RatingFollowUp.Kind.OPENED, actor=None)
    _notify_department(rectification, rating)
    return rectification


@transaction.atomic
def rectification_answer(
    *, actor: User, rating: Rating, answer: str, expected_version: int | None = None
) -> Rectification:
    """Answer the rater on behalf of the department (回访), completing the rectification task.

    Permissions first: the rectification role in the responsible department
    (``PermissionDenied`` whatever the stage); then the version (``Conflict`` when stale) and the
    stage (``Conflict`` unless being rectified); the answer is required. The rater (an account)
    is asked to confirm (``awaiting_confirmation``, ``rating_answered`` notification); a walk-in
    rater cannot confirm, so the rectification is closed with the answer. Audited
    (``rating.answered``, with whether it was on time).
    """
    rating, rectification = rating_and_rectification_lock(rating)
    if rectification is None:
        raise Conflict(_("This rating has no rectification."), code=CasesErrorCode.NOT_LOW_RATING)
    is_rectifying = rectification.stage == Rectification.Stage.RECTIFYING
    work_item_check_actionable(rectification, actor, expected_version, subject_open=is_rectifying)
    answer = required_text(answer, "answer", _("Write the answer to the rater."))
    work_item_finish(rectification, actor=actor, outcome="answered", opinion=answer)
    case = rating.case
    if case.applicant_id is not None:
        rectification.stage = Rectification.Stage.AWAITING_CONFIRMATION
    else:
        rectification.stage = Rectification.Stage.CLOSED
        rectification.closed_at = timezone.now()
    rectification.save(update_fields=["stage", "closed_at", "updated_at"])
    follow_up_record(
        rating=rating,
        kind=RatingFollowUp.Kind.ANSWERED,
        actor=actor,
        department=rectification.department,
        text=answer,
    )
    on_time = timezone.localdate() <= rectification.due_on
    rating_audit_record(
        actor, "rating.answered", rating, round=rectification.round, on_time=on_time
    )
    if case.applicant_id is not None:
        case_notification_enqueue(
            recipient=case.applicant,
            event="rating_answered",
            case=case,
            context=notification_context(
                case,
                answer=answer,
                link_path=reverse("cases:rate", kwargs={"number": case.number}),
            ),
            idempotency_key=f"rating_answered:{rectification.public_id}:{rectification.round}",
        )
    return rectification


@transaction.atomic
def rectification_confirm(
    *, actor: User, rating: Rating, is_resolved: bool, comment: str = ""
) -> Rectification:
    """The rater says whether the department's answer resolved the problem.

    Permissions: the case's applicant (``NotFound`` for anyone else). Only after an answer
    (``Conflict`` otherwise). Resolved ends the rectification; not resolved passes it to the
    supervisors of the department (``unresolved``, ``rectification_unresolved`` notification),
    who send it back or close it (``rectification_supervise``).
    """
    if not is_applicant(user=actor, case=rating.case):
        raise NotFound(_("No such case among yours."))
    rating, rectification = rating_and_rectification_lock(rating)
    if rectification is None or rectification.stage != Rectification.Stage.AWAITING_CONFIRMATION:
        raise Conflict(
            _("There is no answer waiting for your confirmation."),
            code=CasesErrorCode.WRONG_STAGE,
        )
    comment = (comment or "").strip()[:TEXT_MAX]
    now = timezone.now()
    if is_resolved:
        rectification.stage = Rectification.Stage.RESOLVED
        rectification.closed_at = now
        rating.handled_at = now
        rating.save(update_fields=["handled_at", "updated_at"])
    else:
        rectification.stage = Rectification.Stage.UNRESOLVED
    rectification.save(update_fields=["stage", "closed_at", "updated_at"])
    kind = RatingFollowUp.Kind.RESOLVED if is_resolved else RatingFollowUp.Kind.NOT_RESOLVED
    follow_up_record(rating=rating, kind=kind, actor=actor, text=comment)
    if not is_resolved:
        case = rating.case
        for supervisor in supervisors_of(case.department):
            case_notification_enqueue(
                recipient=supervisor,
                event="rectification_unresolved",
                case=case,
                context=notification_context(
                    case,
                    comment=comment,
                    link_path=reverse("cases:rating_staff", kwargs={"public_id": rating.public_id}),
                ),
                idempotency_key=(
                    f"rectification_unresolved:{rectification.public_id}:"
                    f"{rectification.round}:{supervisor.pk}"
                ),
            )
    return rectification


SUPERVISE_DECISIONS = ("reopen", "close")


@transaction.atomic
def rectification_supervise(
    *, actor: User, rating: Rating, decision: str, note: str
) -> Rectification:
    """A supervisor decides on a rectification the rater did not accept.

    ``reopen`` sends it back to the department for another round with a new time limit
    (``rectification_opened`` to its staff); ``close`` ends it with the supervisor's
    conclusion. Permissions first: supervises the responsible department
    (``PermissionDenied``); the note is required; only an ``unresolved`` rectification
    (``Conflict``). Audited (``rating.rectification_reopened`` / ``…_closed``).
    """
    if not supervises_department(actor=actor, department=rating.case.department):
        raise PermissionDenied(_("You do not supervise this department."))
    if decision not in SUPERVISE_DECISIONS:
        raise ValidationFailed(fields={"decision": [_("Choose to send it back or to close it.")]})
    note = required_text(note, "note", _("Give the reasons of your decision."))
    rating, rectification = rating_and_rectification_lock(rating)
    if rectification is None or rectification.stage != Rectification.Stage.UNRESOLVED:
        raise Conflict(
            _("This rectification is not waiting for a supervisor."),
            code=CasesErrorCode.WRONG_STAGE,
        )
    if decision == "reopen":
        _clock_start(rectification, timezone.localdate())
        rectification.round += 1
        rectification.stage = Rectification.Stage.RECTIFYING
        rectification.status = Rectification.Status.OPEN
        rectification.claimed_by = rectification.completed_by = None
        rectification.claimed_at = rectification.completed_at = None
        rectification.outcome = rectification.opinion = ""
        work_item_bump(rectification)
        rectification.save()
        kind = RatingFollowUp.Kind.REOPENED
        _notify_department(rectification, rating)
    else:
        rectification.stage = Rectification.Stage.CLOSED
        rectification.closed_at = timezone.now()
        rectification.save(update_fields=["stage", "closed_at", "updated_at"])
        kind = RatingFollowUp.Kind.CLOSED
    follow_up_record(rating=rating, kind=kind, actor=actor, text=note)
    action = (
        "rating.rectification_reopened" if decision == "reopen" else "rating.rectification_closed"
    )
    rating_audit_record(actor, action, rating, round=rectification.round)
    return rectification


def rectification_cancel(rectification: Rectification) -> None:
    """Cancel the locked, unfinished ``rectification`` (its rating was found malicious)."""
    if rectification.stage not in (
        Rectification.Stage.RECTIFYING,
        Rectification.Stage.AWAITING_CONFIRMATION,
        Rectification.Stage.UNRESOLVED,
    ):
        return
    if rectification.status in (Rectification.Status.OPEN, Rectification.Status.CLAIMED):
        work_items_cancel([rectification])
    rectification.stage = Rectification.Stage.CANCELLED
    rectification.closed_at = timezone.now()
    rectification.save(update_fields=["stage", "closed_at", "updated_at"])


def rectifications_running() -> QuerySet[Rectification]:
    """The rectifications whose clock runs (being rectified)."""
    return Rectification.objects.filter(stage=Rectification.Stage.RECTIFYING)


def rectification_deadlines_refresh(today: dt.date) -> int:
    """Bring the deadline state of every running rectification up to date; return the changes.

    Run by the periodic job ``workflow.deadlines`` (registered in ``cases.workflow_hooks``).
    """
    conditions = deadline_conditions(due_fields=["due_on"], today=today)
    return deadline_states_refresh(rectifications_running(), conditions=conditions)
