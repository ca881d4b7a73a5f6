"""Publication of answered tickets (工单公开): the request and its answer, personal data masked.

The hotline centre's dispatcher publishes a closed ticket whose caller agreed at intake
(``public_consent``); the public pages (``selectors/public.py``) show it with the caller left
out and personal data in the texts masked. A published ticket reopened after a callback leaves
the public list until it is closed again (the list shows closed tickets only).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import Conflict, PermissionDenied
from ecity.hotline.models import Ticket
from ecity.hotline.selectors.worklist import is_dispatcher
from ecity.hotline.services.steps import ticket_lock
from ecity.identity.models import User
from ecity.search.services import index_schedule


def _require_dispatcher(actor: User) -> None:
    if not is_dispatcher(actor=actor):
        raise PermissionDenied(_("Only a dispatcher of the hotline centre can publish tickets."))


@transaction.atomic
def ticket_publish(*, actor: User, ticket: Ticket) -> Ticket:
    """Publish a closed ticket with its answer, by a dispatcher of the hotline centre.

    Rules: the ticket is closed and its caller agreed to publication (``public_consent``).
    Publishing a published ticket changes nothing. Side effects: ``is_public``, audit
    ``ticket.published``. Errors: ``PermissionDenied``, ``Conflict`` (not closed, no consent).
    """
    _require_dispatcher(actor)
    ticket = ticket_lock(ticket)
    if ticket.status != Ticket.Status.CLOSED:
        raise Conflict(_("Only a closed ticket can be published."))
    if not ticket.public_consent:
        raise Conflict(_("The caller did not agree to publication: the ticket stays private."))
    if ticket.is_public:
        return ticket
    ticket.is_public = True
    ticket.save(update_fields=["is_public", "updated_at"])
    index_schedule(source="hotline.answer", keys=[str(ticket.public_id)])
    audit_record(actor=actor, action="ticket.published", obj=ticket, subject=ticket.citizen)
    return ticket


@transaction.atomic
def ticket_unpublish(*, actor: User, ticket: Ticket, reason: str = "") -> Ticket:
    """Withdraw a published ticket from the public pages, by a dispatcher of the hotline centre.

    Withdrawing an unpublished ticket changes nothing. Side effects: ``is_public`` cleared,
    audit ``ticket.unpublished`` with the reason. Errors: ``PermissionDenied``.
    """
    _require_dispatcher(actor)
    ticket = ticket_lock(ticket)
    if not ticket.is_public:
        return ticket
    ticket.is_public = False
    ticket.save(update_fields=["is_public", "updated_at"])
    index_schedule(source="hotline.answer", keys=[str(ticket.public_id)])
    audit_record(
        actor=actor,
        action="ticket.unpublished",
        obj=ticket,
        subject=ticket.citizen,
        reason=(reason or "").strip(),
    )
    return ticket
