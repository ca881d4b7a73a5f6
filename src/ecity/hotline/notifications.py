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
# Handling, review and callback (services/handling.py, services/callbacks.py).
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

# The callback questionnaire (services/questionnaires.py): its link is the message.
register_events(
    NotificationEvent(
        name="ticket_callback_questionnaire",
        label=_("Callback questionnaire on your hotline request"),
        group=EventGroup.ACTION_REQUIRED,
        templates="hotline/notifications/ticket_callback_questionnaire",
        link_label=_("Answer the questionnaire"),
        sms_needs_link=True,
    ),
)

# Merging (services/merging.py): the merged ticket's caller learns the main ticket's number.
register_events(
    _event("ticket_merged", _("Your hotline request was merged"), EventGroup.PROGRESS),
)

# Staff messages that concern the hotline centre's dispatchers (the rest go to the department).
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
    if event.name == "ticket_closed":
        return reverse("hotline:rate", kwargs={"number": reference})
    if recipient is None:
        return reverse("hotline:query")
    return reverse("hotline:mine_detail", kwargs={"number": reference})


register_link("hotline.ticket", ticket_link)
# --- knowledge base (services/knowledge.py) ---
register_events(
    NotificationEvent(
        name="knowledge_expiring",
        label=_("Knowledge article about to expire (staff)"),
        group=EventGroup.STAFF,
        templates="hotline/knowledge/notifications/knowledge_expiring",
        link_label=_("View the article"),
    ),
)


def knowledge_article_link(
    *, object_id: str, reference: str, event: NotificationEvent, recipient: Account | None
) -> str:
    """The staff page of the article a message is about."""
    return reverse("hotline:knowledge_staff_detail", kwargs={"public_id": object_id})


register_link("hotline.knowledgearticle", knowledge_article_link)
