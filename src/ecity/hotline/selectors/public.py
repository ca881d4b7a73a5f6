"""The public list of published tickets (工单公开): what the city answered, without the caller.

A ticket is public when it is published (``is_public``, see ``services/publication.py``) and
closed. The public view (``PublicTicket``) has the kind, category, region (never the address),
the department and the request and answer texts with personal data masked
(``core.masking.mask_text``: mobile and ID numbers, the caller's name, the address). Searching
matches the masked texts only, so a search for a caller's phone number or name finds nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.accounts import Account
from ecity.core.chinese import segment
from ecity.core.errors import NotFound, PermissionDenied
from ecity.core.masking import mask_text
from ecity.hotline.models import Category, Ticket
from ecity.hotline.selectors.worklist import is_dispatcher

# Published tickets matching the words in the database that are checked against their masked
# texts at most (newest first).
SEARCH_SCAN_LIMIT = 1000
QUERY_MAX = 100


@dataclass(frozen=True)
class PublicTicket:
    """A published ticket as anyone may see it."""

    public_id: UUID
    kind_label: str
    category: str
    region: str
    department: str
    title: str
    description: str
    answer: str
    received_on: dt.date
    closed_on: dt.date | None


def published_tickets() -> QuerySet[Ticket]:
    """The published, closed tickets, most recently closed first."""
    return (
        Ticket.objects.filter(is_public=True, status=Ticket.Status.CLOSED)
        .select_related("category", "region", "department", "citizen")
        .order_by("-closed_at", "-pk")
    )


def _personal_names(ticket: Ticket) -> list[str]:
    names = [ticket.caller_name or ""]
    if ticket.citizen is not None:
        names.append(ticket.citizen.real_name or "")
    return names


def ticket_public_text(ticket: Ticket, text: str) -> str:
    """``text`` of ``ticket`` with its personal data masked (numbers, the caller, the address)."""
    return mask_text(text, names=_personal_names(ticket), places=[ticket.address or ""])


def public_ticket_view(ticket: Ticket) -> PublicTicket:
    """The public view of ``ticket`` (no caller, no address, texts masked)."""
    return PublicTicket(
        public_id=ticket.public_id,
        kind_label=str(ticket.get_kind_display()),
        category=ticket.category.name if ticket.category else "",
        region=ticket.region.name if ticket.region else "",
        department=ticket.department.name if ticket.department else "",
        title=ticket_public_text(ticket, ticket.title),
        description=ticket_public_text(ticket, ticket.description),
        answer=ticket_public_text(ticket, ticket.answer),
        received_on=timezone.localdate(ticket.received_at),
        closed_on=timezone.localdate(ticket.closed_at) if ticket.closed_at else None,
    )


def category_with_descendants(category: Category) -> set[int]:
    """The pks of ``category`` and of every category below it in the tree."""
    children: dict[int, list[int]] = {}
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
        if parent_id is not None:
            children.setdefault(parent_id, []).append(pk)
    found, stack = set(), [category.pk]
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return found


def public_categories() -> QuerySet[Category]:
    """The categories that have published tickets (for the list's filter)."""
    return Category.objects.filter(pk__in=published_tickets().values("category_id")).order_by(
        "sort_order", "code"
    )


def _query_words(query: str) -> list[str]:
    return list(dict.fromkeys(segment((query or "")[:QUERY_MAX])))


def public_ticket_list(
    *, query: str = "", category: Category | None = None
) -> QuerySet[Ticket] | list[Ticket]:
    """List the published tickets matching every word of ``query`` and within ``category``.

    Words (``core.chinese.segment``) are matched in the masked title, request and answer,
    case-insensitively; ``category`` includes the categories below it. Most recently closed
    first; show each with ``public_ticket_view``. Anyone may read the list (no permission
    check). Without words the queryset is returned (pages are cut in the database).
    """
    tickets = published_tickets()
    if category is not None:
        tickets = tickets.filter(category_id__in=category_with_descendants(category))
    words = _query_words(query)
    if not words:
        return tickets
    for word in words:
        tickets = tickets.filter(
            Q(title__icontains=word) | Q(description__icontains=word) | Q(answer__icontains=word)
        )
    matches: list[Ticket] = []
    for ticket in tickets[:SEARCH_SCAN_LIMIT]:
        view = public_ticket_view(ticket)
        text = f"{view.title}\n{view.description}\n{view.answer}".lower()
        if all(word in text for word in words):
            matches.append(ticket)
    return matches


def public_ticket_get(*, public_id: UUID | str) -> PublicTicket:
    """Return the public view of a published ticket; ``NotFound`` for any other ticket."""
    ticket = published_tickets().filter(public_id=public_id).first()
    if ticket is None:
        raise NotFound(_("No published ticket has this address."))
    return public_ticket_view(ticket)


def can_publish(*, actor: Account, ticket: Ticket) -> bool:
    """Whether ``actor`` may publish ``ticket`` now: a dispatcher, the ticket closed, the caller
    agreed, not yet published (the rules of ``services.publication.ticket_publish``)."""
    return (
        ticket.status == Ticket.Status.CLOSED
        and ticket.public_consent
        and not ticket.is_public
        and is_dispatcher(actor=actor)
    )


def publication_ticket_get(*, actor: Account, number: str) -> Ticket:
    """Return ticket ``number`` for the publication page of a hotline centre dispatcher.

    Errors: ``PermissionDenied`` for anyone else, ``NotFound``.
    """
    if not is_dispatcher(actor=actor):
        raise PermissionDenied()
    ticket = (
        Ticket.objects.select_related("category", "region", "department", "citizen")
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise NotFound()
    return ticket
