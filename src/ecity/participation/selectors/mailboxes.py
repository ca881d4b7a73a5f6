"""Reads of mailboxes and letters, with permission filtering built in."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from ecity.core.errors import NotFound
from ecity.identity.models import User
from ecity.org.models import Department, StaffRole
from ecity.org.selectors import departments_where, user_has_role
from ecity.participation.models import Letter, Mailbox

#: The role that reads and replies to a department's letters.
LETTER_HANDLER_ROLE = StaffRole.Role.PARTICIPATION_EDITOR


def is_citizen(*, user: User | object) -> bool:
    """Whether ``user`` is a signed-in, active citizen account (not a civil servant's)."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and bool(getattr(user, "is_active", False))
        and not getattr(user, "is_staff_account", False)
    )


def can_handle_letters(*, actor: User | object, department: Department) -> bool:
    """Whether ``actor`` reads and replies to the letters of ``department``'s mailboxes."""
    return user_has_role(user=actor, role=LETTER_HANDLER_ROLE, department=department)


def mailbox_list(*, active_only: bool = True) -> QuerySet[Mailbox]:
    """List the mailboxes (open ones by default), departments joined."""
    boxes = Mailbox.objects.select_related("department")
    return boxes.filter(is_active=True) if active_only else boxes


def mailbox_get(*, code: str) -> Mailbox:
    """Return the open mailbox ``code``; raise ``NotFound`` otherwise."""
    try:
        return mailbox_list().get(code=code)
    except Mailbox.DoesNotExist:
        raise NotFound() from None


def letters_published(*, mailbox: Mailbox | None = None) -> QuerySet[Letter]:
    """List published letters with their replies, newest first (no personal data is read)."""
    letters = Letter.objects.filter(is_public=True).select_related("mailbox")
    if mailbox is not None:
        letters = letters.filter(mailbox=mailbox)
    return letters.only(
        "public_id",
        "number",
        "subject",
        "published_body",
        "reply",
        "replied_at",
        "published_at",
        "received_on",
        "mailbox__code",
        "mailbox__name_zh",
        "mailbox__name_en",
    ).order_by("-published_at", "-id")


def letters_of_writer(*, writer: User) -> QuerySet[Letter]:
    """List the letters ``writer`` wrote, newest first."""
    if not is_citizen(user=writer):
        return Letter.objects.none()
    return Letter.objects.filter(writer=writer).select_related("mailbox").order_by("-id")


def letter_of_writer(*, writer: User, number: str) -> Letter:
    """Return the writer's own letter ``number``; ``NotFound`` for anyone else's."""
    try:
        return letters_of_writer(writer=writer).prefetch_related("attachments").get(number=number)
    except Letter.DoesNotExist:
        raise NotFound() from None


def letters_inbox(
    *, actor: User, status: str = "", overdue_only: bool = False, today: dt.date | None = None
) -> QuerySet[Letter]:
    """List the letters of the mailboxes of the departments where ``actor`` handles letters.

    ``overdue_only``: open letters whose reply was due before ``today`` (超期), oldest first.
    """
    departments = departments_where(user=actor, role=LETTER_HANDLER_ROLE)
    letters = Letter.objects.filter(mailbox__department__in=departments).select_related(
        "mailbox", "mailbox__department", "writer"
    )
    if status:
        letters = letters.filter(status=status)
    if overdue_only:
        today = today or timezone.localdate()
        return letters.filter(status__in=Letter.OPEN_STATUSES, due_on__lt=today).order_by(
            "due_on", "id"
        )
    return letters.order_by("due_on", "-id")


def letter_for_staff(*, actor: User, number: str) -> Letter:
    """Return letter ``number`` if ``actor`` handles its mailbox's department; else ``NotFound``."""
    try:
        letter = (
            Letter.objects.select_related("mailbox", "mailbox__department", "writer")
            .prefetch_related("attachments")
            .get(number=number)
        )
    except Letter.DoesNotExist:
        raise NotFound() from None
    if not can_handle_letters(actor=actor, department=letter.mailbox.department):
        raise NotFound()
    return letter


def letter_is_overdue(letter: Letter, *, today: dt.date | None = None) -> bool:
    """Whether the open ``letter``'s reply is past its due date."""
    return letter.is_open and letter.due_on < (today or timezone.localdate())
