"""Service ratings (好差评): invitations to rate, and the rating itself.

A decided case is rated once, by its applicant: logged in (``rating_submit``), or with a one-time
link (``rating_submit_with_token``) that a counter clerk opens on the counter's rating device
(评价器, ``rating_invitation_issue``) or that a walk-in applicant receives with the invitation
sent when the case is decided (``rating_invite``). A low rating (差评: 2 or less) is flagged to the
lead department's supervisors and opens a rectification (``services.rectification``).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.cases.errors import CasesErrorCode
from ecity.cases.models import Case, CaseEvent, Rating, RatingInvitation
from ecity.cases.selectors.applicant import is_applicant
from ecity.cases.selectors.ratings import (
    RATEABLE_STATUSES,
    invitation_token_hash,
    is_rateable,
    rating_invitation_check,
)
from ecity.cases.services.notifications import (
    case_notification_enqueue,
    notification_context,
    service_name,
)
from ecity.cases.services.rectification import rectification_open, supervisors_of
from ecity.cases.services.timeline import event_record
from ecity.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ecity.core.locking import lock_row
from ecity.identity.models import User
from ecity.org.models import StaffRole
from ecity.org.selectors import user_has_role

__all__ = [
    "LOW_RATING",
    "RATEABLE_STATUSES",
    "rating_invitation_issue",
    "rating_invite",
    "rating_submit",
    "rating_submit_with_token",
]

# Ratings at or below this level are 差评: flagged to the supervisors and rectified.
LOW_RATING = 2
COMMENT_MAX = 2000
# How long a one-time rating link stays valid: the counter's, and one sent in a message.
COUNTER_INVITATION_VALID = dt.timedelta(hours=2)
MESSAGE_INVITATION_VALID = dt.timedelta(days=30)


def _validated(level: object, comment: str) -> tuple[int, str]:
    """The level and the stripped comment; ``ValidationFailed`` names the bad fields."""
    errors: dict[str, list[str]] = {}
    valid_level = (
        isinstance(level, int) and not isinstance(level, bool) and level in Rating.Level.values
    )
    if not valid_level:
        errors["level"] = [_("Choose a rating from 1 (very dissatisfied) to 5 (very satisfied).")]
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [
            _("The comment is too long (at most %(max)s characters).") % {"max": COMMENT_MAX}
        ]
    if errors:
        raise ValidationFailed(fields=errors)
    return int(level), comment  # type: ignore[call-overload]


def _check_rateable(case: Case) -> None:
    if case.status not in RATEABLE_STATUSES:
        raise Conflict(
            _("You can rate a case once it has been decided."), code=CasesErrorCode.NOT_CLOSED
        )
    if Rating.objects.filter(case=case).exists():
        raise Conflict(_("This case has already been rated."), code=CasesErrorCode.ALREADY_RATED)


def _notify_supervisors(rating: Rating) -> None:
    case = rating.case
    for supervisor in supervisors_of(case.department):
        case_notification_enqueue(
            recipient=supervisor,
            event="rating_low",
            case=case,
            context={
                "case_number": case.number,
                "level": rating.level,
                "rating_text": Rating.Level(rating.level).label,
                "comment": rating.comment,
                "service_name": service_name(case.service_version),
                "department_name": {
                    "zh-hans": case.department.name_zh,
                    "en": case.department.name_en or case.department.name_zh,
                },
                "link_path": reverse("cases:rating_staff", kwargs={"public_id": rating.public_id}),
            },
            idempotency_key=f"rating_low:{rating.public_id}:{supervisor.pk}",
        )


def _rating_record(
    *, case: Case, level: int, comment: str, channel: str, actor: User | None
) -> Rating:
    """Write the rating of ``case`` (checked rateable) and what follows from it."""
    is_low = level <= LOW_RATING
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                case=case, level=level, comment=comment, channel=channel, is_flagged=is_low
            )
            event_record(
                case=case,
                action=CaseEvent.Action.RATED,
                actor=actor,
                data={"level": level, "channel": channel},
            )
            if is_low:
                _notify_supervisors(rating)
                rectification_open(rating=rating)
    except IntegrityError as exc:
        raise Conflict(
            _("This case has already been rated."), code=CasesErrorCode.ALREADY_RATED
        ) from exc
    return rating


def rating_submit(*, actor: User, case: Case, level: int, comment: str = "") -> Rating:
    """Record the applicant's rating of a decided case (1 very dissatisfied … 5 very satisfied).

    Only the applicant may rate (others get NotFound), only once (Conflict), only once the case
    is approved, rejected or refused (Conflict). A rating of 2 or less (差评) is flagged, a
    ``rating_low`` notification is queued for each supervisor of the lead department and a
    rectification is opened for it. Records the ``rated`` event.
    """
    if not is_applicant(user=actor, case=case):
        raise NotFound(_("No such case among yours."))
    _check_rateable(case)
    level, comment = _validated(level, comment)
    return _rating_record(
        case=case, level=level, comment=comment, channel=Rating.Channel.ONLINE, actor=actor
    )


def _invitation_lock(token: str) -> RatingInvitation:
    """Lock the invitation of ``token`` if it is usable (errors: ``rating_invitation_check``)."""
    invitation = (
        RatingInvitation.objects.select_for_update(of=("self",))
        .select_related("case", "case__department", "case__service_version")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )
    return rating_invitation_check(invitation)


@transaction.atomic
def rating_submit_with_token(*, token: str, level: int, comment: str = "") -> Rating:
    """Rate the case of a one-time invitation (the counter's rating device, or a message link).

    No login: holding the token is the right to rate that one case, once. Rules as
    ``rating_submit``; the invitation is used up with the rating. Errors: ``NotFound`` for an
    unknown token, ``Conflict`` for a used or expired one (``rating_invitation_invalid``) or an
    already rated case, ``ValidationFailed`` for a bad level or comment.
    """
    invitation = _invitation_lock(token)
    case = invitation.case
    _check_rateable(case)
    level, comment = _validated(level, comment)
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at", "updated_at"])
    channel = (
        Rating.Channel.COUNTER
        if invitation.channel == RatingInvitation.Channel.COUNTER
        else Rating.Channel.LINK
    )
    return _rating_record(case=case, level=level, comment=comment, channel=channel, actor=None)


def _invitation_create(
    *, case: Case, channel: str, issued_by: User | None, valid: dt.timedelta
) -> tuple[RatingInvitation, str]:
    token = secrets.token_urlsafe(24)
    invitation = RatingInvitation.objects.create(
        case=case,
        token_hash=invitation_token_hash(token),
        channel=channel,
        issued_by=issued_by,
        expires_at=timezone.now() + valid,
    )
    return invitation, token


@transaction.atomic
def rating_invitation_issue(*, actor: User, case: Case) -> tuple[RatingInvitation, str]:
    """Open the counter's rating device (评价器) for ``case``: a one-time link, valid 2 hours.

    Permissions: a counter clerk of the case's lead department (``PermissionDenied``), checked
    first. The case must be decided and not rated (``Conflict``). Earlier unused counter links
    of the case stop working. Returns the invitation and its token (shown once, never stored).
    Audited (``rating.counter_invitation_issued``).
    """
    case = lock_row(Case.objects.select_related("department"), pk=case.pk)
    if not user_has_role(user=actor, role=StaffRole.Role.COUNTER_CLERK, department=case.department):
        raise PermissionDenied(_("Only a counter clerk of the lead department can do this."))
    _check_rateable(case)
    now = timezone.now()
    RatingInvitation.objects.filter(
        case=case, channel=RatingInvitation.Channel.COUNTER, used_at__isnull=True
    ).update(expires_at=now, updated_at=now)
    invitation, token = _invitation_create(
        case=case,
        channel=RatingInvitation.Channel.COUNTER,
        issued_by=actor,
        valid=COUNTER_INVITATION_VALID,
    )
    audit_record(
        actor=actor,
        action="rating.counter_invitation_issued",
        obj=case,
        data={"department": case.department.code},
    )
    return invitation, token


@transaction.atomic
def rating_invite(*, case: Case) -> bool:
    """Invite the applicant of a just decided case to rate it; return whether it was sent.

    Called by the handler of ``case.decided``. An applicant with an account gets a
    ``rating_invited`` notification linking to the case's rating page; a walk-in applicant (no
    account) gets it by e-mail or SMS with a one-time link valid 30 days. Idempotent: a case is
    invited once (also when the event is delivered again); a rated case is not invited.
    """
    case = lock_row(
        Case.objects.select_related("department", "service_version", "applicant"), pk=case.pk
    )
    if not is_rateable(case):
        return False
    if case.applicant_id is None and not (case.contact_email or case.contact_phone):
        return False
    key = f"rating_invited:{case.public_id}"
    if RatingInvitation.objects.filter(
        case=case, channel=RatingInvitation.Channel.MESSAGE
    ).exists():
        return False
    if case.applicant_id is not None:
        link_path = reverse("cases:rate", kwargs={"number": case.number})
    else:
        _invitation, token = _invitation_create(
            case=case,
            channel=RatingInvitation.Channel.MESSAGE,
            issued_by=None,
            valid=MESSAGE_INVITATION_VALID,
        )
        link_path = reverse("cases:rate_with_token", kwargs={"token": token})
    case_notification_enqueue(
        recipient=case.applicant,
        event="rating_invited",
        case=case,
        context=notification_context(case, link_path=link_path),
        idempotency_key=key,
        email="" if case.applicant_id else case.contact_email,
        phone="" if case.applicant_id else case.contact_phone,
    )
    return True
