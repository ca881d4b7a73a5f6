"""Ticket API: channel systems of the hotline centre post tickets; CTI reads caller history."""

from __future__ import annotations

import base64
from typing import Any, cast

import pytest
from django.test import Client

from ecity.audit.models import AuditEntry
from ecity.hotline.models import Channel, Ticket
from ecity.hotline.tests.factories import TicketFactory
from ecity.identity.tests.factories import UserFactory
from ecity.sso.services.clients import system_client_register

pytestmark = pytest.mark.django_db


def _ticket(**values: Any) -> Ticket:
    return cast(Ticket, TicketFactory(**values))


def _token(admin, department) -> str:
    application, secret = system_client_register(
        actor=admin, name="渠道系统", department=department
    )
    basic = base64.b64encode(f"{application.client_id}:{secret}".encode()).decode()
    response = Client().post(
        "/o/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


@pytest.fixture
def admin(db):
    return UserFactory(is_superuser=True)


def test_a_hotline_centre_system_posts_a_ticket(hotline, admin):
    token = _token(admin, hotline["centre"])
    response = Client().post(
        "/api/v1/hotline/tickets/",
        {
            "kind": "help",
            "description": "老人摔倒需要帮助",
            "category": "ROADS",
            "caller_phone": "13700000000",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(number=response.json()["number"])
    assert ticket.channel == Channel.API and ticket.query_code == response.json()["query_code"]


def test_api_field_errors_and_foreign_systems(hotline, admin):
    token = _token(admin, hotline["centre"])
    bad = Client().post(
        "/api/v1/hotline/tickets/",
        {"kind": "help", "description": "", "category": "NOPE"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert bad.status_code == 400
    assert {"description", "category"} <= set(bad.json()["fields"])
    # Given a system of another department, when it posts, then it is refused
    other = _token(admin, hotline["urban"])
    refused = Client().post(
        "/api/v1/hotline/tickets/",
        {"kind": "help", "description": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {other}",
    )
    assert refused.status_code == 403
    assert Ticket.objects.count() == 0


def test_cti_and_agents_read_caller_history_audited_others_refused(hotline, admin):
    earlier = _ticket(caller_phone="13800138000")
    token = _token(admin, hotline["centre"])
    cti = Client().get(
        "/api/v1/hotline/callers/13800138000/tickets/", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert cti.status_code == 200 and [t["number"] for t in cti.json()] == [earlier.number]
    agent = Client()
    agent.force_login(hotline["agent"])
    assert agent.get("/api/v1/hotline/callers/13800138000/tickets/").status_code == 200
    assert AuditEntry.objects.filter(action="ticket_caller_history.read").count() == 2
    handler = Client()
    handler.force_login(hotline["handler"])
    assert handler.get("/api/v1/hotline/callers/13800138000/tickets/").status_code == 403
