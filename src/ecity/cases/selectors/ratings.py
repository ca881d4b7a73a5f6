"""Reads on ratings (好差评) and their follow-up, with the rights of each reader built in.

Who sees what:

* the rater (the case's applicant) sees the rating, the department's answers and their own
  verdicts (``RatingFollowUp.RATER_KINDS``), never appeals or supervisors' notes;
* the responsible department (the case's lead department) sees its ratings with the whole
  follow-up: its counter clerks, reviewers, approvers and administrators (sub-units included);
  its reviewers answer rectifications (``RECTIFICATION_ROLE``, the role of the work item), its
  reviewers and administrators appeal (``APPEAL_ROLES``);
* supervisors see the ratings of the departments they supervise (``supervised_departments``),
  decide appeals (never their own) and the rectifications the rater did not accept;
* anyone else gets ``NotFound`` (a rating's identifier cannot be probed).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.cases.errors import CasesErrorCode
from ecity.cases.models import (
    Case,
    Rating,
    RatingAppeal,
    RatingFollowUp,
    RatingInvitation,
    Rectification,
)
from ecity.cases.selectors.supervision import supervised_departments
from ecity.core.errors import Conflict, NotFound
from ecity.identity.models import User
from ecity.org.models import Department, StaffRole
from ecity.org.selectors import departments_where, user_has_role
from ecity.workflow.clocks import DeadlineState

# Cases with a decision (refusing to accept is one); a withdrawn case has nothing to rate.
RATEABLE_STATUSES = (Case.Status.APPROVED, Case.Status.REJECTED, Case.Status.REFUSED)
# The role of a rectification's work item in the responsible department.
RECTIFICATION_ROLE = StaffRole.Role.REVIEWER
APPEAL_ROLES = (StaffRole.Role.REVIEWER, StaffRole.Role.DEPARTMENT_ADMIN)
DEPARTMENT_ROLES = (
    StaffRole.Role.COUNTER_CLERK,
    StaffRole.Role.REVIEWER,
    StaffRole.Role.APPROVER,
    StaffRole.Role.DEPARTMENT_ADMIN,
)
# Stages of a rectification that still need someone: the department, the rater, a supervisor.
OPEN_STAGES = (
    Rectification.Stage.RECTIFYING,
    Rectification.Stage.AWAITING_CONFIRMATION,
    Rectification.Stage.UNRESOLVED,
)


def is_rateable(case: Case) -> bool:
    """Whether ``case`` is decided and not rated yet."""
    return case.status in RATEABLE_STATUSES and not Rating.objects.filter(case=case).exists()


def rating_for_case(*, case: Case) -> Rating | None:
    """The rating of ``case`` with its rectification, or None (the caller may see the case)."""
    return (
        Rating.objects.select_related("rectification", "rectification__department")
        .filter(case=case)
        .first()
    )


def _holds_any(actor: User, roles: tuple[str, ...], department: Department) -> bool:
    return any(user_has_role(user=actor, role=role, department=department) for role in roles)


def is_department_staff(*, actor: User, department: Department) -> bool:
    """Whether ``actor`` works in ``department`` (handling roles or administrator)."""
    return _holds_any(actor, DEPARTMENT_ROLES, department)


def can_appeal_for(*, actor: User, department: Department) -> bool:
    """Whether ``actor`` may appeal a rating of ``department`` (reviewer or administrator)."""
    return _holds_any(actor, APPEAL_ROLES, department)


def supervises_department(*, actor: User, department: Department) -> bool:
    """Whether ``actor`` supervises ``department`` (its supervisors, the office, admins)."""
    ids = supervised_departments(actor=actor)
    return ids is None or department.pk in ids


def can_issue_counter_invitation(*, actor: User, case: Case) -> bool:
    """Whether ``actor`` may open the rating device for ``case``: a counter clerk of its lead
    department, on a decided case without a rating."""
    return is_rateable(case) and user_has_role(
        user=actor, role=StaffRole.Role.COUNTER_CLERK, department=case.department
    )


def invitation_token_hash(token: str) -> str:
    """How a rating invitation's token is stored (SHA-256, hex)."""
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()


def rating_invitation_check(invitation: RatingInvitation | None) -> RatingInvitation:
    """Return ``invitation`` if it can still be used to rate its case.

    Errors: ``NotFound`` for no invitation; ``Conflict`` for a used or expired one
    (``rating_invitation_invalid``) or a case rated meanwhile (``already_rated``).
    """
    if invitation is None:
        raise NotFound(_("This rating link is not valid."))
    if invitation.used_at is not None or invitation.expires_at <= timezone.now():
        raise Conflict(
            _("This rating link has been used already or has expired."),
            code=CasesErrorCode.INVITATION_INVALID,
        )
    if Rating.objects.filter(case_id=invitation.case_id).exists():
        raise Conflict(_("This case has already been rated."), code=CasesErrorCode.ALREADY_RATED)
    return invitation


def rating_invitation_get(*, token: str) -> RatingInvitation:
    """The usable invitation of ``token``, its case joined (the rating device's page).

    Errors as ``rating_invitation_check``. Public: the token is the right to see the case's
    number, service and department (no personal data).
    """
    invitation = (
        RatingInvitation.objects.select_related("case", "case__department", "case__service_version")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )
    return rating_invitation_check(invitation)


@dataclass
class StaffRating:
    """A rating as a member of staff sees it, with what they may do on it."""

    rating: Rating
    rectification: Rectification | None
    appeal: RatingAppeal | None
    is_department_staff: bool = False
    can_answer: bool = False
    can_appeal: bool = False
    can_decide_appeal: bool = False
    can_supervise: bool = False


def _rating_rows() -> QuerySet[Rating]:
    return Rating.objects.select_related(
        "case",
        "case__department",
        "case__service_version",
        "rectification",
        "rectification__department",
        "rectification__completed_by",
        "appeal",
        "appeal__filed_by",
        "appeal__decided_by",
    )


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def rating_get_for_staff(*, actor: User, public_id: uuid.UUID | str) -> StaffRating:
    """Return rating ``public_id`` for a member of staff with their rights on it.

    Visible to the responsible department's staff and to its supervisors (rules in the module
    docstring); anyone else gets ``NotFound``.
    """
    rating = _rating_rows().filter(public_id=public_id).first() if _is_uuid(public_id) else None
    if rating is None:
        raise NotFound(_("No such rating among those you may see."))
    department = rating.case.department
    in_department = is_department_staff(actor=actor, department=department)
    supervises = supervises_department(actor=actor, department=department)
    if not in_department and not supervises:
        raise NotFound(_("No such rating among those you may see."))
    rectification = getattr(rating, "rectification", None)
    appeal = getattr(rating, "appeal", None)
    view = StaffRating(
        rating=rating,
        rectification=rectification,
        appeal=appeal,
        is_department_staff=in_department,
    )
    if rectification is not None:
        view.can_answer = (
            rectification.stage == Rectification.Stage.RECTIFYING
            and rectification.claimed_by_id in (None, actor.pk)
            and user_has_role(
                user=actor, role=rectification.role, department=rectification.department
            )
        )
        view.can_supervise = supervises and rectification.stage == Rectification.Stage.UNRESOLVED
    view.can_appeal = (
        rating.is_low
        and appeal is None
        and not rating.is_excluded
        and can_appeal_for(actor=actor, department=department)
    )
    view.can_decide_appeal = (
        appeal is not None
        and appeal.status == RatingAppeal.Status.PENDING
        and supervises
        and appeal.filed_by_id != actor.pk
    )
    return view


def rating_follow_ups(*, rating: Rating, audience: str) -> QuerySet[RatingFollowUp]:
    """The follow-up of ``rating``, oldest first: all of it for ``"staff"``, the rater's part
    (``RatingFollowUp.RATER_KINDS``) for ``"rater"``."""
    steps = rating.follow_ups.select_related("actor", "department").order_by("created_at", "id")
    if audience != "staff":
        steps = steps.filter(kind__in=RatingFollowUp.RATER_KINDS)
    return steps


def _queue_departments(actor: User) -> QuerySet[Department]:
    return departments_where(user=actor, role=RECTIFICATION_ROLE) | departments_where(
        user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN
    )


def _rectification_rows(rows: QuerySet[Rectification]) -> QuerySet[Rectification]:
    return rows.select_related(
        "rating",
        "rating__case",
        "rating__case__service_version",
        "department",
        "completed_by",
    )


def rectification_queue(*, actor: User, stage: str) -> QuerySet[Rectification]:
    """The rectifications at ``stage`` of the departments where ``actor`` answers or appeals
    ratings (reviewers and department administrators, sub-units included), earliest due first.
    """
    rows = Rectification.objects.filter(department__in=_queue_departments(actor), stage=stage)
    return _rectification_rows(rows.order_by("due_on", "id"))


def rectification_queue_count(*, actor: User) -> int | None:
    """How many rectifications wait for an answer from ``actor``'s departments; ``None`` when
    ``actor`` holds no role that works on rectifications (the workbench shows no tab then)."""
    departments = _queue_departments(actor)
    if not departments.exists():
        return None
    return Rectification.objects.filter(
        department__in=departments, stage=Rectification.Stage.RECTIFYING
    ).count()


@dataclass
class RatingSupervision:
    """What supervisors must look at: overdue and unresolved rectifications, pending appeals."""

    overdue: list[Rectification]
    unresolved: list[Rectification]
    appeals: list[RatingAppeal]


def rating_supervision(*, actor: User, limit: int = 100) -> RatingSupervision | None:
    """The ratings that need ``actor`` as a supervisor; ``None`` for anyone who supervises no
    department. Overdue: still being rectified after the due date (``deadline_state``)."""
    ids = supervised_departments(actor=actor)
    if ids is not None and not ids:
        return None
    rectifications = Rectification.objects.all()
    appeals = RatingAppeal.objects.filter(status=RatingAppeal.Status.PENDING)
    if ids is not None:
        rectifications = rectifications.filter(department_id__in=ids)
        appeals = appeals.filter(department_id__in=ids)
    overdue = rectifications.filter(
        stage=Rectification.Stage.RECTIFYING, deadline_state=DeadlineState.OVERDUE
    )
    unresolved = rectifications.filter(stage=Rectification.Stage.UNRESOLVED)
    return RatingSupervision(
        overdue=list(_rectification_rows(overdue.order_by("due_on", "id"))[:limit]),
        unresolved=list(_rectification_rows(unresolved.order_by("updated_at", "id"))[:limit]),
        appeals=list(
            appeals.select_related(
                "rating", "rating__case", "rating__case__service_version", "department", "filed_by"
            ).order_by("created_at", "id")[:limit]
        ),
    )
