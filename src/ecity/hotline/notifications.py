"""The notifications the hotline sends (found by ``ecity.notify.registry`` at start-up).

Templates: ``templates/hotline/notifications/<event>.subject.txt``, ``.txt`` and ``.sms.txt``.
A message about a ticket links to "my ticket" for a citizen with an account, to the query page
(number + query code) for a caller without one, and to the dispatch page for staff.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ecity.core.accounts import Account
from ecity.notify.registry import EventGroup, NotificationEvent, register_events, register_link

VIEW_TICKET = _("View ticket %(reference)s")


def _event(name: str, label: str | Promise, group: str) -> NotificationEvent:
    return NotificationEvent(
        name=name,
        label=label,
        group=group,
        templates=f"hotline/notifications/{name}",
        link_label=VIEW_TICKET,
    )


register_events(
    _event("ticket_received", _("Hotline ticket received"), EventGroup.PROGRESS),
    _event("ticket_resolved_at_intake", _("Hotline ticket answered at once"), EventGroup.RESULT),
    _event("ticket_dispatched", _("Hotline ticket to handle (staff)"), EventGroup.STAFF),
)


def ticket_link(
    *, object_id: str, reference: str, event: NotificationEvent, recipient: Account | None
) -> str:
    """The page a message about the ticket ``reference`` (its number) links to."""
    if not reference:
        return ""
    if event.group == EventGroup.STAFF:
        return reverse("hotline:dispatch")
    if recipient is None:
        return reverse("hotline:query")
    return reverse("hotline:mine_detail", kwargs={"number": reference})


register_link("hotline.ticket", ticket_link)
