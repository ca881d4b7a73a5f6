"""Departments register services; clients are denied until the provider grants a right."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from ecity.audit.models import AuditEntry
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.exchange.models import AccessRight, Endpoint, Service
from ecity.exchange.selectors.access import call_access_resolve, right_allows
from ecity.exchange.services.access import access_right_grant, access_right_revoke
from ecity.exchange.services.registry import EndpointInput, service_register
from ecity.exchange.tests.conftest import PERSONS_OPENAPI


def register_persons(exchange, base_url="http://127.0.0.1:9", **values):
    return service_register(
        actor=exchange["police_admin"],
        provider=exchange["population"],
        code="persons",
        kind=Service.Kind.REST,
        base_url=base_url,
        title_zh="人口信息查询",
        owner_contact="公安局数据科 027-12345678",
        openapi=PERSONS_OPENAPI,
        **values,
    )


def test_registering_a_rest_service_derives_its_endpoints_from_the_openapi_document(exchange):
    service = register_persons(exchange)

    assert service.identifier == "CN-WH/GOV/GAJ/population/persons"
    endpoints = sorted((e.method, e.path, e.summary) for e in service.endpoints.all())
    assert endpoints == [
        ("GET", "/health", "health"),
        ("GET", "/persons", "查询"),
        ("GET", "/persons/{id}", "读取人口信息"),
        ("POST", "/persons", "登记"),
    ]
    assert AuditEntry.objects.filter(action="exchange.service_registered").count() == 1


def test_registering_again_replaces_the_endpoints(exchange):
    register_persons(exchange)
    smaller = '{"openapi": "3.1.0", "paths": {"/persons/{id}": {"get": {}}}}'

    service = service_register(
        actor=exchange["police_admin"],
        provider=exchange["population"],
        code="persons",
        kind=Service.Kind.REST,
        base_url="http://127.0.0.1:9",
        title_zh="人口信息查询",
        owner_contact="数据科",
        openapi=smaller,
    )

    assert [str(e) for e in service.endpoints.all()] == ["GET /persons/{id}"]
    assert Service.objects.count() == 1


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("not: [valid", "neither valid JSON nor valid YAML"),
        ('{"swagger": "2.0", "paths": {"/a": {}}}', "openapi: 3.x"),
        ("openapi: 3.0.0\ninfo: {title: x}\n", "non-empty “paths”"),
        ('{"openapi": "3.0.0", "paths": {"persons": {"get": {}}}}', "must start with “/”"),
    ],
)
def test_a_bad_openapi_document_is_refused_with_a_field_message_and_nothing_is_written(
    exchange, document, message
):
    with pytest.raises(ValidationFailed) as refused, translation.override("en"):
        service_register(
            actor=exchange["police_admin"],
            provider=exchange["population"],
            code="persons",
            kind=Service.Kind.REST,
            base_url="http://127.0.0.1:9",
            title_zh="人口信息查询",
            owner_contact="数据科",
            openapi=document,
        )

    assert refused.value.code == "exchange_bad_service_description"
    assert any(message in m for m in refused.value.fields["openapi"])
    assert not Service.objects.exists()
    assert not Endpoint.objects.exists()


def test_a_soap_service_needs_its_wsdl_and_an_operation_per_endpoint(exchange):
    with pytest.raises(ValidationFailed) as refused:
        service_register(
            actor=exchange["police_admin"],
            provider=exchange["population"],
            code="legacy",
            kind=Service.Kind.SOAP,
            base_url="http://127.0.0.1:9",
            title_zh="旧户籍服务",
            owner_contact="数据科",
            endpoints=[EndpointInput("POST", "/lookup")],
        )
    assert set(refused.value.fields) == {"wsdl"}

    with pytest.raises(ValidationFailed) as refused:
        service_register(
            actor=exchange["police_admin"],
            provider=exchange["population"],
            code="legacy",
            kind=Service.Kind.SOAP,
            base_url="http://127.0.0.1:9",
            title_zh="旧户籍服务",
            owner_contact="数据科",
            wsdl="http://127.0.0.1:9/?wsdl",
            endpoints=[EndpointInput("POST", "/lookup")],
        )
    assert set(refused.value.fields) == {"endpoints.0.soap_operation"}

    service = service_register(
        actor=exchange["police_admin"],
        provider=exchange["population"],
        code="legacy",
        kind=Service.Kind.SOAP,
        base_url="http://127.0.0.1:9",
        title_zh="旧户籍服务",
        owner_contact="数据科",
        wsdl="http://127.0.0.1:9/?wsdl",
        endpoints=[
            EndpointInput(
                "POST",
                "/lookup",
                soap_operation="LookupPerson",
                soap_mapping={"request": {"id_number": "IdNumber"}},
            )
        ],
    )
    endpoint = service.endpoints.get()
    assert (endpoint.soap_operation, endpoint.soap_mapping["request"]) == (
        "LookupPerson",
        {"id_number": "IdNumber"},
    )


def test_only_the_provider_departments_administrator_registers_its_services(exchange):
    with pytest.raises(PermissionDenied):
        service_register(
            actor=exchange["labour_admin"],
            provider=exchange["population"],
            code="persons",
            kind=Service.Kind.REST,
            base_url="http://127.0.0.1:9",
            title_zh="人口信息查询",
            owner_contact="数据科",
            openapi=PERSONS_OPENAPI,
        )
    assert not Service.objects.exists()


def test_a_client_without_a_right_is_denied_by_default(exchange):
    register_persons(exchange)

    access = call_access_resolve(
        client=exchange["social"], service_identifier="CN-WH/GOV/GAJ/population/persons"
    )

    assert access.service is not None
    assert access.rights == []


def test_an_endpoint_right_allows_that_endpoint_only(exchange):
    service = register_persons(exchange)
    read = service.endpoints.get(method="GET", path="/persons/{id}")
    access_right_grant(
        actor=exchange["police_admin"], client=exchange["social"], service=service, endpoint=read
    )

    right = call_access_resolve(
        client=exchange["social"], service_identifier=service.identifier
    ).rights[0]

    assert right_allows(right, method="GET", path="/persons/420102199001011234")
    assert not right_allows(right, method="POST", path="/persons")
    assert not right_allows(right, method="GET", path="/persons")
    assert not right_allows(right, method="GET", path="/persons/1/photo")


def test_a_right_holds_only_within_its_validity_and_until_revoked(exchange):
    service = register_persons(exchange)
    start = timezone.now()
    right = access_right_grant(
        actor=exchange["police_admin"],
        client=exchange["social"],
        service=service,
        valid_from=start,
        valid_until=start + dt.timedelta(days=30),
    )

    assert not right_allows(right, method="GET", path="/persons/1", now=start - dt.timedelta(1))
    assert right_allows(right, method="GET", path="/persons/1", now=start + dt.timedelta(1))
    assert not right_allows(right, method="GET", path="/persons/1", now=start + dt.timedelta(30))

    access_right_revoke(actor=exchange["police_admin"], right=right)

    assert (
        call_access_resolve(client=exchange["social"], service_identifier=service.identifier).rights
        == []
    )
    assert [
        e.action
        for e in AuditEntry.objects.filter(action__startswith="exchange.access").order_by(
            "sequence"
        )
    ] == [
        "exchange.access_right_granted",
        "exchange.access_right_revoked",
    ]


def test_the_client_department_cannot_grant_itself_a_right(exchange):
    service = register_persons(exchange)

    with pytest.raises(PermissionDenied):
        access_right_grant(
            actor=exchange["labour_admin"], client=exchange["social"], service=service
        )

    assert not AccessRight.objects.exists()


def test_a_right_ending_before_it_starts_is_refused(exchange):
    service = register_persons(exchange)
    start = timezone.now()

    with pytest.raises(ValidationFailed) as refused:
        access_right_grant(
            actor=exchange["police_admin"],
            client=exchange["social"],
            service=service,
            valid_from=start,
            valid_until=start - dt.timedelta(hours=1),
        )

    assert set(refused.value.fields) == {"valid_until"}
