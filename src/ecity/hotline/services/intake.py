"""Intake (受理): a request from any channel becomes a ticket; 直接办结 at intake.

``ticket_receive`` is the one way a ticket is born, whatever the channel (agent console, portal,
channel systems over the API). In one transaction it validates everything, allocates the
number and query code, stores the attachments, writes the RECEIVE event and the audit entry,
and queues the citizen's notification; an invalid request writes nothing (files included).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.accounts import Account
from ecity.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from ecity.core.files import save_in_transaction
from ecity.hotline.errors import HotlineErrorCode
from ecity.hotline.models import (
    Category,
    Channel,
    Open311Client,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketKind,
    Urgency,
)
from ecity.hotline.numbers import (
    number_placeholder,
    phone_index,
    phone_is_valid,
    phone_normalise,
    query_code_generate,
    ticket_number_allocate,
)
from ecity.hotline.selectors.intake import intake_category, intake_region
from ecity.hotline.selectors.tickets import can_forward_letters, can_take_calls
from ecity.hotline.services.dispatch import ticket_dispatch
from ecity.hotline.services.questionnaires import questionnaire_send
from ecity.hotline.uploads import UploadRejected, attachment_check, stored_name_for
from ecity.notify.services import notification_enqueue
from ecity.org.models import Department, Region
from ecity.sso.selectors import SystemClient

TITLE_LENGTH = 30
SELF_SERVICE_CHANNELS = (Channel.WEB, Channel.MOBILE)
SYSTEM_CHANNELS = (Channel.API, Channel.OPEN311, Channel.MAILBOX)


@dataclass(frozen=True)
class TicketInput:
    """What a caller tells the hotline: the same fields on every channel (form, API)."""

    kind: str
    description: str
    title: str = ""
    category_code: str = ""
    urgency: str = Urgency.ORDINARY
    caller_name: str = ""
    caller_phone: str = ""
    anonymous: bool = False
    confidential: bool = False
    address: str = ""
    region_code: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    public_consent: bool = False
    attachments: Sequence[Any] = field(default_factory=tuple)  # uploaded files


@dataclass
class _Checked:
    category: Category | None = None
    region: Region | None = None
    uploads: list[Any] = field(default_factory=list)


def hotline_centre_code() -> str:
    """The department code of the hotline centre (setting ``ECITY_HOTLINE_CENTRE_CODE``)."""
    return str(settings.ECITY_HOTLINE_CENTRE_CODE)


def in_city(latitude: Decimal, longitude: Decimal) -> bool:
    """Whether a point lies in the city's bounding box (setting ``ECITY_HOTLINE_CITY_BBOX``)."""
    south, west, north, east = (Decimal(str(v)) for v in settings.ECITY_HOTLINE_CITY_BBOX)
    return south <= latitude <= north and west <= longitude <= east


def _decimal(value: Decimal | float | str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal("NaN")


def _validate(data: TicketInput) -> _Checked:
    """Check every field; raise one ``ValidationFailed`` with all field messages."""
    errors: dict[str, list[str]] = {}
    checked = _Checked()
    if data.kind not in TicketKind.values:
        errors["kind"] = [_("Choose the kind of request.")]
    if data.urgency not in Urgency.values:
        errors["urgency"] = [_("Choose a valid urgency.")]
    if not (data.description or "").strip():
        errors["description"] = [_("Describe the request.")]
    if data.category_code:
        checked.category = intake_category(code=data.category_code)
        if checked.category is None:
            errors["category"] = [_("This category does not exist or is no longer in use.")]
    if data.region_code:
        checked.region = intake_region(code=data.region_code)
        if checked.region is None:
            errors["region"] = [_("This is not a region of the city.")]
    latitude, longitude = _decimal(data.latitude), _decimal(data.longitude)
    if (latitude is None) != (longitude is None):
        errors["latitude"] = [_("Give both latitude and longitude, or neither.")]
    elif (
        latitude is not None
        and longitude is not None
        and (
            not (latitude.is_finite() and longitude.is_finite()) or not in_city(latitude, longitude)
        )
    ):
        errors["latitude"] = [_("The place is outside the city.")]
    if data.caller_phone and not phone_is_valid(data.caller_phone):
        errors["caller_phone"] = [_("Enter a phone number of digits only.")]
    attachment_errors = []
    for upload in data.attachments:
        try:
            checked.uploads.append(attachment_check(upload))
        except UploadRejected as rejected:
            name = getattr(upload, "name", "") or ""
            attachment_errors.append(f"{name}: {rejected.message}" if name else rejected.message)
    if attachment_errors:
        errors["attachments"] = attachment_errors
    if errors:
        raise ValidationFailed(fields=errors)
    return checked


def _check_channel(
    *,
    actor: Account | None,
    channel: str,
    system: SystemClient | None,
    writer: Account | None = None,
    open311_client: Open311Client | None = None,
) -> Account | None:
    """Check who may receive on ``channel``; return the citizen account the ticket belongs to."""
    if writer is not None and channel != Channel.MAILBOX:
        raise ValidationFailed(fields={"channel": [_("Only a mailbox letter has a writer.")]})
    if channel == Channel.OPEN311 and open311_client is not None:
        # An Open311 channel system authenticates with its own API key (hotline/open311).
        if not open311_client.is_active:
            raise PermissionDenied(
                _("This Open311 client is not active."),
                code=HotlineErrorCode.NOT_HOTLINE_CENTRE,
            )
        return None
    if channel == Channel.MAILBOX and system is None:
        # A participation editor forwards a letter that is really a complaint; the ticket
        # belongs to the letter's writer.
        if actor is None or not can_forward_letters(actor=actor):
            raise PermissionDenied(
                _("Only participation editors forward mailbox letters to the hotline.")
            )
        return writer
    if channel == Channel.PHONE:
        if actor is None or not can_take_calls(actor=actor):
            raise PermissionDenied(_("Only hotline agents take calls."))
        return None
    if channel in SELF_SERVICE_CHANNELS:
        if actor is None or not getattr(actor, "is_authenticated", False):
            raise PermissionDenied(_("Sign in to send a request to the hotline."))
        return actor
    if channel in SYSTEM_CHANNELS:
        if system is None or system.department.code != hotline_centre_code():
            raise PermissionDenied(
                _("Only the hotline centre's systems may submit tickets."),
                code=HotlineErrorCode.NOT_HOTLINE_CENTRE,
            )
        return None
    raise ValidationFailed(fields={"channel": [_("Unknown intake channel.")]})


def _notify_received(
    ticket: Ticket, *, event: str, context: dict[str, str], fresh: bool = False
) -> None:
    """Tell the citizen the number and query code (by account, else by SMS to the phone).

    ``fresh``: the ticket was created in this transaction, so no notification can have its key.
    """
    if ticket.citizen is None and not ticket.caller_phone:
        return
    notification_enqueue(
        recipient=ticket.citizen,
        event=event,
        context={"ticket_number": ticket.number, "query_code": ticket.query_code, **context},
        obj=ticket,
        reference=ticket.number,
        phone=ticket.caller_phone,
        idempotency_key=f"{event}:{ticket.public_id}",
        fresh_key=fresh,
    )


@transaction.atomic
def ticket_receive(
    *,
    actor: Account | None,
    channel: str,
    data: TicketInput,
    system: SystemClient | None = None,
    writer: Account | None = None,
    notify: bool = True,
    open311_client: Open311Client | None = None,
) -> Ticket:
    """Receive a request as a new ticket (受理), awaiting dispatch.

    Permissions: phone calls by hotline agents; portal/mobile by the signed-in citizen (the
    ticket is theirs); API/Open311/mailbox by a system of the hotline centre (``system``);
    mailbox also by a participation editor forwarding a letter, the ticket then belonging to
    the letter's ``writer`` (who is told by the forwarding service, hence ``notify=False``).
    Open311 also by an active ``open311_client`` (an API key holder).
    Rules: kind and description required; category, if given, exists and is active; region, if
    given, a district, sub-district or community of the city; coordinates, if given, inside the
    city's bounding box; attachments JPEG/PNG/PDF by content, within the size limit; an
    anonymous caller's name is not kept. Side effects: number (gap-free per day) and query
    code, RECEIVE event, audit ``ticket.received``, notification ``ticket_received`` to the
    citizen's account or phone. Errors: ``ValidationFailed`` (field messages),
    ``PermissionDenied``; nothing is written on error.
    """
    citizen = _check_channel(
        actor=actor,
        channel=channel,
        system=system,
        writer=writer,
        open311_client=open311_client,
    )
    checked = _validate(data)
    now = timezone.now()
    description = data.description.strip()
    phone = phone_normalise(data.caller_phone) if data.caller_phone else ""
    if not phone and citizen is not None:
        phone = phone_normalise(citizen.phone or "")
    caller_name = "" if data.anonymous else (data.caller_name or "").strip()
    if not caller_name and citizen is not None and not data.anonymous:
        caller_name = citizen.real_name or ""
    ticket = Ticket(
        query_code=query_code_generate(),
        kind=data.kind,
        channel=channel,
        urgency=data.urgency,
        category=checked.category,
        title=(data.title or "").strip()[:200] or description[:TITLE_LENGTH],
        description=description,
        citizen=citizen,
        anonymous=data.anonymous,
        confidential=data.confidential,
        caller_name=caller_name[:100],
        caller_phone=phone,
        caller_phone_index=phone_index(phone),
        address=(data.address or "").strip()[:300],
        region=checked.region,
        latitude=_decimal(data.latitude),
        longitude=_decimal(data.longitude),
        received_by=actor if channel == Channel.PHONE else None,
        received_at=now,
        public_consent=data.public_consent,
    )
    # The day's number row stays locked from the moment a number is taken until commit, so
    # every intake of the day waits for it: take it last (see ``numbers``). Until then the
    # ticket holds a unique placeholder that no one outside this transaction ever sees.
    ticket.number = number_placeholder(ticket.public_id)
    ticket.save(force_insert=True)
    for upload in checked.uploads:
        name = save_in_transaction(
            storage=default_storage, name=stored_name_for(upload), content=upload.file
        )
        TicketAttachment.objects.create(
            ticket=ticket,
            file=name,
            original_name=upload.original_name,
            content_type=upload.content_type,
            size=upload.size,
            uploaded_by=citizen or (actor if channel == Channel.PHONE else None),
        )
    TicketEvent.objects.create(
        ticket=ticket,
        action=TicketEvent.Action.RECEIVE,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=str(Channel(channel).label),
    )
    ticket.number = ticket_number_allocate(on=timezone.localdate(now))
    Ticket.objects.filter(pk=ticket.pk).update(number=ticket.number)
    audit_record(
        actor=actor,
        action="ticket.received",
        obj=ticket,
        subject=citizen,
        data={"channel": channel, "kind": data.kind},
        system=system.name if system else (open311_client.name if open311_client else ""),
        system_department=system.department.name_zh if system else "",
    )
    if notify:
        _notify_received(ticket, event="ticket_received", context={}, fresh=True)
    return ticket


@transaction.atomic
def resolve_at_intake(*, actor: Account, ticket: Ticket, answer: str) -> Ticket:
    """Close a just-received ticket with the agent's answer (直接办结).

    Permissions: hotline agents. Rules: the ticket is awaiting dispatch (received); the answer
    is required. Side effects: status closed with the answer, RESOLVE_AT_INTAKE event, audit
    ``ticket.resolved_at_intake``, notification ``ticket_resolved_at_intake`` to the citizen, the
    callback questionnaire by SMS (``questionnaires.questionnaire_send``).
    Errors: ``PermissionDenied``, ``ValidationFailed``, ``ApplicationError`` (wrong status).
    """
    if not can_take_calls(actor=actor):
        raise PermissionDenied(_("Only hotline agents answer at intake."))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed(fields={"answer": [_("Write the answer given to the caller.")]})
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status != Ticket.Status.RECEIVED:
        raise ApplicationError(
            _("Only a ticket awaiting dispatch can be answered at intake."),
            code=HotlineErrorCode.TICKET_WRONG_STATUS,
        )
    now = timezone.now()
    ticket.status = Ticket.Status.CLOSED
    ticket.answer = answer
    ticket.answered_at = now
    ticket.closed_at = now
    ticket.resolved_at_intake = True
    ticket.save(
        update_fields=[
            "status",
            "answer",
            "answered_at",
            "closed_at",
            "resolved_at_intake",
            "updated_at",
        ]
    )
    TicketEvent.objects.create(
        ticket=ticket, action=TicketEvent.Action.RESOLVE_AT_INTAKE, actor=actor
    )
    audit_record(actor=actor, action="ticket.resolved_at_intake", obj=ticket)
    _notify_received(ticket, event="ticket_resolved_at_intake", context={"answer": answer})
    questionnaire_send(ticket=ticket)
    return ticket


class CallOutcome:
    """What the agent does with a call once its ticket is received."""

    RESOLVE = "resolve"  # 直接办结
    DISPATCH = "dispatch"  # 派单
    SAVE = "save"  # leave it to the dispatcher
    CHOICES = (RESOLVE, DISPATCH, SAVE)


@transaction.atomic
def ticket_take_call(
    *,
    actor: Account,
    data: TicketInput,
    outcome: str,
    answer: str = "",
    department: Department | None = None,
    note: str = "",
) -> Ticket:
    """Receive a call and, in the same transaction, answer it or dispatch it (agent console).

    ``outcome`` is ``resolve`` (with ``answer``), ``dispatch`` (to ``department``) or ``save``
    (received, for the dispatcher). Permissions and errors as ``ticket_receive``,
    ``resolve_at_intake`` and ``ticket_dispatch``; everything or nothing is written.
    """
    errors: dict[str, list[str]] = {}
    if outcome not in CallOutcome.CHOICES:
        errors["outcome"] = [_("Choose what to do with the call.")]
    if outcome == CallOutcome.RESOLVE and not (answer or "").strip():
        errors["answer"] = [_("Write the answer given to the caller.")]
    if outcome == CallOutcome.DISPATCH and department is None:
        errors["department"] = [_("Choose the department to dispatch to.")]
    if errors:
        try:
            _validate(data)
        except ValidationFailed as invalid:
            errors = {**invalid.fields, **errors}
        raise ValidationFailed(fields=errors)
    ticket = ticket_receive(actor=actor, channel=Channel.PHONE, data=data)
    if outcome == CallOutcome.RESOLVE:
        return resolve_at_intake(actor=actor, ticket=ticket, answer=answer)
    if outcome == CallOutcome.DISPATCH and department is not None:
        return ticket_dispatch(actor=actor, ticket=ticket, department=department, note=note)
    return ticket
