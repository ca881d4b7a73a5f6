"""Staff find services in the catalogue; a department sees its traffic; operators test providers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from lxml import html

from ecity.exchange.models import CallRecord, Member, Service, Subsystem
from ecity.exchange.services.registry import service_register
from ecity.exchange.tests.conftest import PERSONS_OPENAPI
from ecity.identity.tests.factories import UserFactory


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def catalogue(exchange, provider):
    """The police's persons service (linked to its population resource) and a Xiaogan service."""
    from ecity.registry.tests.factories import ResourceFactory

    population = ResourceFactory(
        code="GAJ-RK-0001", name="人口基础信息", provider=exchange["police"]
    )
    persons = service_register(
        actor=exchange["police_admin"],
        provider=exchange["population"],
        code="persons",
        kind=Service.Kind.REST,
        base_url=provider.url,
        health_path="/health",
        title_zh="人口信息查询",
        title_en="Person lookup",
        owner_contact="公安局数据科",
        openapi=PERSONS_OPENAPI,
        resources=[population],
        sla_max_latency_ms=100,
    )
    xiaogan = Member.objects.create(
        instance="CN-XG", member_class="GOV", code="SCJ", name="孝感市市场监管局"
    )
    remote = Subsystem.objects.create(
        member=xiaogan, code="enterprises", name="企业系统", identifier="CN-XG/GOV/SCJ/enterprises"
    )
    service_register(
        actor=exchange["platform_admin"],
        provider=remote,
        code="licences",
        kind=Service.Kind.REST,
        base_url="https://xg.example.cn/licences",
        title_zh="营业执照核验",
        owner_contact="孝感市场监管局",
        openapi='{"openapi": "3.0.0", "paths": {"/licences/{uscc}": {"get": {}}}}',
    )
    return persons


def test_staff_search_the_catalogue_by_name_department_and_resource(exchange, catalogue):
    staff = _client(exchange["labour_admin"])

    everything = staff.get("/en/exchange/services/")
    by_name = staff.get("/en/exchange/services/", {"q": "营业执照"})
    by_department = staff.get("/en/exchange/services/", {"department": "公安"})
    by_resource = staff.get("/en/exchange/services/", {"resource": "GAJ-RK-0001"})

    assert everything.status_code == 200
    assert "人口信息查询" in everything.text and "营业执照核验" in everything.text
    assert "federated" in everything.text  # the Xiaogan service is marked as another city's
    assert "营业执照核验" in by_name.text and "人口信息查询" not in by_name.text
    assert "人口信息查询" in by_department.text and "营业执照核验" not in by_department.text
    assert "人口信息查询" in by_resource.text and "营业执照核验" not in by_resource.text


def test_the_catalogue_is_for_staff_only(exchange, catalogue):
    response = _client(UserFactory()).get("/en/exchange/services/")

    assert response.status_code == 403


def test_a_department_sees_its_services_traffic_errors_latency_and_sla_breaches(
    exchange, catalogue
):
    now = timezone.now()
    for duration, status, fault in [
        (20, 200, ""),
        (40, 200, ""),
        (250, 200, ""),
        (5, 502, "exchange_provider_unreachable"),
    ]:
        CallRecord.objects.create(
            client="CN-WH/GOV/RSJ/social",
            service=catalogue,
            service_identifier=catalogue.identifier,
            message_id=f"m-{duration}",
            client_request_at=now - dt.timedelta(minutes=5),
            client_response_at=now - dt.timedelta(minutes=5) + dt.timedelta(milliseconds=duration),
            status_code=status,
            fault_code=fault,
            duration_ms=duration,
        )

    page = _client(exchange["police_admin"]).get("/en/exchange/traffic/GAJ/")
    other = _client(exchange["labour_admin"]).get("/en/exchange/traffic/GAJ/")

    assert page.status_code == 200
    cells = page.text.split("<code>CN-WH/GOV/GAJ/population/persons</code></th>")[1]
    numbers = [c.split("<")[0].strip() for c in cells.split("<td>")[1:6]]
    assert numbers == ["4", "1", "20", "250", "1"]  # calls, errors, p50, p95, SLA breaches
    assert "CN-WH/GOV/RSJ/social" in page.text
    assert other.status_code == 403


@pytest.mark.parametrize(
    ("path", "tables"),
    [("/exchange/services/", 1), ("/exchange/traffic/GAJ/", 1), ("/exchange/systems/", 2)],
)
def test_every_exchange_table_scrolls_in_a_named_region_keyboard_users_can_focus(
    exchange, catalogue, path, tables
):
    # Given the police's department administrator on a phone-sized window
    staff = _client(exchange["police_admin"])

    # When they open an exchange page with tables
    page = staff.get(path)

    # Then each table sits in its own scrollable region: focusable, named by its heading
    assert page.status_code == 200
    document = html.fromstring(page.content)
    found = document.xpath("//main//table")
    assert len(found) == tables
    for table in found:
        region = table.getparent()
        assert region.get("class") == "table-scroll"
        assert (region.get("role"), region.get("tabindex")) == ("region", "0")
        (name,) = document.xpath("//*[@id=$id]", id=region.get("aria-labelledby"))
        assert name.text_content().strip()


def test_the_connection_test_reports_a_reachable_provider_and_fails_for_a_closed_port(
    exchange, catalogue, closed_port_url, capsys
):
    call_command("exchange_service_test", catalogue.identifier)
    assert f"OK   {catalogue.identifier}" in capsys.readouterr().out

    Service.objects.filter(pk=catalogue.pk).update(base_url=closed_port_url)
    with pytest.raises(CommandError, match="1 service"):
        call_command("exchange_service_test", catalogue.identifier)
    assert f"FAIL {catalogue.identifier}" in capsys.readouterr().out
