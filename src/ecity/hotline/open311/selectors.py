"""Reads of the Open311 server: services, their definitions, public service requests, updates.

Only public information leaves here. A ticket is visible over Open311 when it came in over
Open311 or was published (``Ticket.is_public``); phone calls and portal requests are private
otherwise. The caller's name, phone, e-mail, device and account never appear; the reporter's
own words (description) and picture (media_url) only once the ticket is published.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.errors import NotFound, ValidationFailed
from ecity.hotline.models import (
    Category,
    Channel,
    Open311Attribute,
    Open311Request,
    Ticket,
    TicketEvent,
)

#: Without dates a search covers the most recent 90 days; a range may span at most 90 days.
DEFAULT_SPAN = dt.timedelta(days=90)
MAX_RESULTS = 1000
_PLUS_AS_SPACE = re.compile(r"([T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:?\d\d)$")
CLOSED_ACTIONS = (
    TicketEvent.Action.CLOSE,
    TicketEvent.Action.RESOLVE_AT_INTAKE,
    TicketEvent.Action.MERGE,
)


def iso(value: dt.datetime | None) -> str | None:
    """A datetime in W3C/ISO 8601 form with the local offset (``2024-05-01T09:30:00+08:00``)."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def service_list() -> QuerySet[Category]:
    """List the services: active leaf categories (under an active parent, if any)."""
    active_children = Category.objects.filter(parent=OuterRef("pk"), is_active=True)
    return (
        Category.objects.filter(is_active=True)
        .filter(Q(parent__isnull=True) | Q(parent__is_active=True))
        .exclude(Exists(active_children))
        .select_related("parent")
        .prefetch_related("open311_attributes")
    )


def service_get(*, code: str) -> Category:
    """Return the service ``code``; raises ``NotFound`` when it is not an active service."""
    category = service_list().filter(code=code).first()
    if category is None:
        raise NotFound(_("No service has the code %(code)s.") % {"code": code})
    return category


def service_data(category: Category) -> dict[str, Any]:
    """One entry of the service list (GET services)."""
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": bool(category.open311_attributes.all()),
        "type": "realtime",
        "keywords": ",".join(
            word for word in (category.name_zh, category.name_en, category.code) if word
        ),
        "group": category.parent.name if category.parent else "",
    }


def service_definition_data(category: Category) -> dict[str, Any]:
    """The service definition (GET services/<code>): its attributes in order."""
    attributes = []
    for attribute in category.open311_attributes.all():
        item: dict[str, Any] = {
            "variable": True,
            "code": attribute.code,
            "datatype": attribute.datatype,
            "required": attribute.required,
            "datatype_description": "",
            "order": attribute.order,
            "description": attribute.description,
        }
        if attribute.datatype in Open311Attribute.LIST_DATATYPES:
            item["values"] = [
                {"key": str(value.get("key", "")), "name": str(value.get("name", ""))}
                for value in attribute.values or []
                if isinstance(value, dict)
            ]
        attributes.append(item)
    return {"service_code": category.code, "attributes": attributes}


def _public_tickets() -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(Q(channel=Channel.OPEN311) | Q(is_public=True))
        .select_related("category", "department")
        .prefetch_related("open311_request")
    )


def public_status(ticket: Ticket) -> str:
    return "open" if ticket.is_open else "closed"


def request_data(ticket: Ticket) -> dict[str, Any]:
    """One public service request: never the caller's personal data."""
    extra: Open311Request | None = getattr(ticket, "open311_request", None)
    published = ticket.is_public
    return {
        "service_request_id": ticket.number,
        "status": public_status(ticket),
        "status_notes": ticket.answer if ticket.status == Ticket.Status.CLOSED else "",
        "service_name": ticket.category.name if ticket.category else "",
        "service_code": ticket.category.code if ticket.category else "",
        "description": ticket.description if published else "",
        "agency_responsible": ticket.department.name if ticket.department else "",
        "service_notice": "",
        "requested_datetime": iso(ticket.received_at),
        "updated_datetime": iso(ticket.updated_at),
        "expected_datetime": iso(ticket.due_at) if ticket.is_open else None,
        "address": ticket.address,
        "address_id": "",
        "zipcode": "",
        "lat": str(ticket.latitude) if ticket.latitude is not None else None,
        "long": str(ticket.longitude) if ticket.longitude is not None else None,
        "media_url": extra.media_url if (extra is not None and published) else "",
    }


@dataclass(frozen=True)
class RequestFilters:
    """The filters of GET requests, as given (strings; empty = not given)."""

    service_request_id: str = ""
    service_code: str = ""
    start_date: str = ""
    end_date: str = ""
    status: str = ""


def parse_datetime_param(name: str, value: str) -> dt.datetime | None:
    """Parse a W3C datetime parameter; raise ``ValidationFailed`` naming ``name`` if invalid."""
    if not value:
        return None
    try:
        # An unencoded "+08:00" arrives as " 08:00" (a plus in a query string is a space).
        parsed = dt.datetime.fromisoformat(_PLUS_AS_SPACE.sub(r"\1+\2", value.strip()))
    except ValueError:
        raise ValidationFailed(
            fields={name: [_("Give a W3C date and time, e.g. 2024-05-01T00:00:00+08:00.")]}
        ) from None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def request_list(*, filters: RequestFilters) -> list[Ticket]:
    """List public service requests, newest first, at most 1,000.

    ``service_request_id`` (comma-separated numbers) overrides every other filter. Otherwise
    by ``service_code`` (comma-separated), ``status`` (open, closed) and received between
    ``start_date`` and ``end_date`` (default: the most recent 90 days; at most 90 days apart).
    Errors: ``ValidationFailed`` for a bad date, status or range.
    """
    tickets = _public_tickets()
    if filters.service_request_id:
        numbers = _split(filters.service_request_id)[:MAX_RESULTS]
        return list(tickets.filter(number__in=numbers).order_by("-received_at"))
    start = parse_datetime_param("start_date", filters.start_date)
    end = parse_datetime_param("end_date", filters.end_date)
    if start is not None and end is not None and start > end:
        raise ValidationFailed(fields={"end_date": [_("The end date is before the start date.")]})
    if end is None:
        end = timezone.now() if start is None else start + DEFAULT_SPAN
    if start is None:
        start = end - DEFAULT_SPAN
    if end - start > DEFAULT_SPAN:
        raise ValidationFailed(fields={"end_date": [_("A search may span at most 90 days.")]})
    tickets = tickets.filter(received_at__gte=start, received_at__lte=end)
    if filters.service_code:
        tickets = tickets.filter(category__code__in=_split(filters.service_code))
    statuses = set(_split(filters.status.lower()))
    if statuses - {"open", "closed"}:
        raise ValidationFailed(fields={"status": [_("The status is open or closed.")]})
    if statuses == {"open"}:
        tickets = tickets.filter(status__in=Ticket.OPEN_STATUSES)
    elif statuses == {"closed"}:
        tickets = tickets.exclude(status__in=Ticket.OPEN_STATUSES)
    return list(tickets.order_by("-received_at")[:MAX_RESULTS])


def request_get(*, number: str) -> Ticket:
    """Return the public service request ``number``; raises ``NotFound`` otherwise."""
    ticket = _public_tickets().filter(number=number).first()
    if ticket is None:
        raise NotFound(_("No service request has the ID %(id)s.") % {"id": number})
    return ticket


def token_get(*, token: str) -> Open311Request:
    """Return the Open311 request of ``token``; raises ``NotFound`` for an unknown token."""
    found = Open311Request.objects.select_related("ticket").filter(token=token).first()
    if found is None or not token:
        raise NotFound(_("No service request has this token."))
    return found


def update_list(*, start_date: str = "", end_date: str = "") -> list[dict[str, Any]]:
    """List the public updates (timeline steps) of public requests, oldest first, at most 1,000.

    Dates as for ``request_list`` (default: the most recent 90 days). Each step gives the
    status after it and, for the closing steps, the public answer; internal notes never leave.
    """
    start = parse_datetime_param("start_date", start_date)
    end = parse_datetime_param("end_date", end_date) or timezone.now()
    if start is None:
        start = end - DEFAULT_SPAN
    if start > end:
        raise ValidationFailed(fields={"end_date": [_("The end date is before the start date.")]})
    events = (
        TicketEvent.objects.filter(
            public=True,
            created_at__gte=start,
            created_at__lte=end,
            ticket__in=_public_tickets().values("pk"),
        )
        .select_related("ticket")
        .order_by("created_at", "id")[:MAX_RESULTS]
    )
    updates = []
    for event in events:
        closing = event.action in CLOSED_ACTIONS
        # A callback follows a closed ticket; a reopening is its own (open) step.
        closed_after = closing or event.action == TicketEvent.Action.CALLBACK
        description = str(event.get_action_display())
        if closing and event.ticket.answer:
            description = f"{description}: {event.ticket.answer}"
        updates.append(
            {
                "update_id": str(event.public_id),
                "service_request_id": event.ticket.number,
                "status": "CLOSED" if closed_after else "OPEN",
                "updated_datetime": iso(event.created_at),
                "description": description,
                "media_url": "",
            }
        )
    return updates
