"""Writes of mailboxes (领导信箱): letters, replies, publication and the writer's rating.

Rules: only signed-in citizens write letters; only a participation editor of the mailbox's
owning department takes, replies to and closes them; only the writer rates the reply, once,
after it was given. The reply is due ``Mailbox.reply_limit_days`` working days after the day the
letter arrived (``workflow.clocks.due_on``: the arrival day never counts). Every write checks all
its input first and runs in one transaction, attachments included: a failed letter leaves
neither rows nor files behind.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.cases.numbers import query_code_generate
from ecity.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from ecity.core.files import file_cleanup_on_rollback
from ecity.core.masking import mask_email, mask_id_number, mask_phone
from ecity.core.sequences import sequence_next
from ecity.core.uploads import (
    CheckedUpload,
    UploadRejected,
    UploadRules,
    upload_check,
)
from ecity.hotline.models import Channel, TicketKind
from ecity.hotline.services.intake import TicketInput, ticket_receive
from ecity.identity.models import User
from ecity.notify.services import notification_enqueue
from ecity.participation.errors import ParticipationErrorCode
from ecity.participation.models import Letter, LetterAttachment, Mailbox
from ecity.participation.selectors.mailboxes import can_handle_letters, is_citizen
from ecity.workflow.clocks import due_on

SUBJECT_MAX = 200
BODY_MAX = 5000
REPLY_MAX = 10000
ATTACHMENTS_MAX = 5


# What a letter's attachments may be: photos or PDFs of at most 10 MB.
LETTER_ATTACHMENTS = UploadRules(max_size_mb=10)

_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def letter_public_text(*, text: str, writer: User) -> str:
    """Return ``text`` without the writer's personal data, for publication.

    Masks mobile numbers, ID numbers and e-mail addresses anywhere in the text, and replaces
    the writer's real name with "**".
    """
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _PHONE.sub(lambda m: mask_phone(m.group(0)), text)
    text = _EMAIL.sub(lambda m: mask_email(m.group(0)), text)
    name = (writer.real_name or "").strip()
    if len(name) >= 2:
        text = text.replace(name, "**")
    return text


def _letter_number(*, mailbox: Mailbox, on: Any) -> str:
    """``XJ-<year>-<mailbox code>-<6 digits>`` from the gap-free sequence of the mailbox."""
    last = sequence_next(scope=f"participation:letters:{on.year}:{mailbox.code}")
    return f"XJ-{on.year}-{mailbox.code.upper()}-{last:06d}"


def _check_attachments(files: Sequence[Any]) -> list[CheckedUpload]:
    if len(files) > ATTACHMENTS_MAX:
        raise ValidationFailed(
            fields={
                "attachments": _("Attach at most %(count)s files.") % {"count": ATTACHMENTS_MAX}
            }
        )
    checked: list[CheckedUpload] = []
    messages: list[str] = []
    for upload in files:
        try:
            checked.append(upload_check(material=LETTER_ATTACHMENTS, upload=upload))
        except UploadRejected as rejected:
            messages.append(f"{getattr(upload, 'name', '')}: {rejected.message}")
    if messages:
        raise ValidationFailed(fields={"attachments": messages})
    return checked


def _attachment_store(*, letter: Letter, checked: CheckedUpload) -> LetterAttachment:
    now = timezone.localtime()
    name = f"participation/letters/{now:%Y}/{now:%m}/{letter.public_id}-{checked.sha256[:16]}"
    checked.file.seek(0)
    stored = default_storage.save(f"{name}.{checked.extension}", checked.file)
    # The file goes again if the letter's transaction rolls back (nothing half-written).
    file_cleanup_on_rollback(storage=default_storage, name=stored)
    return LetterAttachment.objects.create(
        letter=letter,
        file=stored,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )


def letter_submit(
    *,
    writer: User,
    mailbox: Mailbox,
    subject: str,
    body: str,
    consent_to_publish: bool,
    attachments: Sequence[Any] = (),
) -> Letter:
    """Receive a citizen's letter to ``mailbox`` and set its reply due date.

    Permissions: a signed-in citizen account (not a civil servant's work account). The mailbox
    must be open. Subject (≤ 200 characters) and text (≤ 5,000) are required; at most five
    attachments, PDF/JPEG/PNG of at most 10 MB each (type sniffed from the content). Side
    effects: the letter number from the gap-free sequence of the mailbox and year, a query code,
    the attachments stored (removed again on rollback).
    Errors: ``PermissionDenied`` (citizens_only), ``ApplicationError`` (mailbox_closed),
    ``ValidationFailed`` with field messages.
    """
    if not is_citizen(user=writer):
        raise PermissionDenied(
            _("Sign in with your citizen account to write a letter."),
            code=ParticipationErrorCode.CITIZENS_ONLY,
        )
    if not mailbox.is_active:
        raise ApplicationError(
            code=ParticipationErrorCode.MAILBOX_CLOSED,
            message=_("This mailbox does not accept letters now."),
        )
    subject = (subject or "").strip()
    body = (body or "").strip()
    errors: dict[str, str] = {}
    if not subject:
        errors["subject"] = _("Enter the subject of your letter.")
    elif len(subject) > SUBJECT_MAX:
        errors["subject"] = _("The subject may have at most %(max)s characters.") % {
            "max": SUBJECT_MAX
        }
    if not body:
        errors["body"] = _("Write your letter.")
    elif len(body) > BODY_MAX:
        errors["body"] = _("The letter may have at most %(max)s characters.") % {"max": BODY_MAX}
    if errors:
        raise ValidationFailed(fields=errors)
    checked = _check_attachments(list(attachments))
    with transaction.atomic():
        received_on = timezone.localdate()
        letter = Letter.objects.create(
            mailbox=mailbox,
            number=_letter_number(mailbox=mailbox, on=received_on),
            query_code=query_code_generate(),
            writer=writer,
            subject=subject,
            body=body,
            consent_to_publish=bool(consent_to_publish),
            received_on=received_on,
            due_on=due_on(received_on, mailbox.reply_limit_days),
        )
        for upload in checked:
            _attachment_store(letter=letter, checked=upload)
    return letter


def _require_handler(*, actor: User, letter: Letter) -> None:
    if not can_handle_letters(actor=actor, department=letter.mailbox.department):
        raise PermissionDenied(
            _("Only the participation editors of %(department)s may handle this letter.")
            % {"department": letter.mailbox.department.name_zh}
        )


def _locked(letter: Letter) -> Letter:
    return (
        Letter.objects.select_for_update().select_related("mailbox__department").get(pk=letter.pk)
    )


def _wrong_status() -> ApplicationError:
    return ApplicationError(
        _("The letter is not at the stage this action needs. Reload the page."),
        code=ParticipationErrorCode.LETTER_WRONG_STATUS,
    )


def letter_take(*, actor: User, letter: Letter) -> Letter:
    """Take a received letter in hand (received → in progress).

    Permissions: a participation editor of the mailbox's owning department. Audited.
    Errors: ``PermissionDenied``, ``ApplicationError`` (letter_wrong_status).
    """
    _require_handler(actor=actor, letter=letter)
    with transaction.atomic():
        letter = _locked(letter)
        if letter.status != Letter.Status.RECEIVED:
            raise _wrong_status()
        letter.status = Letter.Status.IN_PROGRESS
        letter.taken_by = actor
        letter.save(update_fields=["status", "taken_by", "updated_at"])
        audit_record(actor=actor, action="letter.taken", obj=letter, subject=letter.writer)
    return letter


def letter_reply(
    *, actor: User, letter: Letter, reply: str, published_body: str | None = None
) -> Letter:
    """Reply to an open letter, tell the writer, and publish it when the writer agreed.

    Permissions: a participation editor of the mailbox's owning department (nobody else, not
    even another department's editor). The reply is required (≤ 10,000 characters). When the
    writer consented, letter and reply are published at once; the published text is
    ``published_body`` if the editor gave one, else the letter with the writer's personal data
    masked (``letter_public_text``). Side effects: audit entry, ``letter_replied`` notification
    to the writer (in the same transaction). Errors: ``PermissionDenied``, ``ValidationFailed``,
    ``ApplicationError`` (letter_wrong_status).
    """
    _require_handler(actor=actor, letter=letter)
    reply = (reply or "").strip()
    if not reply:
        raise ValidationFailed(fields={"reply": _("Write the reply.")})
    if len(reply) > REPLY_MAX:
        raise ValidationFailed(
            fields={
                "reply": _("The reply may have at most %(max)s characters.") % {"max": REPLY_MAX}
            }
        )
    with transaction.atomic():
        letter = _locked(letter)
        if letter.status not in Letter.OPEN_STATUSES:
            raise _wrong_status()
        now = timezone.now()
        letter.status = Letter.Status.REPLIED
        letter.reply = reply
        letter.replied_by = actor
        letter.replied_at = now
        if letter.taken_by_id is None:
            letter.taken_by = actor
        if letter.consent_to_publish:
            given = (published_body or "").strip()
            letter.published_body = given or letter_public_text(
                text=letter.body, writer=letter.writer
            )
            letter.is_public = True
            letter.published_at = now
        letter.save()
        audit_record(
            actor=actor,
            action="letter.replied",
            obj=letter,
            subject=letter.writer,
            data={"published": letter.is_public},
        )
        mailbox = letter.mailbox
        notification_enqueue(
            recipient=letter.writer,
            event="letter_replied",
            context={
                "letter_number": letter.number,
                "subject": letter.subject,
                "mailbox": {"zh-hans": mailbox.name_zh, "en": mailbox.name_en or mailbox.name_zh},
                "department": {
                    "zh-hans": mailbox.department.name_zh,
                    "en": mailbox.department.name_en or mailbox.department.name_zh,
                },
            },
            obj=letter,
            reference=letter.number,
            idempotency_key=f"letter_replied:{letter.public_id}",
        )
    return letter


def letter_rate(*, writer: User, letter: Letter, rating: str, comment: str = "") -> Letter:
    """Rate the reply to one's own letter (满意/基本满意/不满意) and close the letter.

    Permissions: only the letter's writer, only after the reply, only once. An unsatisfied
    rating needs a comment (so the department learns why). Errors: ``PermissionDenied``,
    ``ValidationFailed``, ``ApplicationError`` (letter_wrong_status, letter_already_rated).
    """
    if not is_citizen(user=writer) or letter.writer_id != writer.pk:
        raise PermissionDenied(_("Only the writer of the letter may rate its reply."))
    comment = (comment or "").strip()
    if rating not in Letter.Rating.values:
        raise ValidationFailed(fields={"rating": _("Choose how satisfied you are.")})
    if rating == Letter.Rating.UNSATISFIED and not comment:
        raise ValidationFailed(fields={"comment": _("Tell us why you are not satisfied.")})
    if len(comment) > BODY_MAX:
        raise ValidationFailed(
            fields={
                "comment": _("The comment may have at most %(max)s characters.") % {"max": BODY_MAX}
            }
        )
    with transaction.atomic():
        letter = _locked(letter)
        if letter.rating:
            raise ApplicationError(
                _("You have already rated this reply."),
                code=ParticipationErrorCode.LETTER_ALREADY_RATED,
            )
        if letter.status != Letter.Status.REPLIED:
            raise _wrong_status()
        now = timezone.now()
        letter.rating = rating
        letter.rating_comment = comment
        letter.rated_at = now
        letter.status = Letter.Status.CLOSED
        letter.closed_at = now
        letter.save(
            update_fields=[
                "rating",
                "rating_comment",
                "rated_at",
                "status",
                "closed_at",
                "updated_at",
            ]
        )
    return letter


def letter_close(*, actor: User, letter: Letter) -> Letter:
    """Close a replied letter the writer has not rated (replied → closed).

    Permissions: a participation editor of the mailbox's owning department. Audited.
    Errors: ``PermissionDenied``, ``ApplicationError`` (letter_wrong_status).
    """
    _require_handler(actor=actor, letter=letter)
    with transaction.atomic():
        letter = _locked(letter)
        if letter.status != Letter.Status.REPLIED:
            raise _wrong_status()
        letter.status = Letter.Status.CLOSED
        letter.closed_at = timezone.now()
        letter.save(update_fields=["status", "closed_at", "updated_at"])
        audit_record(actor=actor, action="letter.closed", obj=letter, subject=letter.writer)
    return letter


def _attachment_copies(letter: Letter) -> list[ContentFile]:
    """The letter's files as uploads the hotline's intake checks and stores as its own copies
    (the ticket never shares the letter's stored file: each app deletes its own)."""
    copies = []
    for attachment in letter.attachments.order_by("created_at", "id"):
        with default_storage.open(attachment.file.name, "rb") as handle:
            copies.append(ContentFile(handle.read(), name=attachment.original_name))
    return copies


#: The kinds of ticket a forwarded letter may become (a letter is never praise or an enquiry
#: the mailbox could not answer itself).
FORWARD_KINDS = (TicketKind.COMPLAINT, TicketKind.REPORT, TicketKind.HELP)


def letter_forward_to_hotline(
    *, actor: User, letter: Letter, kind: str = TicketKind.COMPLAINT, note: str = ""
) -> Letter:
    """Turn an open letter that is really a complaint into a 12345 hotline ticket.

    Permissions: a participation editor of the mailbox's owning department. Rules: only an open
    letter (received or in progress); ``kind`` a complaint, report or request for help. The
    ticket is received through ``hotline.services.intake.ticket_receive`` on the mailbox
    channel with the letter's subject, text and attachments (copies, checked again by the
    hotline's attachment rules: a file the hotline refuses fails the forwarding with a field
    error on ``attachments``, nothing written), and belongs to the writer's account (their
    verified name and phone as caller). Side effects: the letter's status
    ``forwarded_to_hotline`` and ``ticket_number``; audit ``letter.forwarded_to_hotline``;
    notification ``letter_forwarded`` to the writer with the ticket number and query code; all
    in one transaction. Errors: ``PermissionDenied``, ``ValidationFailed``,
    ``ApplicationError`` (letter_wrong_status).
    """
    _require_handler(actor=actor, letter=letter)
    if kind not in FORWARD_KINDS:
        raise ValidationFailed(fields={"kind": _("Choose the kind of ticket.")})
    note = (note or "").strip()
    with transaction.atomic():
        letter = _locked(letter)
        if letter.status not in Letter.OPEN_STATUSES:
            raise _wrong_status()
        description = letter.body
        if note:
            description = f"{description}\n\n{_('Note of the mailbox editor')}: {note}"
        ticket = ticket_receive(
            actor=actor,
            channel=Channel.MAILBOX,
            data=TicketInput(
                kind=kind,
                title=letter.subject,
                description=description,
                attachments=_attachment_copies(letter),
            ),
            writer=letter.writer,
            notify=False,
        )
        letter.status = Letter.Status.FORWARDED_TO_HOTLINE
        letter.ticket_number = ticket.number
        letter.closed_at = timezone.now()
        if letter.taken_by_id is None:
            letter.taken_by = actor
        letter.save(
            update_fields=["status", "ticket_number", "closed_at", "taken_by", "updated_at"]
        )
        audit_record(
            actor=actor,
            action="letter.forwarded_to_hotline",
            obj=letter,
            subject=letter.writer,
            reason=note,
            data={"ticket_number": ticket.number, "kind": kind},
        )
        notification_enqueue(
            recipient=letter.writer,
            event="letter_forwarded",
            context={
                "letter_number": letter.number,
                "subject": letter.subject,
                "ticket_number": ticket.number,
                "query_code": ticket.query_code,
            },
            obj=letter,
            reference=letter.number,
            idempotency_key=f"letter_forwarded:{letter.public_id}",
        )
    return letter
