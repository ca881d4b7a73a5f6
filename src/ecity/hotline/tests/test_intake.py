"""Intake: a request becomes a ticket with a number and query code, or nothing is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ecity.audit.models import AuditEntry
from ecity.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from ecity.hotline.models import Channel, Ticket, TicketAttachment, TicketEvent
from ecity.hotline.numbers import phone_index
from ecity.hotline.services.intake import (
    CallOutcome,
    TicketInput,
    resolve_at_intake,
    ticket_receive,
    ticket_take_call,
)
from ecity.notify.models import Notification

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _call(**overrides: Any) -> TicketInput:
    values: dict[str, Any] = {
        "kind": "complaint",
        "description": "小区门口路灯坏了一个月，晚上很黑。",
        "category_code": "ROADS",
        "caller_name": "王女士",
        "caller_phone": "138 0013 8000",
        "address": "江岸区大智路10号",
        "region_code": "420102001",
        "latitude": Decimal("30.585"),
        "longitude": Decimal("114.290"),
    }
    values.update(overrides)
    return TicketInput(**values)


def test_agent_receives_a_call_with_number_query_code_event_audit_and_sms(hotline):
    # Given an agent taking a call
    # When the ticket is received
    ticket = ticket_receive(actor=hotline["agent"], channel=Channel.PHONE, data=_call())
    # Then it has today's number, a query code, the caller's phone index and a RECEIVE event
    today = timezone.localdate()
    assert ticket.number == f"12345-{today:%Y%m%d}-000001"
    assert len(ticket.query_code) == 8
    assert ticket.status == Ticket.Status.RECEIVED
    assert ticket.caller_phone == "13800138000"
    assert ticket.caller_phone_index == phone_index("+86 13800138000")
    assert ticket.received_by == hotline["agent"]
    assert list(ticket.events.values_list("action", flat=True)) == [TicketEvent.Action.RECEIVE]
    assert AuditEntry.objects.filter(
        action="ticket.received", object_id=str(ticket.public_id)
    ).exists()
    # And the caller gets an SMS with the number and query code
    sms = Notification.objects.get(event="ticket_received")
    assert sms.to_address == "13800138000"
    assert ticket.number in sms.body and ticket.query_code in sms.body


def test_the_days_number_is_taken_after_the_ticket_attachments_and_event_are_written(hotline):
    # Given a portal request with an attachment (the day's number row serialises intakes from
    # the moment a number is taken until commit)
    photo = SimpleUploadedFile("light.png", PNG, content_type="image/png")
    # When it is received
    with CaptureQueriesContext(connection) as queries:
        ticket = ticket_receive(
            actor=hotline["citizen"], channel=Channel.WEB, data=_call(attachments=[photo])
        )
    statements = [q["sql"] for q in queries.captured_queries]
    on_sequence = [i for i, sql in enumerate(statements) if '"core_sequence"' in sql]
    taken, done = on_sequence[0], on_sequence[-1]  # the day's first number creates its row
    # Then the ticket, its attachment and its event were written before the number was taken,
    # and only the number itself, the audit entry and the notification follow it
    written_before = " ".join(statements[:taken])
    for table in ("hotline_ticket", "hotline_ticketattachment", "hotline_ticketevent"):
        assert f'INSERT INTO "{table}"' in written_before
    after = [sql.split("(")[0] for sql in statements[done + 1 :] if sql.startswith("INSERT")]
    assert after == ['INSERT INTO "audit_auditentry" ', 'INSERT INTO "notify_notification" ']
    # and the ticket carries its real number, the placeholder is gone
    ticket.refresh_from_db()
    assert ticket.number == f"12345-{timezone.localdate():%Y%m%d}-000001"
    assert not Ticket.objects.filter(number__startswith="~").exists()
    assert AuditEntry.objects.get(action="ticket.received").object_repr == ticket.number


def test_numbers_are_gap_free_even_after_a_rejected_intake(hotline):
    # Given a first ticket, then an intake that fails validation, then another ticket
    first = ticket_receive(actor=hotline["agent"], channel=Channel.PHONE, data=_call())
    with pytest.raises(ValidationFailed):
        ticket_receive(actor=hotline["agent"], channel=Channel.PHONE, data=_call(description=""))
    # When a rolled-back intake took a number inside a transaction that failed later
    with pytest.raises(RuntimeError), transaction.atomic():
        ticket_receive(actor=hotline["agent"], channel=Channel.PHONE, data=_call())
        raise RuntimeError("later step failed")
    second = ticket_receive(actor=hotline["agent"], channel=Channel.PHONE, data=_call())
    # Then the numbers follow each other without a gap
    assert int(first.number[-6:]) + 1 == int(second.number[-6:])
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category_code": "NOPE"}, "category"),
        ({"latitude": Decimal("39.90"), "longitude": Decimal("116.40")}, "latitude"),
        ({"description": "  "}, "description"),
        ({"region_code": "110105"}, "region"),
        ({"kind": "gossip"}, "kind"),
        ({"caller_phone": "call me"}, "caller_phone"),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_is_written(hotline, overrides, field):
    # Given a call with one bad field
    # When it is received
    with pytest.raises(ValidationFailed) as raised:
        ticket_receive(actor=hotline["agent"], channel=Channel.PHONE, data=_call(**overrides))
    # Then the field has a message and no ticket exists
    assert field in raised.value.fields
    assert Ticket.objects.count() == 0


def test_an_inactive_category_is_refused(hotline):
    # Given a category no longer in use
    hotline["roads"].is_active = False
    hotline["roads"].save()
    # When a call names it, then the category field is refused
    with pytest.raises(ValidationFailed) as raised:
        ticket_receive(actor=hotline["agent"], channel=Channel.PHONE, data=_call())
    assert "category" in raised.value.fields


def test_an_attachment_that_is_not_an_image_or_pdf_is_refused(hotline):
    # Given a script renamed as a photo
    fake = SimpleUploadedFile("photo.jpg", b"#!/bin/sh\nrm -rf /\n", content_type="image/jpeg")
    # When the citizen sends it
    with pytest.raises(ValidationFailed) as raised:
        ticket_receive(
            actor=hotline["citizen"], channel=Channel.WEB, data=_call(attachments=[fake])
        )
    # Then the attachments field says why and nothing is stored
    assert "photo.jpg" in raised.value.fields["attachments"][0]
    assert TicketAttachment.objects.count() == 0 and Ticket.objects.count() == 0


def test_a_citizen_ticket_keeps_a_real_png_and_belongs_to_the_citizen(hotline):
    # Given a signed-in citizen with a photo
    photo = SimpleUploadedFile("lamp.png", PNG, content_type="image/png")
    # When they send the request on the portal
    ticket = ticket_receive(
        actor=hotline["citizen"], channel=Channel.WEB, data=_call(attachments=[photo])
    )
    # Then the ticket is theirs, with the photo stored under hotline/
    assert ticket.citizen == hotline["citizen"]
    attachment = ticket.attachments.get()
    assert attachment.content_type == "image/png"
    assert attachment.file.name.startswith("hotline/")
    assert attachment.original_name == "lamp.png"


def test_an_anonymous_caller_leaves_no_name(hotline):
    # Given an anonymous caller who still gives a name by habit
    ticket = ticket_receive(
        actor=hotline["agent"], channel=Channel.PHONE, data=_call(anonymous=True, confidential=True)
    )
    # Then the name is not kept, the confidentiality flag is
    assert ticket.caller_name == "" and ticket.anonymous and ticket.confidential


def test_only_agents_take_calls(hotline):
    # Given a ticket handler of a department (not the hotline centre)
    # When they try to receive a call, then they are refused
    with pytest.raises(PermissionDenied):
        ticket_receive(actor=hotline["handler"], channel=Channel.PHONE, data=_call())
    assert Ticket.objects.count() == 0


def test_resolve_at_intake_closes_with_the_answer_and_tells_the_caller(hotline):
    # Given a call the agent can answer at once
    ticket = ticket_receive(actor=hotline["agent"], channel=Channel.PHONE, data=_call())
    # When the agent answers at intake
    resolve_at_intake(actor=hotline["agent"], ticket=ticket, answer="路灯报修电话为82345678。")
    # Then it is closed with the answer, a second time is refused
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED and ticket.resolved_at_intake
    assert ticket.answer == "路灯报修电话为82345678。"
    assert Notification.objects.filter(event="ticket_resolved_at_intake").exists()
    with pytest.raises(ApplicationError):
        resolve_at_intake(actor=hotline["agent"], ticket=ticket, answer="again")


def test_take_call_with_dispatch_but_no_department_writes_nothing(hotline):
    # Given the agent chose dispatch but no department
    with pytest.raises(ValidationFailed) as raised:
        ticket_take_call(actor=hotline["agent"], data=_call(), outcome=CallOutcome.DISPATCH)
    # Then the department field is named and no ticket exists
    assert "department" in raised.value.fields
    assert Ticket.objects.count() == 0


def test_take_call_and_dispatch_in_one_go(hotline):
    # Given a call dispatched right away
    ticket = ticket_take_call(
        actor=hotline["agent"],
        data=_call(),
        outcome=CallOutcome.DISPATCH,
        department=hotline["urban"],
    )
    # Then the ticket waits for the department's sign-for
    assert ticket.status == Ticket.Status.DISPATCHED and ticket.department == hotline["urban"]
    assert ticket.sign_due_at is not None and ticket.dispatched_at is not None
    assert ticket.sign_due_at > ticket.dispatched_at - dt.timedelta(seconds=1)
