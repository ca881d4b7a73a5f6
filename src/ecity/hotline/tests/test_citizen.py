"""Citizen pages: the portal form, my tickets, and the query by number and query code."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.core.cache import cache
from django.test import Client

from ecity.hotline.models import Ticket
from ecity.hotline.tests.factories import TicketFactory
from ecity.identity.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _ticket(**values: Any) -> Ticket:
    return cast(Ticket, TicketFactory(**values))


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_citizen_sends_a_request_and_sees_number_and_query_code(hotline):
    # Given a signed-in citizen on the portal form
    client = _signed_in(hotline["citizen"])
    # When they send a complaint
    response = client.post(
        "/hotline/new/",
        {
            "kind": "complaint",
            "category": "NOISE",
            "description": "楼下餐馆油烟扰民。",
            "region": "420102001001",
        },
    )
    # Then they land on the ticket's page with its number and query code
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/hotline/mine/{ticket.number}/"
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert ticket.number in page.content.decode() and ticket.query_code in page.content.decode()


def test_missing_description_re_displays_the_form_with_the_field_error(hotline):
    client = _signed_in(hotline["citizen"])
    # When the description is empty
    response = client.post("/hotline/new/", {"kind": "complaint", "description": ""})
    # Then the form comes back with an error summary linking to the field; nothing is written
    assert response.status_code == 200
    assert 'href="#id_description"' in response.content.decode()
    assert Ticket.objects.count() == 0


def test_a_citizen_cannot_open_someone_elses_ticket(hotline):
    # Given another citizen's ticket
    theirs = _ticket(citizen=UserFactory())
    # When this citizen opens it, then it does not exist for them
    response = _signed_in(hotline["citizen"]).get(f"/hotline/mine/{theirs.number}/")
    assert response.status_code == 404
    mine = _signed_in(hotline["citizen"]).get("/hotline/mine/")
    assert mine.status_code == 200 and theirs.number not in mine.content.decode()


def test_query_shows_progress_without_personal_data(hotline):
    # Given a closed ticket of a named caller
    ticket = _ticket(closed=True, caller_name="张先生")
    # When anyone queries it with number and code
    response = Client().post(
        "/hotline/query/", {"number": ticket.number, "query_code": ticket.query_code.lower()}
    )
    # Then status and answer show, the caller's name and phone do not
    body = response.content.decode()
    assert response.status_code == 200
    assert ticket.answer in body
    assert "张先生" not in body and "13800138000" not in body


def test_a_closed_ticket_links_to_its_rating_and_an_open_one_does_not(hotline):
    from django.urls import reverse

    # Given a closed ticket and one still being handled
    closed = _ticket(closed=True)
    open_ = _ticket(handling=True)
    rate_url = reverse("hotline:rate", kwargs={"number": closed.number})
    # When the caller looks each up with its number and query code
    shown = Client().post(
        "/hotline/query/", {"number": closed.number, "query_code": closed.query_code}
    )
    pending = Client().post(
        "/hotline/query/", {"number": open_.number, "query_code": open_.query_code}
    )
    # Then the closed one offers the rating page, the open one no rating
    assert shown.status_code == 200 and pending.status_code == 200
    assert f'href="{rate_url}"' in shown.content.decode()
    assert "评价诉求办理情况" in shown.content.decode()
    assert "/hotline/rate/" not in pending.content.decode()


def test_wrong_query_codes_lock_the_number(hotline):
    ticket = _ticket()
    client = Client()
    # Given five wrong codes for the number
    for _ in range(5):
        wrong = client.post("/hotline/query/", {"number": ticket.number, "query_code": "WRONG123"})
        assert wrong.status_code == 200
    # When the right code comes next, then the number is locked for now
    locked = client.post(
        "/hotline/query/", {"number": ticket.number, "query_code": ticket.query_code}
    )
    assert locked.status_code == 429
