"""Open311 GeoReport v2: discovery, services, definitions, public reads (Django test client)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from lxml import etree

from ecity.hotline.models import Channel, TicketEvent
from ecity.hotline.tests.factories import CategoryFactory, TicketFactory
from ecity.hotline.tests.open311_support import open311_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


def _json(path: str, **params: Any) -> Any:
    response = Client().get(f"{BASE}/{path}.json", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def _xml(path: str, **params: Any) -> etree._Element:
    response = Client().get(f"{BASE}/{path}.xml", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    return etree.fromstring(response.content)


def _open311_ticket(category, **values: Any):
    return TicketFactory(channel=Channel.OPEN311, category=category, **values)


def test_discovery_names_the_endpoint_and_both_formats(open311):
    # given the server, when a client reads the discovery document
    data = _json("discovery")
    root = _xml("discovery")
    # then it points at the v2 endpoint and lists XML and JSON
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert root.findtext("endpoints/endpoint/formats/format") == "text/xml"


def test_service_list_has_active_leaf_categories_with_group_and_metadata(open311):
    # given a parent URBAN with leaf LIGHT (two questions), leaves NOISE/ROADS, and an inactive
    # leaf
    CategoryFactory(code="OLD", is_active=False)
    # when a client lists the services
    services = {service["service_code"]: service for service in _json("services")}
    # then the leaves are services and the parent and the inactive category are not
    assert set(services) == {"LIGHT", "NOISE", "ROADS"}
    light = services["LIGHT"]
    assert light["service_name"] == "路灯不亮"
    assert light["group"] == "城市管理"
    assert light["metadata"] is True and services["ROADS"]["metadata"] is False
    assert light["type"] == "realtime"
    assert "Street light out" in light["keywords"]
    # and the XML form says the same with booleans as true/false
    root = _xml("services")
    xml_light = next(s for s in root.findall("service") if s.findtext("service_code") == "LIGHT")
    assert xml_light.findtext("metadata") == "true"
    assert xml_light.findtext("group") == "城市管理"


def test_english_names_on_request(open311):
    # given a client that prefers English, when it lists the services
    response = Client().get(f"{BASE}/services.json", HTTP_ACCEPT_LANGUAGE="en")
    names = {s["service_code"]: s["service_name"] for s in json.loads(response.content)}
    # then the English name is given
    assert names["LIGHT"] == "Street light out"


def test_service_definition_lists_the_questions_in_order(open311):
    # when a client reads the definition of LIGHT
    data = _json("services/LIGHT")
    # then both questions come in order with their datatype and, for the list, values
    assert data["service_code"] == "LIGHT"
    pole, fault = data["attributes"]
    assert (pole["code"], pole["datatype"], pole["required"], pole["order"]) == (
        "pole",
        "number",
        True,
        1,
    )
    assert fault["values"] == [{"key": "dark", "name": "不亮"}, {"key": "blink", "name": "闪烁"}]
    root = _xml("services/LIGHT")
    assert root.tag == "service_definition"
    assert root.findtext("attributes/attribute/code") == "pole"
    assert [v.findtext("key") for v in root.findall("attributes/attribute/values/value")] == [
        "dark",
        "blink",
    ]


def test_unknown_service_is_a_404_in_the_spec_error_form(open311):
    # when a client asks for a service that does not exist (or is only a group)
    for code in ("NOPE", "URBAN"):
        response = Client().get(f"{BASE}/services/{code}.xml")
        # then 404 with <errors><error><code>404</code><description>…
        assert response.status_code == 404
        root = etree.fromstring(response.content)
        assert root.tag == "errors"
        assert root.findtext("error/code") == "404"
        assert code in root.findtext("error/description")
    response = Client().get(f"{BASE}/services/NOPE.json")
    assert response.status_code == 404
    assert json.loads(response.content)[0]["code"] == 404


def test_requests_show_only_public_information(open311):
    # given an Open311 ticket being handled, a closed published phone ticket, and a private call
    light = open311["light"]
    handling = _open311_ticket(light, handling=True, latitude="30.590000", longitude="114.3")
    published = TicketFactory(
        closed=True, category=open311["roads"], is_public=True, description="路面塌陷已修复"
    )
    private = TicketFactory(category=open311["roads"])
    # when a client lists the requests
    found = {item["service_request_id"]: item for item in _json("requests")}
    # then the private call is absent, and no caller data appears anywhere
    assert set(found) == {handling.number, published.number}
    assert private.number not in found
    body = Client().get(f"{BASE}/requests.xml").content.decode()
    for secret in ("张先生", "13800138000", handling.query_code):
        assert secret not in body
    item = found[handling.number]
    assert item["status"] == "open" and item["status_notes"] == ""
    assert item["agency_responsible"] == "城管局"
    assert item["service_code"] == "LIGHT" and item["lat"] == "30.590000"
    # the reporter's words are shown only once the ticket is published
    assert item["description"] == ""
    closed = found[published.number]
    assert closed["status"] == "closed"
    assert closed["status_notes"] == "已联系相关单位处理完毕。"
    assert closed["description"] == "路面塌陷已修复"
    # datetimes carry their offset
    assert item["requested_datetime"].endswith("+08:00")
    requested = dt.datetime.fromisoformat(item["requested_datetime"])
    assert requested == handling.received_at.replace(microsecond=0)


def test_request_filters_and_the_90_day_window(open311):
    # given tickets of two services, open and closed, one 100 days old
    light, roads = open311["light"], open311["roads"]
    recent_open = _open311_ticket(light)
    recent_closed = _open311_ticket(roads, closed=True)
    old = _open311_ticket(light, received_at=timezone.now() - dt.timedelta(days=100))

    def numbers(**params: Any) -> set[str]:
        return {item["service_request_id"] for item in _json("requests", **params)}

    # then by default only the last 90 days
    assert numbers() == {recent_open.number, recent_closed.number}
    assert numbers(status="open") == {recent_open.number}
    assert numbers(status="closed") == {recent_closed.number}
    assert numbers(service_code="LIGHT") == {recent_open.number}
    assert numbers(service_code="LIGHT,ROADS") == {recent_open.number, recent_closed.number}
    # a date range finds the old one (an unencoded "+08:00" arrives as " 08:00")
    start = timezone.localtime(old.received_at - dt.timedelta(days=1))
    assert numbers(
        start_date=start.isoformat(), end_date=(start + dt.timedelta(days=2)).isoformat()
    ) == {old.number}
    assert old.number in numbers(start_date=start.strftime("%Y-%m-%dT%H:%M:%S 08:00"))
    # service_request_id overrides every other filter
    assert numbers(service_request_id=f"{old.number},{recent_open.number}", status="closed") == {
        old.number,
        recent_open.number,
    }


def test_request_list_returns_at_most_1000(open311, monkeypatch):
    # given more tickets than the limit (the limit lowered to keep the test small)
    from ecity.hotline.open311 import selectors

    monkeypatch.setattr(selectors, "MAX_RESULTS", 3)
    for _ in range(4):
        _open311_ticket(open311["light"])
    # then a search answers with the limit
    assert len(_json("requests")) == 3


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start_date": "yesterday"}, "start_date"),
        ({"start_date": "2024-01-01T00:00:00Z", "end_date": "2024-06-01T00:00:00Z"}, "end_date"),
        ({"start_date": "2024-02-01T00:00:00Z", "end_date": "2024-01-01T00:00:00Z"}, "end_date"),
        ({"status": "pending"}, "status"),
    ],
)
def test_bad_request_filters_are_400(open311, params, field):
    # when a client sends a bad date, a range over 90 days, a reversed range or a bad status
    response = Client().get(f"{BASE}/requests.xml", params)
    # then 400 in the spec's form naming the parameter
    assert response.status_code == 400
    root = etree.fromstring(response.content)
    assert root.findtext("error/code") == "400"
    assert root.findtext("error/description").startswith(f"{field}: ")


def test_request_by_id_and_token(open311):
    # given an Open311 ticket with its token, and a private call
    from ecity.hotline.models import Open311Request

    ticket = _open311_ticket(open311["light"])
    Open311Request.objects.create(ticket=ticket, client=open311["client"], token="t" * 32)
    private = TicketFactory()
    # when a client reads it by number and by token
    item = _json(f"requests/{ticket.number}")
    root = _xml(f"tokens/{'t' * 32}")
    # then it gets the request, and the token leads to the number
    assert item[0]["service_request_id"] == ticket.number
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == ticket.number
    # and an unknown or private ticket, or unknown token, is a 404
    for path in (f"requests/{private.number}", "requests/NOPE", "tokens/nope"):
        response = Client().get(f"{BASE}/{path}.json")
        assert response.status_code == 404, path


def test_service_request_updates_are_the_public_steps(open311):
    # given an Open311 ticket that was received, dispatched, noted internally and closed
    ticket = _open311_ticket(open311["light"], closed=True)
    received = TicketEvent.objects.create(ticket=ticket, action=TicketEvent.Action.RECEIVE)
    TicketEvent.objects.create(
        ticket=ticket, action=TicketEvent.Action.NOTE, note="内部备注", public=False
    )
    closed = TicketEvent.objects.create(ticket=ticket, action=TicketEvent.Action.CLOSE)
    TicketEvent.objects.create(ticket=TicketFactory(), action=TicketEvent.Action.RECEIVE)
    # when a client reads the updates
    updates = _json("servicerequestupdates")
    # then only the two public steps of the public ticket, with the status after each
    assert [u["update_id"] for u in updates] == [str(received.public_id), str(closed.public_id)]
    assert [u["status"] for u in updates] == ["OPEN", "CLOSED"]
    assert updates[1]["description"].endswith("已联系相关单位处理完毕。")
    assert "内部备注" not in json.dumps(updates, ensure_ascii=False)
    root = _xml("servicerequestupdates")
    assert root.tag == "service_request_updates"
    assert root.findtext("request_update/service_request_id") == ticket.number
    # and a window before the steps finds none
    assert _json("servicerequestupdates", end_date="2020-01-01T00:00:00Z") == []


def test_xml_escapes_markup_and_drops_invalid_characters(open311):
    # given a published ticket whose words contain markup and a control character
    TicketFactory(
        closed=True,
        is_public=True,
        category=open311["light"],
        description="<b>路灯</b> & \x07坏了",
    )
    # when a client reads it as XML
    root = _xml("requests")
    # then the text round-trips as text, not markup
    assert root.findtext("request/description") == "<b>路灯</b> & 坏了"


@pytest.mark.django_db
def test_a_signed_in_browser_session_is_not_an_api_key():
    # Given a citizen signed in to the portal (Open311 POST is CSRF-exempt: machines post to it)
    from ecity.identity.tests.factories import UserFactory

    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    # When a page of another site makes their browser post a request without an API key
    response = client.post("/open311/v2/requests.json", {"service_code": "X", "lat": "30.5"})
    # Then nothing is created: the session counts for nothing here
    assert response.status_code == 403
