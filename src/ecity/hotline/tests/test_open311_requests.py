"""Open311 POST requests: a channel system's API key, the service, place and attributes become
a hotline ticket through intake (channel open311); every error in the spec's form."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from lxml import etree

from ecity.audit.models import AuditEntry
from ecity.hotline.models import Channel, Open311Client, Open311Request, Ticket
from ecity.hotline.open311.services import open311_client_authenticate
from ecity.hotline.tests.open311_support import INSIDE, OUTSIDE, open311_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/open311/v2/requests"


def _post(fmt: str = "json", **fields: Any):
    return Client().post(f"{URL}.{fmt}", fields)


def _valid(open311: dict, **overrides: Any) -> dict[str, Any]:
    return {
        "api_key": open311["key"],
        "service_code": "LIGHT",
        **INSIDE,
        "description": "小区门口路灯不亮",
        "first_name": "小明",
        "last_name": "王",
        "phone": "13900001111",
        "email": "wang@example.com",
        "device_id": "device-1",
        "account_id": "acc-9",
        "media_url": "https://img.example.com/1.jpg",
        "attribute[pole]": "1024",
        "attribute[fault][]": ["dark", "blink"],
        **overrides,
    }


def test_a_client_system_submits_a_request_that_becomes_a_ticket(open311):
    # when the city app posts a valid request
    response = _post(**_valid(open311))
    # then it gets the ticket number and a token
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    answer = json.loads(response.content)[0]
    ticket = Ticket.objects.get(number=answer["service_request_id"])
    assert answer["account_id"] == "acc-9"
    # and the ticket came in over Open311, in LIGHT, with the caller and the answers
    assert ticket.channel == Channel.OPEN311 and ticket.status == Ticket.Status.RECEIVED
    assert ticket.category == open311["light"]
    assert ticket.caller_name == "王小明" and ticket.caller_phone == "13900001111"
    assert str(ticket.latitude) == "30.590000"
    assert "灯杆编号: 1024" in ticket.description and "不亮、闪烁" in ticket.description
    extra = Open311Request.objects.get(ticket=ticket)
    assert extra.token == answer["token"] and extra.client == open311["client"]
    assert extra.attributes == {"pole": "1024", "fault": ["dark", "blink"]}
    assert extra.email == "wang@example.com"
    # and the intake is audited under the client system's name
    entry = AuditEntry.objects.get(action="ticket.received")
    assert entry.actor_display == "城市App"
    # and the token leads back to the request
    token = Client().get(f"/open311/v2/tokens/{answer['token']}.json")
    assert json.loads(token.content)[0]["service_request_id"] == ticket.number


def test_an_address_is_enough_and_the_answer_can_be_xml(open311):
    # when a request gives an address instead of coordinates, answered as XML
    fields = _valid(open311, address_string="武汉市江岸区解放大道1000号")
    del fields["lat"], fields["long"]
    response = _post("xml", **fields)
    # then it is accepted and answered in XML
    assert response.status_code == 200, response.content
    root = etree.fromstring(response.content)
    number = root.findtext("request/service_request_id")
    assert Ticket.objects.get(number=number).address == "武汉市江岸区解放大道1000号"
    assert root.findtext("request/token")


@pytest.mark.parametrize("api_key", ["", "wrong-key", "inactive"])
def test_missing_bad_or_inactive_api_key_is_403(open311, api_key):
    # given (for "inactive") the client system deactivated
    if api_key == "inactive":
        Open311Client.objects.update(is_active=False)
        api_key = open311["key"]
    # when a request comes with that key
    response = _post("xml", **_valid(open311, api_key=api_key))
    # then 403 in the spec's form and no ticket
    assert response.status_code == 403
    root = etree.fromstring(response.content)
    assert root.tag == "errors" and root.findtext("error/code") == "403"
    assert not Ticket.objects.exists()


def test_unknown_service_code_is_404_and_a_missing_one_400(open311):
    # when the service does not exist, or is a group, or is missing
    for code, status in (("NOPE", 404), ("URBAN", 404), ("", 400)):
        response = _post(**_valid(open311, service_code=code))
        # then 404 (400 when missing), nothing written
        assert response.status_code == status, code
        assert json.loads(response.content)[0]["code"] == status
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"attribute[pole]": ""}, "attribute[pole]"),  # required question unanswered
        ({"attribute[pole]": "abc"}, "attribute[pole]"),  # not a number
        ({"attribute[fault][]": ["smoke"]}, "attribute[fault]"),  # not among the values
        ({"attribute[colour]": "red"}, "attribute[colour]"),  # no such question
        ({"lat": "", "long": ""}, "lat"),  # no place at all
        ({"lat": "north", "long": "east"}, "lat"),  # not degrees
        (OUTSIDE, "latitude"),  # outside the city (intake's rule)
        ({"email": "not-an-address"}, "email"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
        ({"phone": "call me"}, "caller_phone"),  # intake's phone rule
    ],
)
def test_bad_fields_are_400_naming_the_field(open311, overrides, field):
    # when a request breaks one rule
    response = _post("xml", **_valid(open311, **overrides))
    # then 400 in the spec's form naming the field, and nothing is written
    assert response.status_code == 400, response.content
    descriptions = [e.findtext("description") for e in etree.fromstring(response.content)]
    assert any(d.startswith(f"{field}: ") for d in descriptions), descriptions
    assert not Ticket.objects.exists() and not Open311Request.objects.exists()


def test_error_messages_follow_the_clients_language(open311):
    # when an English client leaves out the place
    response = Client().post(
        f"{URL}.json", _valid(open311, lat="", long=""), HTTP_ACCEPT_LANGUAGE="en"
    )
    # then the message is in English
    assert "lat and long, or address_string" in json.loads(response.content)[0]["description"]


def test_management_command_prints_a_key_that_works_once_stored_hashed(open311, capsys):
    # when a platform admin registers a system with the command
    call_command("open311_client", "街道网格系统")
    name, key = capsys.readouterr().out.strip().split(": ")
    # then the printed key authenticates it, and only its hash is stored
    client = open311_client_authenticate(api_key=key)
    assert client.name == name == "街道网格系统"
    assert key not in (client.key_hash, client.key_prefix) and client.key_hash != key
    assert AuditEntry.objects.filter(action="hotline.open311_client_created").count() == 2
