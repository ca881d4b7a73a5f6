"""Apps declare their notification events; notify carries them without knowing them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy

from ecity.notify import rendering, selectors
from ecity.notify.models import Notification
from ecity.notify.registry import (
    EventGroup,
    NotificationEvent,
    event_get,
    register_events,
    register_link,
    registered_events,
    unregister_events,
    unregister_link,
)
from ecity.notify.tests.conftest import enqueue
from ecity.notify.tests.factories import NotificationPreferenceFactory

TICKET_EVENT = NotificationEvent(
    name="probe_ticket_answered",
    label=gettext_lazy("Ticket answered"),
    group=EventGroup.RESULT,
    templates="probeapp/notifications/probe_ticket_answered",
    link_label=gettext_lazy("Open probe ticket %(reference)s"),
)


@pytest.fixture
def hotline_app(tmp_path, settings):
    """A second app, unknown to notify, that declares one event with its own templates."""
    folder = tmp_path / "probeapp" / "notifications"
    folder.mkdir(parents=True)
    (folder / "probe_ticket_answered.subject.txt").write_text("Ticket {{ ticket_number }} answered")
    (folder / "probe_ticket_answered.txt").write_text(
        '{% include "notify/events/_greeting.txt" %}\n'
        "Your ticket {{ ticket_number }} has an answer: {{ answer }}\n"
        '{% include "notify/events/_footer.txt" %}'
    )
    (folder / "probe_ticket_answered.sms.txt").write_text("Ticket {{ ticket_number }} answered.")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [str(tmp_path)]}]
    rendering._engine.cache_clear()
    register_events(TICKET_EVENT)
    yield TICKET_EVENT
    unregister_events(TICKET_EVENT.name)
    rendering._engine.cache_clear()


def test_cases_declares_its_events_to_notify():
    # given the installed apps, then notify knows the case events only through cases' module
    events = registered_events()
    assert events["case_accepted"].group == EventGroup.PROGRESS
    assert events["correction_requested"].group == EventGroup.ACTION_REQUIRED
    assert events["case_accepted"].templates == "cases/notifications/case_accepted"
    assert str(events["case_accepted"].link_text("SF1")) == "查看办件 SF1"


def test_a_second_app_notifies_its_own_event_without_notify_knowing_it(citizen, hotline_app):
    # given a ticket (any model with a public id stands in for it) and the hotline's event
    ticket = Group.objects.create(name="ticket 12345")

    # when the hotline notifies the citizen about it
    rows = enqueue(
        citizen,
        event="probe_ticket_answered",
        key="probe_ticket_answered:1",
        context={"ticket_number": "RX2026000123", "answer": "Fixed", "link_path": "/t/1/"},
        obj=ticket,
        reference="RX2026000123",
    )

    # then every channel gets the hotline's own text, the subject and the reference
    assert [row.channel for row in rows] == ["in_app", "email", "sms"]
    inbox = rows[0]
    assert inbox.subject == "Ticket RX2026000123 answered"
    assert "Your ticket RX2026000123 has an answer: Fixed" in inbox.body
    assert (inbox.object_type, inbox.object_id) == ("auth.group", str(ticket.pk))
    assert inbox.reference == "RX2026000123"
    assert inbox.link_text == "Open probe ticket RX2026000123"
    assert inbox.event_label == "Ticket answered"
    assert "Ticket RX2026000123 answered." in rows[2].body
    assert list(selectors.notifications_about(obj=ticket)) == rows


def test_a_message_links_to_its_object_through_the_link_its_app_declares(citizen, hotline_app):
    # given the hotline declares how to reach a ticket's page (notify knows no ticket)
    ticket = Group.objects.create(name="ticket 12345")
    seen = {}

    def ticket_link(*, object_id, reference, event, recipient):
        seen.update(event=event.name, recipient=recipient)
        return f"/hotline/{reference}/"

    register_link("auth.group", ticket_link)
    try:
        # when the hotline notifies the citizen without naming a link itself
        rows = enqueue(
            citizen,
            event="probe_ticket_answered",
            key="probe_ticket_answered:link",
            context={"ticket_number": "RX7", "answer": "ok"},
            obj=ticket,
            reference="RX7",
        )
    finally:
        unregister_link("auth.group")

    # then every row links to the ticket's page, and the resolver was told who reads it
    assert {row.link_path for row in rows} == {"/hotline/RX7/"}
    assert seen == {"event": "probe_ticket_answered", "recipient": citizen}


def test_a_second_apps_event_follows_the_generic_group_preferences(citizen, hotline_app):
    # given a citizen who wants no e-mail except results, and no results by SMS
    NotificationPreferenceFactory(
        user=citizen, channel="email", event_group="all", is_enabled=False
    )
    NotificationPreferenceFactory(user=citizen, channel="email", event_group="result")
    NotificationPreferenceFactory(
        user=citizen, channel="sms", event_group="result", is_enabled=False
    )

    # when the hotline sends its "result" event
    rows = enqueue(
        citizen,
        event="probe_ticket_answered",
        key="probe_ticket_answered:2",
        context={"ticket_number": "RX1", "answer": "ok"},
    )

    # then the citizen's group choices apply to it as to the case events
    assert sorted(row.channel for row in rows) == ["email", "in_app"]


def test_an_event_nobody_declared_is_refused(citizen):
    # given an event name no app declares
    assert event_get("probe_ticket_answered") is None

    # when it is enqueued, then it is refused and the outbox stays empty
    with pytest.raises(ValueError, match="unknown notification event 'probe_ticket_answered'"):
        enqueue(citizen, event="probe_ticket_answered", key="x:1")
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "event, message",
    [
        (NotificationEvent("Bad-Name", "x", EventGroup.RESULT, "x/y"), "malformed"),
        (NotificationEvent("odd_group", "x", "weekly", "x/y"), "unknown notification group"),
        (NotificationEvent("all_group", "x", EventGroup.ALL, "x/y"), "unknown notification group"),
        (
            NotificationEvent("case_accepted", "other", EventGroup.STAFF, "x/y"),
            "already declared",
        ),
    ],
)
def test_malformed_or_conflicting_declarations_are_refused(event, message):
    with pytest.raises(ValueError, match=message):
        register_events(event)
    assert event_get("case_accepted").group == EventGroup.PROGRESS


def test_declaring_the_same_event_twice_is_harmless():
    register_events(registered_events()["case_accepted"])
    assert event_get("case_accepted").group == EventGroup.PROGRESS
