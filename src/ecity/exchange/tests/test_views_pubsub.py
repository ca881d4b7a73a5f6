"""The staff page: the topic owner approves a subscription and requeues a dead letter."""

from __future__ import annotations

import pytest

from ecity.exchange.models import Delivery, Subscription
from ecity.exchange.services.publish import message_publish
from ecity.exchange.services.subscriptions import subscription_approve, subscription_request
from ecity.exchange.tests.conftest import payload
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def requested(parties):
    return subscription_request(
        actor=parties["subscriber"],
        subscriber=parties["subscriber"],
        topic=parties["topic"],
        mode="pull",
        purpose="同步户籍变更",
    )


def test_the_owner_sees_the_request_and_approves_it_on_the_page(client, parties, requested):
    client.force_login(parties["police_admin"])

    home = client.get("/en/exchange/subscriptions/")
    answered = client.post(
        f"/en/exchange/subscriptions/{requested.public_id}/", {"decision": "approve"}
    )

    assert home.status_code == 200
    assert "gaj.person.changed" in home.content.decode()
    assert answered.status_code == 302
    requested.refresh_from_db()
    assert requested.status == Subscription.Status.APPROVED


def test_a_refusal_without_reason_is_shown_as_a_field_error(client, parties, requested):
    client.force_login(parties["police_admin"])

    response = client.post(
        f"/en/exchange/subscriptions/{requested.public_id}/", {"decision": "refuse"}
    )

    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    requested.refresh_from_db()
    assert requested.status == Subscription.Status.REQUESTED


def test_another_departments_admin_gets_404(client, parties, requested):
    other = StaffRoleFactory(department=DepartmentFactory(), role="department_admin").user
    client.force_login(other)

    response = client.get(f"/en/exchange/subscriptions/{requested.public_id}/")

    assert response.status_code == 404


def test_the_subscriber_requeues_a_dead_letter_on_the_page(client, parties, requested):
    subscription_approve(actor=parties["police_admin"], subscription=requested)
    envelope = message_publish(
        publisher=parties["publisher"],
        topic=parties["topic"],
        event_type="person.changed",
        payload=payload(),
    )
    Delivery.objects.update(status="dead", attempts=10, last_error="HTTP 503")
    client.force_login(parties["labour_admin"])

    page = client.get(f"/en/exchange/subscriptions/{requested.public_id}/")
    response = client.post(
        f"/en/exchange/subscriptions/{requested.public_id}/",
        {"message_ids": [envelope.message_id]},
    )

    assert page.status_code == 200 and envelope.message_id in page.content.decode()
    assert response.status_code == 302
    assert Delivery.objects.get().status == "pending"
