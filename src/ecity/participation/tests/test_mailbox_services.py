"""Mailbox letters: who may write, reply, rate; deadlines in working days; nothing half-written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from ecity.audit.models import AuditEntry
from ecity.core.calendar import add_working_days
from ecity.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from ecity.core.models import CalendarDay
from ecity.identity.tests.factories import StaffRoleFactory, StaffUserFactory, UserFactory
from ecity.notify.models import Notification
from ecity.org.models import StaffRole
from ecity.participation.models import Letter, LetterAttachment
from ecity.participation.selectors.mailboxes import letters_inbox, letters_published
from ecity.participation.services.mailboxes import (
    letter_close,
    letter_rate,
    letter_reply,
    letter_submit,
    letter_take,
)
from ecity.participation.tests.factories import LetterFactory, MailboxFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def editor_of(department):
    return StaffRoleFactory(department=department, role=StaffRole.Role.PARTICIPATION_EDITOR).user


def submit(writer, mailbox, **overrides):
    values = {
        "subject": "小区门口路灯不亮",
        "body": "幸福路12号小区门口的路灯已经坏了两周，晚上出行很不安全。",
        "consent_to_publish": True,
        "attachments": (),
    }
    values.update(overrides)
    return letter_submit(writer=writer, mailbox=mailbox, **values)


def test_citizen_letter_gets_number_query_code_and_working_day_due_date():
    # given a mailbox with a 15 working-day reply limit and a signed-in citizen
    mailbox = MailboxFactory(code="mayor", reply_limit_days=15)
    writer = UserFactory()
    # when the citizen writes with a PDF attached
    letter = submit(
        writer,
        mailbox,
        attachments=[SimpleUploadedFile("photo.pdf", PDF, content_type="application/pdf")],
    )
    # then the letter is received with a number, a query code and a due date 15 working days on
    assert letter.status == Letter.Status.RECEIVED
    assert letter.number.startswith(f"XJ-{letter.received_on.year}-MAYOR-")
    assert len(letter.query_code) == 8
    assert letter.due_on == add_working_days(letter.received_on, 15)
    attachment = letter.attachments.get()
    assert attachment.content_type == "application/pdf"
    assert default_storage.exists(attachment.file.name)


def test_due_date_skips_public_holidays(time_machine=None):
    # given a holiday in the week after today
    mailbox = MailboxFactory(reply_limit_days=3)
    first = add_working_days(dt.date.today(), 1)
    CalendarDay.objects.create(date=first, kind=CalendarDay.Kind.HOLIDAY, name="测试假日")
    # when a letter arrives
    letter = submit(UserFactory(), mailbox)
    # then the holiday does not count: the due date is one working day later than without it
    assert letter.due_on > first
    assert letter.due_on == add_working_days(letter.received_on, 3)


def test_letters_numbered_one_after_another_per_mailbox():
    # given one mailbox
    mailbox = MailboxFactory(code="hb")
    # when two letters arrive
    first = submit(UserFactory(), mailbox)
    second = submit(UserFactory(), mailbox)
    # then their numbers follow each other
    assert first.number.endswith("-000001")
    assert second.number.endswith("-000002")


def test_staff_account_cannot_write_letters():
    # given a civil servant's work account
    staff = StaffUserFactory()
    # when it writes a letter, then it is refused and nothing is written
    with pytest.raises(PermissionDenied) as refused:
        submit(staff, MailboxFactory())
    assert refused.value.code == "citizens_only"
    assert Letter.objects.count() == 0


def test_anonymous_visitor_cannot_write_letters():
    from django.contrib.auth.models import AnonymousUser

    # when an anonymous visitor writes, then it is refused
    with pytest.raises(PermissionDenied):
        submit(AnonymousUser(), MailboxFactory())
    assert Letter.objects.count() == 0


def test_empty_body_and_subject_are_refused_with_field_messages():
    # when a citizen sends a letter with blank subject and body
    with pytest.raises(ValidationFailed) as refused:
        submit(UserFactory(), MailboxFactory(), subject="  ", body="\n ")
    # then each field says what is missing and nothing is written
    assert set(refused.value.fields) == {"subject", "body"}
    assert Letter.objects.count() == 0


def test_wrong_attachment_type_refuses_the_whole_letter():
    # given a letter with one good PDF and one executable renamed to .jpg
    good = SimpleUploadedFile("ok.pdf", PDF)
    bad = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00\x03 not an image")
    # when it is sent
    with pytest.raises(ValidationFailed) as refused:
        submit(UserFactory(), MailboxFactory(), attachments=[good, bad])
    # then the attachment field names the bad file and neither letter nor file is stored
    assert "photo.jpg" in refused.value.fields["attachments"][0]
    assert Letter.objects.count() == 0
    assert LetterAttachment.objects.count() == 0


def test_failed_write_leaves_no_stored_file(monkeypatch):
    # given a storage write that succeeds and a row write that then fails
    stored: list[str] = []
    original_save = default_storage.save

    def remember(name, content, **kwargs):
        saved = original_save(name, content, **kwargs)
        stored.append(saved)
        return saved

    monkeypatch.setattr(default_storage, "save", remember)

    def broken_create(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(LetterAttachment.objects, "create", broken_create)
    # when a letter with an attachment is sent
    with pytest.raises(RuntimeError):
        submit(UserFactory(), MailboxFactory(), attachments=[SimpleUploadedFile("a.pdf", PDF)])
    # then neither the letter nor its file remains
    assert Letter.objects.count() == 0
    assert stored and not default_storage.exists(stored[0])


def test_closed_mailbox_refuses_letters():
    with pytest.raises(ApplicationError) as refused:
        submit(UserFactory(), MailboxFactory(is_active=False))
    assert refused.value.code == "mailbox_closed"


def test_editor_of_owning_department_replies_publishes_without_personal_data_and_notifies():
    # given a letter whose writer agreed to publication and mentions phone and name
    writer = UserFactory(real_name="李小明")
    letter = LetterFactory(
        writer=writer,
        body="我是李小明，电话13912345678，小区垃圾清运不及时。",
        consent_to_publish=True,
    )
    editor = editor_of(letter.mailbox.department)
    # when the department's editor replies
    letter_reply(actor=editor, letter=letter, reply="已督促环卫所每日清运两次。")
    letter.refresh_from_db()
    # then the letter is replied and published without the writer's name or full phone number
    assert letter.status == Letter.Status.REPLIED
    assert letter.is_public
    assert "李小明" not in letter.published_body
    assert "13912345678" not in letter.published_body
    assert "139****5678" in letter.published_body
    assert list(letters_published()) == [letter]
    # and the writer is notified, and the reply is audited
    assert Notification.objects.filter(recipient=writer, event="letter_replied").exists()
    assert AuditEntry.objects.filter(action="letter.replied").count() == 1


def test_reply_without_consent_is_not_published():
    letter = LetterFactory(consent_to_publish=False)
    letter_reply(actor=editor_of(letter.mailbox.department), letter=letter, reply="已处理。")
    letter.refresh_from_db()
    assert letter.status == Letter.Status.REPLIED
    assert not letter.is_public
    assert list(letters_published()) == []


def test_editor_of_another_department_cannot_reply():
    # given a letter to department A and an editor of department B
    letter = LetterFactory()
    outsider = editor_of(MailboxFactory().department)
    # when B's editor replies, then it is refused and the letter is unchanged
    with pytest.raises(PermissionDenied):
        letter_reply(actor=outsider, letter=letter, reply="越权回复")
    letter.refresh_from_db()
    assert letter.status == Letter.Status.RECEIVED
    assert letter.reply == ""
    # and the letter is not in B's inbox
    assert list(letters_inbox(actor=outsider)) == []


def test_other_role_of_owning_department_cannot_reply():
    letter = LetterFactory()
    reviewer = StaffRoleFactory(
        department=letter.mailbox.department, role=StaffRole.Role.REVIEWER
    ).user
    with pytest.raises(PermissionDenied):
        letter_reply(actor=reviewer, letter=letter, reply="回复")


def test_empty_reply_is_refused():
    letter = LetterFactory()
    with pytest.raises(ValidationFailed) as refused:
        letter_reply(actor=editor_of(letter.mailbox.department), letter=letter, reply=" ")
    assert "reply" in refused.value.fields


def test_take_then_reply_then_cannot_reply_twice():
    letter = LetterFactory()
    editor = editor_of(letter.mailbox.department)
    letter = letter_take(actor=editor, letter=letter)
    assert letter.status == Letter.Status.IN_PROGRESS
    letter_reply(actor=editor, letter=letter, reply="已处理。")
    with pytest.raises(ApplicationError) as refused:
        letter_reply(actor=editor, letter=letter, reply="再次回复")
    assert refused.value.code == "letter_wrong_status"


def test_writer_rates_reply_once_and_the_letter_closes():
    # given a replied letter
    letter = LetterFactory(replied=True)
    # when its writer rates the reply
    letter_rate(writer=letter.writer, letter=letter, rating="basically_satisfied", comment="较快")
    letter.refresh_from_db()
    # then the rating is kept and the letter is closed
    assert letter.rating == Letter.Rating.BASICALLY_SATISFIED
    assert letter.status == Letter.Status.CLOSED
    # and a second rating is refused
    with pytest.raises(ApplicationError) as refused:
        letter_rate(writer=letter.writer, letter=letter, rating="satisfied")
    assert refused.value.code == "letter_already_rated"


def test_rating_before_reply_is_refused():
    letter = LetterFactory()
    with pytest.raises(ApplicationError) as refused:
        letter_rate(writer=letter.writer, letter=letter, rating="satisfied")
    assert refused.value.code == "letter_wrong_status"
    letter.refresh_from_db()
    assert letter.rating == ""


def test_only_the_writer_rates():
    letter = LetterFactory(replied=True)
    with pytest.raises(PermissionDenied):
        letter_rate(writer=UserFactory(), letter=letter, rating="unsatisfied", comment="不好")
    letter.refresh_from_db()
    assert letter.rating == ""


def test_unsatisfied_rating_needs_a_comment():
    letter = LetterFactory(replied=True)
    with pytest.raises(ValidationFailed) as refused:
        letter_rate(writer=letter.writer, letter=letter, rating="unsatisfied")
    assert "comment" in refused.value.fields


def test_editor_closes_unrated_replied_letter():
    letter = LetterFactory(replied=True)
    letter = letter_close(actor=editor_of(letter.mailbox.department), letter=letter)
    assert letter.status == Letter.Status.CLOSED


def test_overdue_letters_listed_for_the_department_only():
    # given an overdue open letter, a letter due later and a replied letter past its date
    mailbox = MailboxFactory()
    today = dt.date(2026, 12, 7)
    overdue = LetterFactory(mailbox=mailbox, due_on=dt.date(2026, 12, 4))
    LetterFactory(mailbox=mailbox, due_on=dt.date(2026, 12, 20))
    LetterFactory(mailbox=mailbox, due_on=dt.date(2026, 12, 1), replied=True)
    LetterFactory(due_on=dt.date(2026, 12, 1))  # another department's
    # when the department's editor lists overdue letters
    rows = letters_inbox(actor=editor_of(mailbox.department), overdue_only=True, today=today)
    # then only the open overdue letter of its department is listed
    assert list(rows) == [overdue]
