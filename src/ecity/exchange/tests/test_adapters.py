"""Legacy adapters: a real spyne SOAP service and a local REST server, called as plain JSON."""

from __future__ import annotations

import socket

import pytest
from django.utils import translation

from ecity.core.errors import ValidationFailed
from ecity.exchange.adapters.mapping import mapping_apply, mapping_validate
from ecity.exchange.adapters.rest import rest_call
from ecity.exchange.adapters.soap import soap_call, soap_call_mapped
from ecity.exchange.errors import ProviderFault, ProviderTimeout, ProviderUnreachable
from ecity.exchange.tests.legacy_servers import household_soap_server, json_server

KNOWN_ID = "110101199003070015"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def wsdl():
    with household_soap_server() as url:
        yield url


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_household_lookup_answers_plain_json_with_iso_dates_and_decimal_text(wsdl):
    answer = soap_call(
        wsdl=wsdl, operation="QueryHousehold", arguments={"idNumber": KNOWN_ID}, timeout=5
    )

    assert answer == {
        "name": "王小明",
        "address": "示范市长安路1号",
        "registeredOn": "2001-03-07",
        "fee": "12.50",
        "members": {
            "Member": [{"name": "王小明", "relation": "户主"}, {"name": "李梅", "relation": "配偶"}]
        },
    }


def test_a_mapping_renames_nests_and_picks_the_soap_answer(wsdl):
    # given a mapping that hides the legacy names and drops the fee
    request = mapping_validate({"fields": {"idNumber": "id_number"}})
    response = mapping_validate(
        {
            "fields": {
                "holder.name": "name",
                "holder.address": "address",
                "registered_on": "registeredOn",
                "members": {"from": "members.Member", "each": {"fields": {"role": "relation"}}},
            }
        }
    )

    answer = soap_call_mapped(
        wsdl=wsdl,
        operation="QueryHousehold",
        arguments={"id_number": KNOWN_ID},
        timeout=5,
        request_mapping=request,
        response_mapping=response,
    )

    assert answer == {
        "holder": {"name": "王小明", "address": "示范市长安路1号"},
        "registered_on": "2001-03-07",
        "members": [{"role": "户主"}, {"role": "配偶"}],
    }


def test_an_unknown_id_number_is_a_provider_fault_with_the_fault_string(wsdl):
    with pytest.raises(ProviderFault) as caught:
        soap_call(wsdl=wsdl, operation="QueryHousehold", arguments={"idNumber": "000"}, timeout=5)

    assert caught.value.code == "exchange_provider_fault"
    assert caught.value.fields["fault"] == ["无此户籍记录: 000"]
    assert "无此户籍记录: 000" in caught.value.message


def test_a_slow_provider_is_a_timeout(wsdl):
    with pytest.raises(ProviderTimeout) as caught:
        soap_call(wsdl=wsdl, operation="SlowQuery", arguments={"seconds": 2.0}, timeout=0.3)

    assert caught.value.code == "exchange_provider_timeout"


def test_a_provider_that_is_down_is_unreachable():
    url = f"http://127.0.0.1:{_closed_port()}/?wsdl"

    with pytest.raises(ProviderUnreachable) as caught:
        soap_call(wsdl=url, operation="QueryHousehold", arguments={"idNumber": "1"}, timeout=2)

    assert caught.value.code == "exchange_provider_unreachable"


def test_an_operation_the_wsdl_does_not_declare_is_a_field_error(wsdl):
    with pytest.raises(ValidationFailed) as caught:
        soap_call(wsdl=wsdl, operation="DeleteHousehold", arguments={}, timeout=5)

    assert caught.value.fields == {"operation": ["The service has no operation DeleteHousehold."]}


def test_a_rest_provider_gets_mapped_arguments_and_answers_mapped_json():
    routes = {"/persons": (200, {"data": {"xm": "王小明", "zz": "长安路1号"}, "code": 0})}
    with json_server(routes) as base:
        answer = rest_call(
            url=f"{base}/persons",
            method="POST",
            arguments={"id_number": KNOWN_ID},
            timeout=5,
            request_mapping=mapping_validate({"fields": {"sfzh": "id_number"}}),
            response_mapping=mapping_validate(
                {"fields": {"name": "data.xm", "address": "data.zz"}}
            ),
        )
        received = json_server.received

    assert answer == {"name": "王小明", "address": "长安路1号"}
    assert received[0][:2] == ("POST", "/persons")
    assert received[0][2] == b'{"sfzh":"110101199003070015"}'


def test_a_rest_error_status_is_a_fault_with_the_providers_message():
    with (
        json_server({"/persons": (404, {"message": "查无此人"})}) as base,
        pytest.raises(ProviderFault) as caught,
    ):
        rest_call(url=f"{base}/persons", method="GET", arguments={"id": "1"}, timeout=5)

    assert caught.value.fields == {"fault": ["查无此人"], "status": ["404"]}


def test_a_rest_provider_down_or_slow_is_unreachable_or_timeout():
    with pytest.raises(ProviderUnreachable):
        rest_call(url=f"http://127.0.0.1:{_closed_port()}/x", method="GET", arguments={}, timeout=2)
    with json_server({"/x": (200, {})}, delay=1.0) as base, pytest.raises(ProviderTimeout):
        rest_call(url=f"{base}/x", method="GET", arguments={}, timeout=0.2)


def test_a_bad_mapping_names_each_problem_by_its_place():
    with pytest.raises(ValidationFailed) as caught:
        mapping_validate(
            {
                "fields": {
                    "person": "name",
                    "person.name": "name",
                    "bad path": "x",
                    "members": {"from": "m", "each": {"fields": {"n": 3}}},
                },
                "keep_unmapped": "yes",
                "extra": 1,
            }
        )

    assert set(caught.value.fields) == {
        "fields.person.name",
        "fields.bad path",
        "fields.members.each.fields.n",
        "keep_unmapped",
        "extra",
    }
    assert caught.value.fields["fields.person.name"] == ["This target overlaps the target person."]


def test_keep_unmapped_copies_the_other_fields_and_missing_sources_stay_absent():
    mapping = mapping_validate(
        {"fields": {"full_name": "name", "x.y": "absent"}, "keep_unmapped": True}
    )

    assert mapping_apply(mapping, {"name": "王", "age": 3}) == {"full_name": "王", "age": 3}
