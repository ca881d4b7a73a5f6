"""The agent console and the dispatcher's page."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.test import Client

from ecity.audit.models import AuditEntry
from ecity.hotline.models import Ticket
from ecity.hotline.tests.factories import TicketFactory
from ecity.hotline.tests.knowledge_support import kb, published  # noqa: F401  (kb: fixture)

pytestmark = pytest.mark.django_db


def _ticket(**values: Any) -> Ticket:
    return cast(Ticket, TicketFactory(**values))


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_console_is_for_agents_only(hotline):
    # Given a ticket handler of a department, when they open the console, then it is refused
    assert _signed_in(hotline["handler"]).get("/hotline/console/").status_code == 403
    page = _signed_in(hotline["agent"]).get("/hotline/console/")
    assert page.status_code == 200
    assert "autofocus" in page.content.decode()


def test_caller_history_by_phone_without_javascript_and_as_fragment(hotline):
    # Given an earlier ticket of the caller
    earlier = _ticket(caller_phone="13800138000")
    client = _signed_in(hotline["agent"])
    # When the agent asks for the caller's history (submit without JS)
    page = client.post("/hotline/console/", {"caller_phone": "138-0013-8000", "lookup": "1"})
    # Then the earlier ticket is listed, and the read is audited
    assert page.status_code == 200 and earlier.number in page.content.decode()
    fragment = client.get("/hotline/console/caller-history/", {"caller_phone": "13800138000"})
    assert fragment.status_code == 200 and earlier.number in fragment.content.decode()
    assert AuditEntry.objects.filter(action="ticket_caller_history.read").count() == 2


def test_agent_answers_a_call_at_once(hotline):
    client = _signed_in(hotline["agent"])
    # When the agent takes a call and answers it at intake
    response = client.post(
        "/hotline/console/",
        {"caller_phone": "13900000000", "kind": "enquiry", "urgency": "ordinary",
         "description": "公积金提取需要什么材料？", "outcome": "resolve",
         "answer": "身份证和购房合同。"},
    )  # fmt: skip
    # Then the ticket is closed at intake
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.status == Ticket.Status.CLOSED and ticket.resolved_at_intake


def test_place_outside_the_city_is_shown_beside_the_field(hotline):
    client = _signed_in(hotline["agent"])
    response = client.post(
        "/hotline/console/",
        {"kind": "complaint", "urgency": "ordinary", "description": "噪音", "outcome": "save",
         "latitude": "39.9", "longitude": "116.4"},
    )  # fmt: skip
    assert response.status_code == 200
    assert 'href="#id_latitude"' in response.content.decode()
    assert Ticket.objects.count() == 0


def test_dispatcher_dispatches_with_the_suggestion(hotline):
    # Given a received noise ticket in the 大智 sub-district
    ticket = _ticket(category=hotline["noise"], region=hotline["street"])
    client = _signed_in(hotline["dispatcher"])
    queue = client.get("/hotline/dispatch/")
    assert queue.status_code == 200 and ticket.number in queue.content.decode()
    page = client.get(f"/hotline/dispatch/{ticket.number}/")
    assert page.status_code == 200 and "大智街道办事处" in page.content.decode()
    # When the dispatcher accepts the suggested office
    response = client.post(f"/hotline/dispatch/{ticket.number}/", {"department": "DZJD"})
    # Then the ticket goes there
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.department == hotline["office"]
    assert _signed_in(hotline["handler"]).get("/hotline/dispatch/").status_code == 403


def test_the_console_searches_the_knowledge_base_without_leaving_the_call(kb):  # noqa: F811
    # Given a published internal article on construction noise
    article = published(kb, is_public=False)
    client = _signed_in(kb.agent)
    # When the agent opens the console, then its knowledge box submits to the agent search in a
    # form of its own (the call's form stays as typed) and the enhancement script is loaded
    page = client.get("/hotline/console/").content.decode()
    assert 'form="knowledge-form"' in page and 'id="knowledge-form"' in page
    assert 'action="/hotline/knowledge/search/"' in page and 'target="_blank"' in page
    assert "hotline/console.js" in page
    # and the fragment the script asks for finds the internal article by a word of its text
    fragment = client.get("/hotline/knowledge/search/", {"q": "噪音"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and str(article.public_id) in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
