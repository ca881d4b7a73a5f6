"""ecity's domain events become topics: a registry change reaches a subscriber, without values."""

from __future__ import annotations

import pytest

from ecity.core.events import event_publish, events_deliver
from ecity.exchange.models import Publication, Subscription, Topic
from ecity.exchange.services.bridge import platform_subsystem
from ecity.exchange.services.delivery import messages_pull
from ecity.exchange.services.subscriptions import subscription_approve, subscription_request
from ecity.exchange.tests.factories import SubsystemFactory
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory, id_number_for
from ecity.registry import attributes as attrs
from ecity.registry.services.records import person_write
from ecity.registry.tests.factories import DataElementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def police():
    department = DepartmentFactory(code="GA", name_zh="市公安局")
    for identifier in (attrs.DE_ID_NUMBER, attrs.DE_PERSON_NAME, attrs.DE_ADDRESS):
        DataElementFactory(identifier=identifier, authority=department)
    return department


def test_a_person_change_is_published_on_registry_person_changed_without_personal_values(
    police, settings
):
    settings.ECITY_EVENTS_DELIVER_ON_COMMIT = False
    officer = StaffRoleFactory(department=police, role="department_admin").user
    person_write(
        actor=officer,
        department=police,
        source="counter",
        id_number=id_number_for(7),
        values={"name": "王小明", "address": "示范市东城区和平路1号"},
    )
    events_deliver()  # creates the topic on first use
    topic = Topic.objects.get(name="registry.person.changed")
    subscriber = SubsystemFactory()
    subscription = subscription_request(
        actor=subscriber, subscriber=subscriber, topic=topic, mode="pull"
    )
    platform_admin = StaffRoleFactory(role="platform_admin", department=None).user
    subscription_approve(actor=platform_admin, subscription=subscription)

    result = person_write(
        actor=officer,
        department=police,
        source="counter",
        id_number=id_number_for(7),
        values={"address": "示范市西城区长安街9号"},
    )
    events_deliver()
    events_deliver()  # a second run publishes nothing twice
    [delivery] = messages_pull(subscription=Subscription.objects.get())

    person = result.record
    assert topic.owner == platform_subsystem()
    assert topic.owner.identifier == "CN-DEMO/GOV/PLATFORM/ecity"
    assert delivery.publication.payload["person"] == str(person.public_id)
    assert delivery.publication.payload["attributes"] == ["address"]
    assert delivery.publication.payload["version"] == 2
    text = str(delivery.publication.payload) + str(delivery.publication.envelope)
    assert "长安街" not in text and id_number_for(7) not in text and "王小明" not in text
    assert Publication.objects.filter(topic=topic).count() == 2


def test_a_decided_case_is_published_without_the_applicants_data(db, settings):
    settings.ECITY_EVENTS_DELIVER_ON_COMMIT = False
    from django.db import transaction

    with transaction.atomic():
        event_publish(
            name="case.decided",
            subject="cases.case:6b0c",
            key="6b0c7d5e-0000-4000-8000-000000000001",
            data={
                "case": {
                    "public_id": "6b0c7d5e-0000-4000-8000-000000000001",
                    "number": "SCJ-2026-000123",
                    "outcome": "approved",
                    "decided_at": "2026-12-06T10:00:00+08:00",
                    "decided_on": "2026-12-06",
                },
                "applicant": {
                    "kind": "person",
                    "name": "李四",
                    "identifier": id_number_for(9),
                    "legal_entity_uscc": "",
                },
                "service": {"item_code": "SCJ-XK-001", "version": "x", "name_zh": "食品经营许可"},
                "department": {"code": "SCJ", "name_zh": "市场监管局"},
                "form_data": {"phone": "13900000000"},
            },
        )

    events_deliver()

    publication = Publication.objects.get(topic__name="cases.case.decided")
    assert publication.payload == {
        "case": "6b0c7d5e-0000-4000-8000-000000000001",
        "number": "SCJ-2026-000123",
        "outcome": "approved",
        "decided_at": "2026-12-06T10:00:00+08:00",
        "service_item": "SCJ-XK-001",
        "department": "SCJ",
    }
    assert publication.key == "6b0c7d5e-0000-4000-8000-000000000001"


def test_a_legal_entity_change_is_published_with_its_record_id_and_attribute_names(db, settings):
    settings.ECITY_EVENTS_DELIVER_ON_COMMIT = False
    from django.db import transaction

    record_id = "1f0e2d3c-0000-4000-8000-0000000000aa"
    with transaction.atomic():
        event_publish(
            name="registry.legal_entity_changed",
            subject=record_id,
            key=f"{record_id}:3",
            data={"version": 3, "attributes": ["legal_representative", "address"]},
        )

    events_deliver()

    publication = Publication.objects.get(topic__name="registry.legal_entity.changed")
    assert publication.payload["legal_entity"] == record_id
    assert publication.payload["attributes"] == ["address", "legal_representative"]
    assert (publication.payload["version"], publication.key) == (3, record_id)
