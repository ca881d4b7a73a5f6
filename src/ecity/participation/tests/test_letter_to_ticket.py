"""A mailbox letter that is really a complaint becomes a 12345 hotline ticket of its writer."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ecity.audit.models import AuditEntry
from ecity.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from ecity.hotline.models import Channel, Ticket
from ecity.hotline.services.intake import TicketInput, ticket_receive
from ecity.identity.tests.factories import StaffRoleFactory, UserFactory
from ecity.notify.models import Notification
from ecity.org.models import StaffRole
from ecity.participation.models import Letter
from ecity.participation.services.mailboxes import letter_forward_to_hotline, letter_submit
from ecity.participation.tests.factories import LetterFactory, MailboxFactory

pytestmark = pytest.mark.django_db


def editor_of(department):
    return StaffRoleFactory(department=department, role=StaffRole.Role.PARTICIPATION_EDITOR).user


def complaint_letter():
    writer = UserFactory(is_real_name_verified=True, real_name="张伟", phone="13912345678")
    return LetterFactory(
        writer=writer,
        subject="工地夜间施工噪音扰民",
        body="幸福路工地每晚11点后仍在施工，严重影响休息。",
    )


def test_editor_forwards_a_letter_and_the_writer_owns_the_ticket():
    # given a received letter that is a complaint, and an editor of the mailbox's department
    letter = complaint_letter()
    editor = editor_of(letter.mailbox.department)
    # when the editor forwards it to the hotline
    letter = letter_forward_to_hotline(actor=editor, letter=letter)
    # then a mailbox-channel complaint ticket of the writer awaits dispatch with the letter's text
    ticket = Ticket.objects.get()
    assert letter.status == Letter.Status.FORWARDED_TO_HOTLINE
    assert letter.ticket_number == ticket.number
    assert ticket.channel == Channel.MAILBOX
    assert ticket.kind == "complaint"
    assert ticket.status == Ticket.Status.RECEIVED
    assert ticket.title == "工地夜间施工噪音扰民"
    assert ticket.description == "幸福路工地每晚11点后仍在施工，严重影响休息。"
    assert ticket.citizen == letter.writer
    assert (ticket.caller_name, ticket.caller_phone) == ("张伟", "13912345678")
    # and the writer is told the ticket number and query code once (no second intake message)
    notices = Notification.objects.filter(recipient=letter.writer)
    assert {n.event for n in notices} == {"letter_forwarded"}
    for notice in notices:
        assert ticket.number in notice.body and ticket.query_code in notice.body
    assert not Notification.objects.filter(event="ticket_received").exists()
    entry = AuditEntry.objects.get(action="letter.forwarded_to_hotline")
    assert entry.data["ticket_number"] == ticket.number


def test_editor_of_another_department_cannot_forward():
    letter = complaint_letter()
    with pytest.raises(PermissionDenied):
        letter_forward_to_hotline(actor=editor_of(StaffRoleFactory().department), letter=letter)
    assert Ticket.objects.count() == 0
    letter.refresh_from_db()
    assert letter.status == Letter.Status.RECEIVED


def test_a_replied_letter_is_not_forwarded():
    letter = LetterFactory(replied=True)
    with pytest.raises(ApplicationError) as raised:
        letter_forward_to_hotline(actor=editor_of(letter.mailbox.department), letter=letter)
    assert raised.value.code == "letter_wrong_status"
    assert Ticket.objects.count() == 0


def test_forwarding_as_praise_is_refused():
    letter = complaint_letter()
    with pytest.raises(ValidationFailed) as raised:
        letter_forward_to_hotline(
            actor=editor_of(letter.mailbox.department), letter=letter, kind="praise"
        )
    assert "kind" in raised.value.fields
    assert Ticket.objects.count() == 0


def test_intake_refuses_the_mailbox_channel_to_staff_who_are_not_editors():
    # given a hotline agent (not a participation editor) without a system client
    agent = StaffRoleFactory(role=StaffRole.Role.HOTLINE_AGENT).user
    # when the agent claims a mailbox letter, then intake refuses and writes nothing
    with pytest.raises(PermissionDenied):
        ticket_receive(
            actor=agent,
            channel=Channel.MAILBOX,
            data=TicketInput(kind="complaint", description="噪音"),
            writer=UserFactory(),
        )
    assert Ticket.objects.count() == 0


def test_intake_refuses_a_writer_on_another_channel():
    agent = StaffRoleFactory(role=StaffRole.Role.HOTLINE_AGENT).user
    with pytest.raises(ValidationFailed):
        ticket_receive(
            actor=agent,
            channel=Channel.PHONE,
            data=TicketInput(kind="complaint", description="噪音"),
            writer=UserFactory(),
        )
    assert Ticket.objects.count() == 0


def test_forward_button_on_the_staff_letter_page(client):
    # given an editor on the page of a received letter
    letter = complaint_letter()
    client.force_login(editor_of(letter.mailbox.department))
    page = client.get(reverse("participation:staff_letter", args=[letter.number]))
    forward = reverse("participation:staff_letter_action", args=[letter.number, "forward"])
    assert forward in page.content.decode()
    # when the editor presses it
    response = client.post(forward, follow=True)
    # then the page shows the letter forwarded with its ticket number, without the button
    letter.refresh_from_db()
    body = response.content.decode()
    assert response.status_code == 200
    assert letter.status == Letter.Status.FORWARDED_TO_HOTLINE
    assert letter.ticket_number in body
    assert forward not in body


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _written_with_attachments(files):
    writer = UserFactory(is_real_name_verified=True, real_name="张伟", phone="13912345678")
    return letter_submit(
        writer=writer,
        mailbox=MailboxFactory(),
        subject="工地夜间施工噪音扰民",
        body="幸福路工地每晚11点后仍在施工，附照片和投诉记录。",
        consent_to_publish=False,
        attachments=[SimpleUploadedFile(name, content) for name, content in files],
    )


def test_forwarded_letter_carries_its_attachments_to_the_ticket():
    # given a letter with a photo and a PDF
    letter = _written_with_attachments([("工地夜景.png", PNG), ("投诉记录.pdf", PDF)])
    # when an editor forwards it to the hotline
    letter_forward_to_hotline(actor=editor_of(letter.mailbox.department), letter=letter)
    # then the ticket has copies of both files, with their names, types and contents
    ticket = Ticket.objects.get()
    copies = {a.original_name: a for a in ticket.attachments.all()}
    assert set(copies) == {"工地夜景.png", "投诉记录.pdf"}
    assert copies["工地夜景.png"].content_type == "image/png"
    assert copies["投诉记录.pdf"].content_type == "application/pdf"
    assert copies["投诉记录.pdf"].file.read() == PDF
    assert copies["投诉记录.pdf"].uploaded_by == letter.writer
    # stored as the hotline's own files, not the letter's
    letter_files = {a.file.name for a in letter.attachments.all()}
    assert all(c.file.name.startswith("hotline/") for c in copies.values())
    assert not letter_files & {c.file.name for c in copies.values()}


def test_attachment_the_hotline_refuses_stops_the_forwarding(settings):
    # given a letter whose PDF is larger than the hotline accepts (its limit is lower)
    letter = _written_with_attachments([("大文件.pdf", PDF + b"0" * (2 * 1024 * 1024))])
    settings.ECITY_HOTLINE_ATTACHMENT_MAX_MB = 1
    # when the editor forwards it, then a field error names the file, and nothing is written
    with pytest.raises(ValidationFailed) as raised:
        letter_forward_to_hotline(actor=editor_of(letter.mailbox.department), letter=letter)
    assert "大文件.pdf" in raised.value.fields["attachments"][0]
    assert Ticket.objects.count() == 0
    letter.refresh_from_db()
    assert letter.status == Letter.Status.RECEIVED
