"""The demo city's data exchange: members, pull subscriptions, services, rights, a connector run."""

from __future__ import annotations

import pytest

from ecity.demo.data import exchange as data
from ecity.demo.services.city import demo_city_load
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
from ecity.exchange.services.delivery import messages_pull
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
