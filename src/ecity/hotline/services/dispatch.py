"""Dispatch (派单): a ticket goes to a department or a sub-district office, with its time limits.

The limits come from ``TicketLimit`` (data, by urgency and kind; a row with an empty kind covers
every kind; built-in defaults when the hotline centre has set none: ``selectors.limits``),
counted in working hours or working days of the holiday calendar (``ecity.workflow.clocks``).
A limit in working days ends at the close of the last working day.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.accounts import Account
from ecity.core.calendar import add_working_days
from ecity.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from ecity.hotline.errors import HotlineErrorCode
from ecity.hotline.models import Ticket, TicketEvent, TicketLimit
from ecity.hotline.selectors.limits import limits_for
from ecity.hotline.selectors.tickets import AWAITING_DISPATCH, can_dispatch
from ecity.notify.services import notification_enqueue
from ecity.org.models import Department, StaffRole
from ecity.workflow.clocks import add_working_hours, end_of_working_day

HOURS = TicketLimit.Unit.WORKING_HOURS
DAYS = TicketLimit.Unit.WORKING_DAYS


def due_after(start: dt.datetime, amount: Decimal, unit: str) -> dt.datetime:
    """The moment ``amount`` working hours or days after ``start``."""
    if unit == HOURS:
        return add_working_hours(start, amount)
    days = max(1, math.ceil(amount))
    return end_of_working_day(add_working_days(timezone.localdate(start), days))


def _notify_handlers(ticket: Ticket, department: Department, now: dt.datetime) -> None:
    handlers = (
        StaffRole.objects.filter(
            department=department, role=StaffRole.Role.TICKET_HANDLER, is_active=True
        )
        .select_related("user")
        .order_by("pk")
    )
    sign_due = timezone.localtime(ticket.sign_due_at) if ticket.sign_due_at else None
    for role in handlers:
        notification_enqueue(
            recipient=role.user,
            event="ticket_dispatched",
            context={
                "ticket_number": ticket.number,
                "department": department.name_zh,
                "sign_due_at": f"{sign_due:%Y-%m-%d %H:%M}" if sign_due else "",
            },
            obj=ticket,
            reference=ticket.number,
            idempotency_key=f"ticket_dispatched:{ticket.public_id}:{int(now.timestamp())}"
            f":{role.user.public_id}",
        )


@transaction.atomic
def ticket_dispatch(
    *, actor: Account, ticket: Ticket, department: Department, note: str = ""
) -> Ticket:
    """Dispatch ``ticket`` to ``department`` (a department or a sub-district office).

    Permissions: hotline dispatchers and agents. Rules: the ticket awaits dispatch (received
    or returned); the department is active. Side effects: status dispatched, department,
    ``sign_due_at`` and ``due_at`` from the limits in working time, DISPATCH event, audit
    ``ticket.dispatched``, ``ticket_dispatched`` to the department's ticket handlers.
    Errors: ``PermissionDenied``, ``ValidationFailed`` (department), ``ApplicationError``
    (wrong status).
    """
    if not can_dispatch(actor=actor):
        raise PermissionDenied(_("Only the hotline centre dispatches tickets."))
    if department is None or not department.is_active:
        raise ValidationFailed(fields={"department": [_("Choose an active department.")]})
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status not in AWAITING_DISPATCH:
        raise ApplicationError(
            _("Only a ticket awaiting dispatch can be dispatched."),
            code=HotlineErrorCode.TICKET_WRONG_STATUS,
        )
    now = timezone.now()
    limits = limits_for(kind=ticket.kind, urgency=ticket.urgency)
    ticket.status = Ticket.Status.DISPATCHED
    ticket.department = department
    ticket.dispatched_at = now
    ticket.signed_at = None
    ticket.sign_due_at = due_after(now, limits.sign_within, limits.sign_unit)
    ticket.due_at = due_after(now, limits.answer_within, limits.answer_unit)
    ticket.save(
        update_fields=[
            "status",
            "department",
            "dispatched_at",
            "signed_at",
            "sign_due_at",
            "due_at",
            "updated_at",
        ]
    )
    TicketEvent.objects.create(
        ticket=ticket,
        action=TicketEvent.Action.DISPATCH,
        actor=actor,
        department=department,
        note=(note or "").strip(),
        public=True,
    )
    audit_record(
        actor=actor,
        action="ticket.dispatched",
        obj=ticket,
        data={"department": department.code},
        reason=(note or "").strip(),
    )
    _notify_handlers(ticket, department, now)
    return ticket
