"""The notification events apps declare: name, label, group and templates.

Notify carries notifications for every app without knowing what they are about. An app
declares its events in its own ``notifications.py`` (found at start-up like ``jobs.py``)::

    from ecity.notify.registry import EventGroup, NotificationEvent, register_events

    register_events(
        NotificationEvent(
            name="ticket_answered",
            label=_("Ticket answered"),
            group=EventGroup.RESULT,
            templates="hotline/notifications/ticket_answered",
            link_label=_("View ticket %(reference)s"),
        ),
    )

An app whose objects notifications are about declares how to reach their page, so every
message links to it without notify knowing the app (the object is stored generically as its
model label and public id)::

    register_link("hotline.ticket", ticket_link)  # (object_id=, reference=, event=, recipient=)

``templates`` is the path prefix of three plain-text templates: ``<prefix>.subject.txt`` (one
line), ``<prefix>.txt`` (e-mail and in-app body) and ``<prefix>.sms.txt`` (short text), rendered
in the recipient's language (``{% trans %}`` and ``{% blocktrans %}``). The group decides which
preference switches the event (see ``models.EventGroup``). ``notification_enqueue`` refuses an
event nobody declared.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from ecity.core.accounts import Account

EVENT_NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}")


class EventGroup(models.TextChoices):
    """Events are switched on and off by group; ``all`` covers every group of a channel.

    The groups are notify's own and generic: every app files its events under one of them, so a
    citizen's choices ("no e-mail except results") apply to tickets as they do to cases.
    """

    ALL = "all", _("All notifications")
    PROGRESS = "progress", _("Progress of my applications")
    ACTION_REQUIRED = "action_required", _("Something I need to do")
    RESULT = "result", _("Results and certificates")
    STAFF = "staff", _("Staff work: urging and low ratings")
    SUBSCRIPTIONS = "subscriptions", _("What I follow (subscriptions)")


VIEW_DETAILS = _("View details")


@dataclass(frozen=True)
class NotificationEvent:
    """One kind of notification an app sends."""

    name: str
    label: str | Promise
    group: str
    templates: str
    link_label: str | Promise = VIEW_DETAILS
    # The SMS is useless without its link (a questionnaire, a confirmation): keep the page's
    # link even when the message then takes two segments, shortening the text instead.
    sms_needs_link: bool = False

    def link_text(self, reference: str) -> str:
        """The text of the link to the page the message is about ("View case SF…")."""
        text = str(self.link_label)
        return text % {"reference": reference} if "%(reference)s" in text else text


_events: dict[str, NotificationEvent] = {}
_discovered = False


def register_events(*events: NotificationEvent) -> None:
    """Declare notification events (idempotent for the same declaration).

    Raises ValueError for a malformed name, an unknown group or a name another declaration
    already uses (programming errors, found at start-up).
    """
    for event in events:
        if not EVENT_NAME_PATTERN.fullmatch(event.name):
            raise ValueError(f"malformed notification event name: {event.name!r}")
        if event.group not in EventGroup.values or event.group == EventGroup.ALL:
            raise ValueError(f"unknown notification group {event.group!r} for {event.name!r}")
        existing = _events.get(event.name)
        if existing is not None and existing != event:
            raise ValueError(f"notification event {event.name!r} is already declared")
        _events[event.name] = event


def unregister_events(*names: str) -> None:
    """Forget events (for tests that declare events of their own)."""
    for name in names:
        _events.pop(name, None)


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("notifications")


def registered_events() -> dict[str, NotificationEvent]:
    """Every declared event by name, after importing each app's ``notifications`` module."""
    _discover()
    return dict(_events)


def event_get(name: str) -> NotificationEvent | None:
    """The declaration of ``name``, or None when no app declares it (any more)."""
    _discover()
    return _events.get(name)


def event_label(name: str) -> str:
    """The event in words, or its name when no app declares it (any more)."""
    event = event_get(name)
    return str(event.label) if event is not None else name


#: ``(object_id=, reference=, event=, recipient=) -> path``: the page a message about an object
#: links to for that recipient ("" when there is none).
LinkResolver = Callable[..., str]
_links: dict[str, LinkResolver] = {}


def register_link(object_type: str, resolver: LinkResolver) -> None:
    """Declare how messages about objects of ``object_type`` ("cases.case") link to their page."""
    _links[object_type] = resolver


def unregister_link(object_type: str) -> None:
    """Forget a link declaration (for tests that declare one of their own)."""
    _links.pop(object_type, None)


def link_for(
    *, object_type: str, object_id: str, reference: str, event: str, recipient: Account | None
) -> str:
    """The path of the page a message about the object links to, or "" when none is declared."""
    _discover()
    resolver = _links.get(object_type)
    declared = _events.get(event)
    if resolver is None or declared is None or not object_id:
        return ""
    return str(
        resolver(object_id=object_id, reference=reference, event=declared, recipient=recipient)
        or ""
    )
