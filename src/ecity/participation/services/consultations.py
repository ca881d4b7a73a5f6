"""Writes of consultations (征集意见): opening, comments, moderation, closing and the summary.

Rules: a participation editor of the owning department opens, closes, moderates and
summarises (and, while it is a draft, creates and edits it: title, introduction, draft text,
comment period and an optional PDF of the draft checked by the safe upload rules); signed-in
citizens with a verified identity comment under their verified name while
the consultation accepts comments; a comment is public only once an editor published it; a
rejection needs a reason. The summary comes only after closing, once every comment is moderated
and every published one is marked adopted / partly adopted / not adopted with a reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from ecity.core.files import file_cleanup_on_rollback
from ecity.core.uploads import PDF, CheckedUpload, UploadRejected, UploadRules, upload_check
from ecity.identity.models import User
from ecity.identity.selectors.identity_levels import identity_level_check
from ecity.org.models import Department
from ecity.participation.errors import ParticipationErrorCode
from ecity.participation.models import Consultation, ConsultationComment
from ecity.participation.selectors.consultations import (
    can_edit_consultations,
    consultation_is_accepting,
)
from ecity.participation.selectors.mailboxes import is_citizen

COMMENT_MAX = 5000
SECTION_MAX = 100
TITLE_MAX = 200
DRAFT_TEXT_MAX = 100_000
#: The real-name purpose a comment needs (``ECITY_IDENTITY_LEVELS_REQUIRED``; real-name if unset).
COMMENT_PURPOSE = "consultation_comment"


# What the draft's file may be: a PDF of at most 20 MB.
DRAFT_PDF = UploadRules(accepted_types=(PDF,), max_size_mb=20)


@dataclass(frozen=True)
class ConsultationInput:
    """What an editor writes about a consultation (the same fields to create and to edit)."""

    title: str
    draft_text: str
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    introduction: str = ""


def _validated(data: ConsultationInput, pdf: Any | None) -> tuple[ConsultationInput, Any]:
    """Check every field and the PDF; raise one ``ValidationFailed`` with all field messages."""
    title = (data.title or "").strip()
    draft_text = (data.draft_text or "").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Enter a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("The title may have at most %(max)s characters.") % {"max": TITLE_MAX}
    if not draft_text:
        errors["draft_text"] = _("Enter the text of the draft.")
    elif len(draft_text) > DRAFT_TEXT_MAX:
        errors["draft_text"] = _("The draft may have at most %(max)s characters.") % {
            "max": DRAFT_TEXT_MAX
        }
    if data.opens_at is None:
        errors["opens_at"] = _("Enter when comments open.")
    if data.closes_at is None:
        errors["closes_at"] = _("Enter when comments close.")
    elif data.opens_at is not None and data.closes_at <= data.opens_at:
        errors["closes_at"] = _("Comments must close after they open.")
    checked: CheckedUpload | None = None
    if pdf:
        try:
            checked = upload_check(material=DRAFT_PDF, upload=pdf)
        except UploadRejected as rejected:
            errors["attachment"] = rejected.message
    if errors:
        raise ValidationFailed(fields=errors)
    cleaned = ConsultationInput(
        title=title,
        draft_text=draft_text,
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        introduction=(data.introduction or "").strip(),
    )
    return cleaned, checked


def _pdf_store(*, consultation: Consultation, checked: CheckedUpload) -> None:
    now = timezone.localtime()
    name = f"participation/consultations/{now:%Y}/{consultation.public_id}-{checked.sha256[:16]}"
    checked.file.seek(0)
    stored = default_storage.save(f"{name}.{checked.extension}", checked.file)
    # The file goes again if the transaction rolls back (nothing half-written).
    file_cleanup_on_rollback(storage=default_storage, name=stored)
    consultation.attachment = stored
    consultation.attachment_name = checked.original_name


def _apply(consultation: Consultation, data: ConsultationInput) -> None:
    # ``_validated`` refused a missing period.
    assert data.opens_at is not None and data.closes_at is not None
    consultation.title = data.title
    consultation.introduction = data.introduction
    consultation.draft_text = data.draft_text
    consultation.opens_at = data.opens_at
    consultation.closes_at = data.closes_at


def consultation_create(
    *, actor: User, department: Department, data: ConsultationInput, pdf: Any | None = None
) -> Consultation:
    """Create a draft consultation of ``department`` (not public until opened).

    Permissions: a participation editor of ``department``. Rules: title (≤ 200 characters) and
    draft text required; comments close after they open; the optional file must be a PDF (by
    its content, ≤ 20 MB). Side effects: the PDF stored (removed again on rollback), audit
    ``consultation.created``. Errors: ``PermissionDenied``, ``ValidationFailed``.
    """
    if not can_edit_consultations(actor=actor, department=department):
        raise PermissionDenied(
            _("Only the participation editors of %(department)s may do this.")
            % {"department": department.name_zh}
        )
    cleaned, checked = _validated(data, pdf)
    with transaction.atomic():
        consultation = Consultation(department=department, created_by=actor)
        _apply(consultation, cleaned)
        if checked is not None:
            _pdf_store(consultation=consultation, checked=checked)
        consultation.save()
        audit_record(actor=actor, action="consultation.created", obj=consultation)
    return consultation


def consultation_update(
    *,
    actor: User,
    consultation: Consultation,
    data: ConsultationInput,
    pdf: Any | None = None,
    remove_pdf: bool = False,
) -> Consultation:
    """Change a draft consultation: its texts, period and PDF (replace or remove it).

    Permissions: a participation editor of the owning department. Only drafts change: once
    opened, what citizens commented on stays as it was. Rules as ``consultation_create``.
    Side effects: audit ``consultation.updated``; a replaced or removed PDF is deleted after
    commit. Errors: ``PermissionDenied``, ``ValidationFailed``, ``ApplicationError``
    (consultation_wrong_status).
    """
    _require_editor(actor=actor, consultation=consultation)
    cleaned, checked = _validated(data, pdf)
    with transaction.atomic():
        consultation = _locked(consultation)
        if consultation.status != Consultation.Status.DRAFT:
            raise _wrong_status()
        old_file = consultation.attachment.name if consultation.attachment else ""
        _apply(consultation, cleaned)
        if checked is not None:
            _pdf_store(consultation=consultation, checked=checked)
        elif remove_pdf:
            consultation.attachment = ""
            consultation.attachment_name = ""
        consultation.save()
        new_file = consultation.attachment.name if consultation.attachment else ""
        if old_file and old_file != new_file:
            transaction.on_commit(lambda: default_storage.delete(old_file))
        audit_record(actor=actor, action="consultation.updated", obj=consultation)
    return consultation


def _require_editor(*, actor: User, consultation: Consultation) -> None:
    if not can_edit_consultations(actor=actor, department=consultation.department):
        raise PermissionDenied(
            _("Only the participation editors of %(department)s may do this.")
            % {"department": consultation.department.name_zh}
        )


def _wrong_status() -> ApplicationError:
    return ApplicationError(
        _("The consultation is not at the stage this action needs. Reload the page."),
        code=ParticipationErrorCode.CONSULTATION_WRONG_STATUS,
    )


def _locked(consultation: Consultation) -> Consultation:
    return (
        Consultation.objects.select_for_update()
        .select_related("department")
        .get(pk=consultation.pk)
    )


def _move(
    *, actor: User, consultation: Consultation, from_status: str, to_status: str, action: str
) -> Consultation:
    _require_editor(actor=actor, consultation=consultation)
    with transaction.atomic():
        consultation = _locked(consultation)
        if consultation.status != from_status:
            raise _wrong_status()
        consultation.status = to_status
        consultation.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action=action, obj=consultation)
    return consultation


def consultation_open(*, actor: User, consultation: Consultation) -> Consultation:
    """Publish a draft consultation (draft → open); comments run from ``opens_at``.

    Permissions: an editor of the owning department. Audited. Errors: ``PermissionDenied``,
    ``ApplicationError`` (consultation_wrong_status).
    """
    return _move(
        actor=actor,
        consultation=consultation,
        from_status=Consultation.Status.DRAFT,
        to_status=Consultation.Status.OPEN,
        action="consultation.opened",
    )


def consultation_close(*, actor: User, consultation: Consultation) -> Consultation:
    """End the comment period (open → closed).

    Permissions: an editor of the owning department. Audited. Errors: ``PermissionDenied``,
    ``ApplicationError`` (consultation_wrong_status).
    """
    return _move(
        actor=actor,
        consultation=consultation,
        from_status=Consultation.Status.OPEN,
        to_status=Consultation.Status.CLOSED,
        action="consultation.closed",
    )


def comment_submit(
    *, author: User, consultation: Consultation, body: str, section: str = ""
) -> ConsultationComment:
    """Leave a comment on ``consultation`` (or one of its sections), awaiting moderation.

    Permissions: a signed-in citizen with a verified identity; the comment carries the
    account's verified name. Only while the consultation accepts comments. The text is required
    (≤ 5,000 characters). Errors: ``PermissionDenied`` (citizens_only), ``IdentityLevelRequired``,
    ``ApplicationError`` (consultation_not_open), ``ValidationFailed``.
    """
    if not is_citizen(user=author):
        raise PermissionDenied(
            _("Sign in with your citizen account to comment."),
            code=ParticipationErrorCode.CITIZENS_ONLY,
        )
    identity_level_check(user=author, purpose=COMMENT_PURPOSE)
    if not consultation_is_accepting(consultation):
        raise ApplicationError(
            _("This consultation does not accept comments now."),
            code=ParticipationErrorCode.CONSULTATION_NOT_OPEN,
        )
    body = (body or "").strip()
    section = (section or "").strip()
    errors: dict[str, str] = {}
    if not body:
        errors["body"] = _("Write your comment.")
    elif len(body) > COMMENT_MAX:
        errors["body"] = _("The comment may have at most %(max)s characters.") % {
            "max": COMMENT_MAX
        }
    if len(section) > SECTION_MAX:
        errors["section"] = _("The section may have at most %(max)s characters.") % {
            "max": SECTION_MAX
        }
    if errors:
        raise ValidationFailed(fields=errors)
    return ConsultationComment.objects.create(
        consultation=consultation,
        author=author,
        author_name=author.real_name,
        section=section,
        body=body,
    )


def comment_moderate(
    *, actor: User, comment: ConsultationComment, publish: bool, reason: str = ""
) -> ConsultationComment:
    """Publish a pending comment, or reject it with a reason (rejected comments stay hidden).

    Permissions: an editor of the consultation's owning department. Audited.
    Errors: ``PermissionDenied``, ``ValidationFailed`` (a rejection without reason),
    ``ApplicationError`` (comment_not_pending).
    """
    _require_editor(actor=actor, consultation=comment.consultation)
    reason = (reason or "").strip()
    if not publish and not reason:
        raise ValidationFailed(fields={"reason": _("Say why the comment is rejected.")})
    with transaction.atomic():
        comment = ConsultationComment.objects.select_for_update().get(pk=comment.pk)
        if comment.status != ConsultationComment.Status.PENDING:
            raise ApplicationError(
                _("The comment has already been moderated."),
                code=ParticipationErrorCode.COMMENT_NOT_PENDING,
            )
        comment.status = (
            ConsultationComment.Status.PUBLISHED if publish else ConsultationComment.Status.REJECTED
        )
        comment.rejection_reason = "" if publish else reason
        comment.moderated_by = actor
        comment.moderated_at = timezone.now()
        comment.save()
        audit_record(
            actor=actor,
            action="consultation_comment." + ("published" if publish else "rejected"),
            obj=comment,
            subject=comment.author,
            reason=reason,
        )
    return comment


def comment_adoption_set(
    *, actor: User, comment: ConsultationComment, adoption: str, reason: str
) -> ConsultationComment:
    """Mark a published comment adopted / partly adopted / not adopted, with a reason.

    Permissions: an editor of the owning department; only after the consultation closed (and
    before its summary). Errors: ``PermissionDenied``, ``ValidationFailed``,
    ``ApplicationError`` (consultation_wrong_status, comment_not_pending).
    """
    consultation = comment.consultation
    _require_editor(actor=actor, consultation=consultation)
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if adoption not in ConsultationComment.Adoption.values:
        errors["adoption"] = _("Choose whether the comment is adopted.")
    if not reason:
        errors["reason"] = _("Give the reason.")
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        consultation = _locked(consultation)
        if consultation.status != Consultation.Status.CLOSED:
            raise _wrong_status()
        comment = ConsultationComment.objects.select_for_update().get(pk=comment.pk)
        if comment.status != ConsultationComment.Status.PUBLISHED:
            raise ApplicationError(
                _("Only published comments are answered in the summary."),
                code=ParticipationErrorCode.COMMENT_NOT_PENDING,
            )
        comment.adoption = adoption
        comment.adoption_reason = reason
        comment.save(update_fields=["adoption", "adoption_reason", "updated_at"])
        audit_record(
            actor=actor, action="consultation_comment.adoption_set", obj=comment, reason=reason
        )
    return comment


def consultation_summarise(
    *, actor: User, consultation: Consultation, summary: str
) -> Consultation:
    """Publish the summary of a closed consultation (closed → summarised).

    Needs the overall summary text, no comment awaiting moderation and an adoption decision on
    every published comment. Permissions: an editor of the owning department. Audited.
    Errors: ``PermissionDenied``, ``ValidationFailed``, ``ApplicationError``
    (consultation_wrong_status, consultation_summary_incomplete).
    """
    _require_editor(actor=actor, consultation=consultation)
    summary = (summary or "").strip()
    if not summary:
        raise ValidationFailed(fields={"summary": _("Write the summary of the comments.")})
    with transaction.atomic():
        consultation = _locked(consultation)
        if consultation.status != Consultation.Status.CLOSED:
            raise _wrong_status()
        comments = consultation.comments.all()
        pending = comments.filter(status=ConsultationComment.Status.PENDING).exists()
        unanswered = comments.filter(
            status=ConsultationComment.Status.PUBLISHED, adoption=""
        ).exists()
        if pending or unanswered:
            raise ApplicationError(code=ParticipationErrorCode.SUMMARY_INCOMPLETE)
        consultation.summary = summary
        consultation.status = Consultation.Status.SUMMARISED
        consultation.summarised_at = timezone.now()
        consultation.save(update_fields=["summary", "status", "summarised_at", "updated_at"])
        audit_record(actor=actor, action="consultation.summarised", obj=consultation)
    return consultation
