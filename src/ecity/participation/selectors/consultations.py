"""Reads of consultations and their comments; only published comments are ever public."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.errors import NotFound
from ecity.identity.models import User
from ecity.org.models import Department, StaffRole
from ecity.org.selectors import departments_where, user_has_role
from ecity.participation.models import Consultation, ConsultationComment

EDITOR_ROLE = StaffRole.Role.PARTICIPATION_EDITOR


def can_edit_consultations(*, actor: User | object, department: Department) -> bool:
    """Whether ``actor`` edits, moderates and summarises ``department``'s consultations."""
    return user_has_role(user=actor, role=EDITOR_ROLE, department=department)


def consultation_is_accepting(
    consultation: Consultation, *, now: dt.datetime | None = None
) -> bool:
    """Whether comments are accepted now: open, and between its opening and closing times."""
    now = now or timezone.now()
    return (
        consultation.status == Consultation.Status.OPEN
        and consultation.opens_at <= now < consultation.closes_at
    )


def consultations_public() -> QuerySet[Consultation]:
    """List consultations the public may see (everything but drafts), newest first."""
    return Consultation.objects.exclude(status=Consultation.Status.DRAFT).select_related(
        "department"
    )


def comments_public(*, consultation: Consultation) -> QuerySet[ConsultationComment]:
    """List the published comments of ``consultation`` (pending and rejected never appear)."""
    return consultation.comments.filter(status=ConsultationComment.Status.PUBLISHED).order_by(
        "created_at", "id"
    )


def comments_to_moderate(
    *, actor: User, consultation: Consultation
) -> QuerySet[ConsultationComment]:
    """List the comments awaiting moderation, for an editor of the owning department only."""
    if not can_edit_consultations(actor=actor, department=consultation.department):
        return ConsultationComment.objects.none()
    return consultation.comments.filter(status=ConsultationComment.Status.PENDING)


def consultation_get_public(*, public_id: UUID | str) -> Consultation:
    """Return a consultation the public may see (not a draft); ``NotFound`` otherwise."""
    consultation = consultations_public().filter(public_id=public_id).first()
    if consultation is None:
        raise NotFound(_("No such consultation."))
    return consultation


def consultations_for_staff(*, actor: User) -> QuerySet[Consultation]:
    """List the consultations of the departments where ``actor`` is a participation editor."""
    return (
        Consultation.objects.filter(department__in=departments_where(user=actor, role=EDITOR_ROLE))
        .select_related("department")
        .annotate(
            pending_count=Count(
                "comments", filter=Q(comments__status=ConsultationComment.Status.PENDING)
            )
        )
    )


def consultation_for_staff(*, actor: User, public_id: UUID | str) -> Consultation:
    """Return one consultation for an editor of its department; ``NotFound`` for anyone else."""
    consultation = consultations_for_staff(actor=actor).filter(public_id=public_id).first()
    if consultation is None:
        raise NotFound(_("No such consultation."))
    return consultation


def comments_published_to_answer(
    *, actor: User, consultation: Consultation
) -> QuerySet[ConsultationComment]:
    """List the published comments for the adoption decisions (editors of the department)."""
    if not can_edit_consultations(actor=actor, department=consultation.department):
        return ConsultationComment.objects.none()
    return comments_public(consultation=consultation)
