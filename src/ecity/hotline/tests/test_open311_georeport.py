"""Black-box: the PyPI GeoReport v2 client (``georeport``) reads our live Open311 server."""

from __future__ import annotations

import pytest
from georeport import GeoReport

from ecity.hotline.models import Channel
from ecity.hotline.tests.factories import TicketFactory
from ecity.hotline.tests.open311_support import open311_fixture  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_georeport_client_reads_services_definitions_and_requests(
    open311, live_server, output_format
):
    # given an Open311 ticket being handled and a closed one
    handling = TicketFactory(channel=Channel.OPEN311, category=open311["light"], handling=True)
    closed = TicketFactory(channel=Channel.OPEN311, category=open311["roads"], closed=True)
    client = GeoReport(f"{live_server.url}/open311/v2/", output_format=output_format)
    # when the client lists the services
    services = client.get_service_list()
    # then it sees the three services with their names
    assert {s["service_code"]: s["service_name"] for s in services} == {
        "LIGHT": "路灯不亮",
        "NOISE": "噪音扰民",
        "ROADS": "道路维修",
    }
    # when it reads LIGHT's definition, then it gets the two questions in order
    definition = client.get_service_definition("LIGHT")
    attributes = definition["attributes"]
    if output_format == "xml":
        attributes = attributes["attribute"]
    assert [a["code"] for a in attributes] == ["pole", "fault"]
    # when it searches the requests, then it finds both with their statuses
    requests = client.get_service_requests()
    assert {r["service_request_id"]: r["status"] for r in requests} == {
        handling.number: "open",
        closed.number: "closed",
    }
    only_open = client.get_service_requests(status="open")
    only_open = [only_open] if isinstance(only_open, dict) else only_open  # xmltodict: one item
    assert [r["service_request_id"] for r in only_open] == [handling.number]
    # when it reads one request by id, then it gets the public answer
    one = client.get_service_request(closed.number)
    assert one["service_request_id"] == closed.number
    assert one["status_notes"] == "已联系相关单位处理完毕。"
    assert one["agency_responsible"] == "城管局"
