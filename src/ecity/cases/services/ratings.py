"""Service ratings (好差评): the applicant rates a decided case once; low ratings are flagged."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ecity.cases.errors import CasesErrorCode
from ecity.cases.models import Case, CaseEvent, Rating
from ecity.cases.selectors.applicant import is_applicant
from ecity.cases.services.notifications import case_notification_enqueue, service_name
from ecity.core.errors import Conflict, NotFound, ValidationFailed
from ecity.identity.models import User
from ecity.org.models import StaffRole

# Ratings at or below this level are flagged to the lead department's supervisors.
LOW_RATING = 2
# Cases with a decision (refusing to accept is one); a withdrawn case has nothing to rate.
RATEABLE_STATUSES = (Case.Status.APPROVED, Case.Status.REJECTED, Case.Status.REFUSED)
COMMENT_MAX = 2000


def _supervisors(case: Case) -> list[User]:
    """Active supervisors holding the role in the lead department itself."""
    ids = StaffRole.objects.filter(
        department=case.department,
        role=StaffRole.Role.SUPERVISOR,
        is_active=True,
        user__is_active=True,
    ).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


def rating_submit(*, actor: User, case: Case, level: int, comment: str = "") -> Rating:
    """Record the applicant's rating of a decided case (1 very dissatisfied … 5 very satisfied).

    Only the applicant may rate (others get NotFound), only once (Conflict), only once the case
    is approved, rejected or refused (Conflict). A rating of 2 or less is flagged and a
    ``rating_low`` notification is queued for each supervisor of the lead department. Records
    the ``rated`` event.
    """
    if not is_applicant(user=actor, case=case):
        raise NotFound(_("No such case among yours."))
    errors: dict[str, list[str]] = {}
    if not isinstance(level, int) or isinstance(level, bool) or level not in Rating.Level.values:
        errors["level"] = [_("Choose a rating from 1 (very dissatisfied) to 5 (very satisfied).")]
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [
            _("The comment is too long (at most %(max)s characters).") % {"max": COMMENT_MAX}
        ]
    if case.status not in RATEABLE_STATUSES:
        raise Conflict(
            _("You can rate a case once it has been decided."), code=CasesErrorCode.NOT_CLOSED
        )
    if Rating.objects.filter(case=case).exists():
        raise Conflict(_("This case has already been rated."), code=CasesErrorCode.ALREADY_RATED)
    if errors:
        raise ValidationFailed(fields=errors)
    is_low = level <= LOW_RATING
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                case=case, level=level, comment=comment, is_flagged=is_low
            )
            CaseEvent.objects.create(
                case=case,
                action=CaseEvent.Action.RATED,
                actor=actor,
                data={"level": level},
            )
            if is_low:
                for supervisor in _supervisors(case):
                    case_notification_enqueue(
                        recipient=supervisor,
                        event="rating_low",
                        case=case,
                        context={
                            "case_number": case.number,
                            "level": level,
                            "rating_text": Rating.Level(level).label,
                            "comment": comment,
                            "service_name": service_name(case.service_version),
                            "department_name": {
                                "zh-hans": case.department.name_zh,
                                "en": case.department.name_en or case.department.name_zh,
                            },
                        },
                        idempotency_key=f"rating_low:{rating.public_id}:{supervisor.pk}",
                    )
    except IntegrityError as exc:
        raise Conflict(
            _("This case has already been rated."), code=CasesErrorCode.ALREADY_RATED
        ) from exc
    return rating
