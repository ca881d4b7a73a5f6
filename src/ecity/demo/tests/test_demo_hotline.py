"""The demo city's hotline: centre, categories, knowledge, tickets in every state, classifier."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from ecity.demo.services.hotline import demo_hotline_ensure
from ecity.demo.services.people import admin_ensure
from ecity.hotline.models import Callback, Category, KnowledgeArticle, Ticket, TicketEvent
from ecity.org.models import StaffRole

pytestmark = pytest.mark.django_db


def _share(text: str, label: str) -> float:
    found = re.search(rf"{label} accuracy: ([\d.]+)%", text)
    assert found is not None, text
    return float(found.group(1)) / 100


@pytest.fixture
def hotline_demo(demo_city, settings, tmp_path):
    # The classifier's model goes to this test's own data dir.
    settings.DATA_DIR = tmp_path
    admin, _ = admin_ensure()
    return demo_hotline_ensure(actor=admin, tickets=600)


def test_demo_hotline_has_centre_categories_articles_and_tickets_in_every_state(hotline_demo):
    # Given the demo hotline loaded with 600 history tickets
    # Then the centre has agents and a dispatcher, and two sub-district offices have handlers
    assert StaffRole.objects.filter(department__code="12345", role="hotline_agent").count() == 2
    assert StaffRole.objects.filter(department__code="12345", role="hotline_dispatcher").exists()
    assert StaffRole.objects.filter(department__code__in=["JD-DH", "JD-JB"]).count() == 2
    # And a category tree of 8 top-level categories with children, some local
    assert Category.objects.filter(parent=None).count() == 8
    assert Category.objects.get(code="SRHJ-ZY").parent == Category.objects.get(name_zh="市容环境")
    assert Category.objects.filter(local=True).count() >= 3
    # And 20 published knowledge articles
    assert KnowledgeArticle.objects.filter(status="published").count() == 20
    # And tickets in every live state, the history closed with events and callbacks
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {"received", "dispatched", "handling", "answered", "closed"} <= statuses
    assert hotline_demo.history_tickets == 600
    closed = Ticket.objects.filter(status="closed", resolved_at_intake=False).earliest("number")
    actions = list(closed.events.values_list("action", flat=True))
    assert actions[:5] == ["receive", "dispatch", "sign", "answer", "close"]
    assert Callback.objects.exists()
    # And a closed ticket without callback waits for one
    assert Ticket.objects.filter(status="closed", callbacks=None).exists()
    # And the newest consenting closed tickets are published for the public list
    assert hotline_demo.published_tickets == 40
    published = Ticket.objects.filter(is_public=True)
    assert published.count() == 40
    assert not published.exclude(status="closed").exists()
    assert not published.filter(public_consent=False).exists()
    # And ticket numbers are unique per day, and local noise-free history names the office
    assert Ticket.objects.values("number").distinct().count() == Ticket.objects.count()
    assert TicketEvent.objects.filter(department__code__in=["JD-DH", "JD-JB"]).exists()


def test_demo_hotline_history_has_nothing_in_the_future_and_recent_tickets_still_open(
    hotline_demo,
):
    # Given the demo hotline with its year of history, the newest received yesterday
    now = timezone.now()
    # Then no ticket is closed, answered or signed for, and nothing happened, after now
    for field in ("closed_at", "answered_at", "signed_at", "dispatched_at"):
        assert not Ticket.objects.filter(**{f"{field}__gt": now}).exists(), field
    assert not TicketEvent.objects.filter(created_at__gt=now).exists()
    assert not Callback.objects.filter(created_at__gt=now).exists()
    # And tickets of the last days whose limits have not run out are still being worked on
    recent = Ticket.objects.filter(received_at__gte=now - dt.timedelta(days=3))
    assert recent.exclude(status="closed").exists()
    # And an open ticket carries only what it has reached
    assert not Ticket.objects.exclude(status="closed").filter(closed_at__isnull=False).exists()
    assert not Ticket.objects.filter(status="received", department__isnull=False).exists()


def test_demo_hotline_loads_again_without_duplicates(hotline_demo):
    # Given the demo hotline already loaded
    admin, _ = admin_ensure()
    tickets = Ticket.objects.count()
    # When it is loaded again
    again = demo_hotline_ensure(actor=admin, tickets=600)
    # Then nothing new is created
    assert (again.categories, again.articles, again.history_tickets) == (0, 0, 0)
    assert Ticket.objects.count() == tickets


def test_classifier_trained_on_demo_history_is_well_above_chance(hotline_demo):
    # Given the demo history (closed tickets of many departments)
    departments = (
        Ticket.objects.filter(status="closed", department__isnull=False)
        .values("department")
        .distinct()
        .count()
    )
    out = StringIO()
    # When the classifier is evaluated on a held-out 20 %
    call_command("hotline_classifier", "evaluate", stdout=out)
    # Then it prints top-1 and top-3 accuracies far above guessing among the departments
    text = out.getvalue()
    top1, top3 = _share(text, "top-1"), _share(text, "top-3")
    assert departments > 10
    assert top1 > 5 / departments and top3 >= top1
    # And the loader stored a model the dispatch suggestions use
    assert hotline_demo.classifier_trained_on > 400
