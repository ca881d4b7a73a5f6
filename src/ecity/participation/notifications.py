"""The notifications participation sends (found by ``ecity.notify.registry`` at start-up).

Templates: ``templates/participation/mailboxes/notifications/<event>.subject.txt``, ``.txt`` and
``.sms.txt``. A message about a letter carries the letter number as its reference and links to
the writer's letter page.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ecity.core.accounts import Account
from ecity.notify.registry import EventGroup, NotificationEvent, register_events, register_link

register_events(
    NotificationEvent(
        name="letter_replied",
        label=_("Reply to your mailbox letter"),
        group=EventGroup.RESULT,
        templates="participation/mailboxes/notifications/letter_replied",
        link_label=_("View letter %(reference)s"),
    ),
    NotificationEvent(
        name="letter_forwarded",
        label=_("Your mailbox letter became a 12345 hotline ticket"),
        group=EventGroup.PROGRESS,
        templates="participation/mailboxes/notifications/letter_forwarded",
        link_label=_("View letter %(reference)s"),
    ),
)


def letter_link(
    *, object_id: str, reference: str, event: NotificationEvent, recipient: Account | None
) -> str:
    """The writer's page of the letter ``reference`` (its number)."""
    if not reference:
        return ""
    return reverse("participation:letter_detail", kwargs={"number": reference})


register_link("participation.letter", letter_link)
