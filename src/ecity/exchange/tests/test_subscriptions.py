"""Subscriptions: asked by the subscriber, decided by the topic owner's department, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ecity.audit.models import AuditEntry
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.exchange.models import Delivery, Subscription
from ecity.exchange.services.publish import message_publish
from ecity.exchange.services.subscriptions import (
    subscription_approve,
    subscription_refuse,
    subscription_request,
    subscription_suspend,
)
from ecity.exchange.tests.conftest import payload
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory

pytestmark = pytest.mark.django_db


def _request(parties, **kwargs):
    values = {"mode": "pull", **kwargs}
    return subscription_request(
        actor=parties["labour_admin"],
        subscriber=parties["subscriber"],
        topic=parties["topic"],
        **values,
    )


def test_the_owners_department_approves_and_the_act_is_audited(parties):
    subscription = _request(parties, purpose="同步户籍变更")

    subscription_approve(actor=parties["police_admin"], subscription=subscription)

    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.APPROVED
    actions = list(
        AuditEntry.objects.filter(action__startswith="exchange.subscription")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["exchange.subscription_requested", "exchange.subscription_approved"]


def test_another_department_cannot_approve_not_even_the_subscriber(parties):
    subscription = _request(parties)
    other_admin = StaffRoleFactory(department=DepartmentFactory(), role="department_admin").user

    for actor in (other_admin, parties["labour_admin"]):
        with pytest.raises(PermissionDenied):
            subscription_approve(actor=actor, subscription=subscription)

    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.REQUESTED


def test_another_department_cannot_subscribe_for_the_labour_system(parties):
    other_admin = StaffRoleFactory(department=DepartmentFactory(), role="department_admin").user

    with pytest.raises(PermissionDenied):
        subscription_request(
            actor=other_admin,
            subscriber=parties["subscriber"],
            topic=parties["topic"],
            mode="pull",
        )


def test_a_push_subscription_needs_https_and_known_event_types(parties, settings):
    settings.ECITY_EXCHANGE_ALLOW_HTTP_LOOPBACK = False

    with pytest.raises(ValidationFailed) as refused:
        _request(
            parties,
            mode="push",
            push_url="http://127.0.0.1:8080/hook",
            event_types=["person.died"],
            starts_at=timezone.now() + dt.timedelta(days=1),
        )

    assert set(refused.value.fields) == {"push_url", "event_types", "starts_at"}
    assert not Subscription.objects.exists()


def test_a_refused_subscription_gets_nothing_and_may_be_asked_again(parties):
    subscription = _request(parties)
    subscription_refuse(
        actor=parties["police_admin"], subscription=subscription, reason="无法定职责依据"
    )

    message_publish(
        publisher=parties["publisher"],
        topic=parties["topic"],
        event_type="person.changed",
        payload=payload(),
    )
    again = _request(parties, purpose="补充了法定依据")

    assert not Delivery.objects.exists()
    assert again.pk == subscription.pk and again.status == Subscription.Status.REQUESTED
    with pytest.raises(Conflict):
        _request(parties)


def test_a_suspended_subscription_receives_nothing_until_approved_again(parties):
    subscription = _request(parties)
    subscription_approve(actor=parties["police_admin"], subscription=subscription)
    subscription_suspend(
        actor=parties["labour_admin"], subscription=subscription, reason="系统维护"
    )

    message_publish(
        publisher=parties["publisher"],
        topic=parties["topic"],
        event_type="person.changed",
        payload=payload(),
    )

    assert not Delivery.objects.exists()
