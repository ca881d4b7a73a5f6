"""The notifications of ticket handling, review and callback (merged into ``notifications`` by
the lead; until then ``services/handling.py`` imports this module so the events are declared).

Templates: ``templates/hotline/notifications/<event>.subject.txt``, ``.txt`` and ``.sms.txt``.
Staff messages link to the department's ticket page (or the hotline centre's supervision); the
citizen's to the online rating of the closed ticket (number and query code in the message).
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
    # To the citizen (caller): the department answered; the hotline centre closed the ticket.
    _event("ticket_answered", _("Your hotline request was answered"), EventGroup.PROGRESS),
    _event("ticket_closed", _("Your hotline request was closed"), EventGroup.RESULT),
    # To the departments' ticket handlers.
    _event("ticket_urged", _("Hotline ticket urged (staff)"), EventGroup.STAFF),
    _event("ticket_transferred", _("Hotline ticket transferred to you (staff)"), EventGroup.STAFF),
    _event("ticket_answer_sent_back", _("Answer sent back (staff)"), EventGroup.STAFF),
    _event("ticket_assist_requested", _("Assistance requested (staff)"), EventGroup.STAFF),
    _event("ticket_extension_decided", _("Extension request decided (staff)"), EventGroup.STAFF),
    # To the department and the hotline centre's dispatchers.
    _event("ticket_reopened", _("Hotline ticket reopened (staff)"), EventGroup.STAFF),
    _event("ticket_returned", _("Hotline ticket returned (staff)"), EventGroup.STAFF),
    _event("ticket_extension_requested", _("Extension requested (staff)"), EventGroup.STAFF),
)

_SUPERVISION_EVENTS = {"ticket_returned", "ticket_extension_requested"}


def ticket_link(
    *, object_id: str, reference: str, event: NotificationEvent, recipient: Account | None
) -> str:
    """The page a message about the ticket ``reference`` (its number) links to."""
    if not reference:
        return ""
    if event.group == EventGroup.STAFF:
        if event.name in _SUPERVISION_EVENTS:
            return reverse("hotline:supervision")
        return reverse("hotline:work_ticket", kwargs={"number": reference})
    return reverse("hotline:rate", kwargs={"number": reference})


register_link("hotline.ticket", ticket_link)
