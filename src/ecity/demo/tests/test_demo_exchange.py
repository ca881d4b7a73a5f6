"""The demo city's data exchange: members, pull subscriptions, services, rights, a connector run,
and gateway traffic from real calls."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ecity.demo.data import exchange as data
from ecity.demo.services.city import demo_city_load
from ecity.exchange.message_log import log_verify
from ecity.exchange.models import (
    AccessRight,
    CallRecord,
    ConnectorRun,
    MessageLogRecord,
    Publication,
    Service,
    Subscription,
    Subsystem,
)
from ecity.exchange.selectors.catalogue import department_traffic
from ecity.exchange.services.delivery import messages_pull
from ecity.org.models import Department
from ecity.registry.models import LegalEntityRecord, SharingGrant

pytestmark = pytest.mark.django_db


def _subsystem(path: str) -> Subsystem:
    department, code = path.split("/")
    return Subsystem.objects.get(member__department__code=department, code=code)


def test_the_demo_city_exchanges_data_through_subscriptions_services_and_a_connector(
    demo_city,
):
    labour = _subsystem("RSJ/sbyw")
    assert labour.name == "社保业务系统"
    assert labour.application is not None
    assert labour.application.name == "社保业务系统"
    local = Subsystem.objects.filter(member__department__isnull=False)
    assert sorted(local.values_list("member__department__code", "code")) == [
        ("GAJ", "hjxt"),
        ("GAJ", "rkxx"),
        ("RSJ", "sbyw"),
        ("SCJ", "djzc"),
        ("TJJ", "tjfx"),
    ]
    subscriptions = Subscription.objects.select_related("topic", "subscriber__member")
    assert sorted(
        (s.subscriber.member.department.code, s.topic.name, s.mode, s.status) for s in subscriptions
    ) == [
        ("RSJ", "registry.person.changed", "pull", "approved"),
        ("SCJ", "registry.person.changed", "pull", "approved"),
        ("TJJ", "cases.case.decided", "pull", "approved"),
        ("TJJ", "registry.legal_entity.changed", "pull", "approved"),
    ]

    # The labour system may call population verification under its sharing grant.
    population = Service.objects.get(code=data.POPULATION_SERVICE_CODE)
    legacy = Service.objects.get(code=data.HOUSEHOLD_SERVICE_CODE)
    assert (population.kind, population.title_zh) == ("rest", "人口信息核验")
    assert [(e.method, e.path) for e in population.endpoints.all()] == [("GET", "/read")]
    assert (legacy.kind, legacy.wsdl) == ("soap", data.HOUSEHOLD_WSDL_URL)
    assert "遗留" in legacy.title_zh

    right = AccessRight.objects.get(service=population)
    grant = SharingGrant.objects.get()
    assert right.client == _subsystem("RSJ/sbyw")
    assert right.sharing_grant == grant
    assert not AccessRight.objects.filter(service=legacy).exists()

    # The new-enterprises connector ran once and the statistics system consumed the change.
    run = ConnectorRun.objects.get(connector__name=data.CONNECTOR_NAME)
    assert (run.status, run.rows_read) == ("succeeded", 3)
    assert LegalEntityRecord.objects.filter(uscc="91990171MA7C3K4B6P").exists()

    changed = Publication.objects.filter(topic__name="registry.legal_entity.changed")
    # One change event per committed batch of the run.
    assert changed.exists()
    statistics = Subscription.objects.get(
        subscriber=_subsystem("TJJ/tjfx"), topic__name="registry.legal_entity.changed"
    )
    assert statistics.deliveries.filter(status="acked").count() == changed.count()
    kinds = set(MessageLogRecord.objects.values_list("kind", flat=True))
    assert {"published", "delivered", "acknowledged"} <= kinds


def test_the_police_see_the_labour_systems_gateway_calls_on_their_traffic_page(demo_city):
    # Given the demo city, loaded once (its loader made the labour system's gateway calls)
    police = Department.objects.get(code="GAJ")
    labour = _subsystem("RSJ/sbyw")

    # When the police's department administrator looks at the traffic of the last day
    traffic = {
        row.service.code: row
        for row in department_traffic(
            department=police, since=timezone.now() - dt.timedelta(days=1)
        )
    }

    # Then the person verifications were all answered, by the registry behind the service
    population = traffic[data.POPULATION_SERVICE_CODE]
    assert (population.calls, population.errors) == (len(data.POPULATION_CALLS), 0)
    assert population.clients == [labour.identifier]
    verified = CallRecord.objects.filter(service=population.service)
    assert set(verified.values_list("status_code", flat=True)) == {200}
    # ... the legacy service it has no right to refused it once
    legacy = traffic[data.HOUSEHOLD_SERVICE_CODE]
    assert (legacy.calls, legacy.errors) == (1, 1)
    refused = CallRecord.objects.get(service=legacy.service)
    assert (refused.status_code, refused.fault_code) == (403, "exchange_access_denied")
    # ... and the misspelt service code is on record for the caller, answered 404
    unknown = CallRecord.objects.get(service__isnull=True)
    assert unknown.service_identifier.endswith(f"/{data.UNKNOWN_SERVICE_CODE}")
    assert (unknown.client, unknown.status_code) == (labour.identifier, 404)
    assert unknown.fault_code == "exchange_unknown_service"
    # Every call left its request and response in the labour system's log chain, intact
    answered = MessageLogRecord.objects.filter(partition=labour.identifier, kind="response")
    assert answered.count() == len(data.POPULATION_CALLS)
    assert log_verify(partitions=[labour.identifier]) == []


def test_the_labour_system_pulls_the_person_changes_and_a_reload_changes_nothing(demo_city):
    counts = _counts()
    again = demo_city_load()
    assert (again.exchange_subsystems, again.exchange_messages) == (0, 0)
    assert _counts() == counts

    labour = Subscription.objects.get(
        subscriber=_subsystem("RSJ/sbyw"), topic__name="registry.person.changed"
    )

    handed = messages_pull(subscription=labour, limit=100)

    published = Publication.objects.filter(topic__name="registry.person.changed")
    assert published.exists()
    assert sorted(d.publication.message_id for d in handed) == sorted(
        published.values_list("message_id", flat=True)
    )
    assert all(set(d.publication.payload) >= {"person", "version"} for d in handed)


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Subsystem,
            Subscription,
            Service,
            AccessRight,
            ConnectorRun,
            Publication,
            MessageLogRecord,
            CallRecord,
        )
    }
