"""A department's IT staff register services, grant and revoke rights, subscribe, in the UI."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ecity.audit.models import AuditEntry
from ecity.exchange.models import AccessRight, Service, Subscription
from ecity.exchange.services import parties
from ecity.exchange.services.registry import service_register
from ecity.exchange.services.topics import topic_save
from ecity.exchange.tests.conftest import PERSONS_OPENAPI

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _register_form(provider, **changes) -> dict:
    form = {
        "provider": str(provider.public_id),
        "code": "persons",
        "version": "v1",
        "kind": "rest",
        "base_url": "https://rk.gaj.example.cn/api",
        "openapi": PERSONS_OPENAPI,
        "title_zh": "人口信息核验",
        "title_en": "Person verification",
        "owner_contact": "公安局数据科 027-12345678",
        "sla_max_latency_ms": "500",
        "sla_availability": "99.5",
        "legal_basis": "《居民身份证法》",
    }
    form.update(changes)
    return form


@pytest.fixture
def persons(exchange):
    return service_register(
        actor=exchange["police_admin"],
        provider=exchange["population"],
        code="persons",
        kind=Service.Kind.REST,
        base_url="https://rk.gaj.example.cn/api",
        title_zh="人口信息核验",
        owner_contact="公安局数据科",
        openapi=PERSONS_OPENAPI,
    )


def test_my_subsystems_lists_identifiers_and_key_fingerprints_of_own_department_only(exchange):
    # given a police system registered through the service (it gets a signing key)
    police_admin = exchange["police_admin"]
    member = exchange["population"].member
    archive = parties.subsystem_register(
        actor=exchange["platform_admin"], member=member, code="archive", name="档案系统"
    )
    from ecity.core import vault

    kid = vault.key_current_get(purpose=vault.Purpose.EXCHANGE, owner=archive.identifier).kid

    # when the police administrator opens "my subsystems"
    page = _client(police_admin).get("/exchange/systems/")

    # then both police systems show, with the fingerprint of the key, and no labour system
    assert page.status_code == 200
    assert "CN-WH/GOV/GAJ/archive" in page.text and kid in page.text
    assert "CN-WH/GOV/GAJ/population" in page.text
    assert "CN-WH/GOV/RSJ/social" not in page.text


def test_staff_without_a_department_role_cannot_open_the_systems_page(exchange):
    from ecity.identity.tests.factories import UserFactory

    page = _client(UserFactory()).get("/exchange/systems/")

    assert page.status_code == 403


def test_the_header_leads_department_admins_to_the_exchange_and_nobody_else(exchange):
    from ecity.identity.tests.factories import UserFactory

    admin_page = _client(exchange["police_admin"]).get("/registry/resources/")
    citizen_page = _client(UserFactory()).get("/registry/resources/")

    assert admin_page.status_code == 200
    nav = admin_page.text.split('<nav class="top-nav"')[1].split("</nav>")[0]
    assert 'href="/exchange/systems/"' in nav
    assert citizen_page.status_code == 200
    assert 'href="/exchange/systems/"' not in citizen_page.text


def test_department_admin_registers_a_service_with_an_uploaded_openapi_document(exchange):
    # given the police administrator and the OpenAPI document as a file
    form = _register_form(exchange["population"], openapi="")
    form["openapi_file"] = SimpleUploadedFile(
        "persons.json", PERSONS_OPENAPI.encode(), content_type="application/json"
    )

    # when they submit the registration form
    response = _client(exchange["police_admin"]).post("/exchange/services/register/", form)

    # then the service exists with the document's endpoints and the detail page shows them
    service = Service.objects.get(identifier="CN-WH/GOV/GAJ/population/persons")
    assert response.status_code == 302 and response["Location"].endswith(
        f"/exchange/services/{service.public_id}/"
    )
    assert service.version == "v1" and service.sla_max_latency_ms == 500
    assert sorted(str(e) for e in service.endpoints.all()) == [
        "GET /health",
        "GET /persons",
        "GET /persons/{id}",
        "POST /persons",
    ]
    detail = _client(exchange["police_admin"]).get(response["Location"])
    assert detail.status_code == 200 and "/persons/{id}" in detail.text


def test_a_bad_openapi_document_is_shown_beside_the_field_and_nothing_is_registered(exchange):
    form = _register_form(exchange["population"], openapi='{"openapi": "2.0", "paths": {}}')

    response = _client(exchange["police_admin"]).post("/exchange/services/register/", form)

    assert response.status_code == 400
    assert "error-summary" in response.text
    assert "openapi: 3.x" in response.text
    assert not Service.objects.exists()


def test_another_departments_system_is_not_offered_and_cannot_be_posted(exchange):
    # the labour administrator posts the police system's id
    form = _register_form(exchange["population"])

    response = _client(exchange["labour_admin"]).post("/exchange/services/register/", form)

    assert response.status_code == 400
    assert "人口系统" not in response.text
    assert not Service.objects.exists()


def test_provider_grants_one_endpoint_then_revokes_with_a_reason(exchange, persons):
    police = _client(exchange["police_admin"])
    url = f"/exchange/services/{persons.public_id}/"
    endpoint = persons.endpoints.get(method="GET", path="/persons/{id}")

    # when the police administrator grants the labour system access to one endpoint
    granted = police.post(
        url, {"client": "CN-WH/GOV/RSJ/social", "endpoint": str(endpoint.public_id)}
    )

    # then the right exists for that endpoint only and is listed
    right = AccessRight.objects.get(service=persons)
    assert granted.status_code == 302
    assert right.client == exchange["social"] and right.endpoint == endpoint
    page = police.get(url)
    assert "社保系统" in page.text and "GET /persons/{id}" in page.text

    # when they revoke it without a reason, the form asks for one and nothing changes
    refused = police.post(url, {"right": str(right.public_id), "reason": ""})
    right.refresh_from_db()
    assert refused.status_code == 400 and right.revoked_at is None

    # and with a reason the right is revoked and the reason is in the audit trail
    revoked = police.post(url, {"right": str(right.public_id), "reason": "合作协议到期"})
    right.refresh_from_db()
    assert revoked.status_code == 302 and right.revoked_at is not None
    entry = AuditEntry.objects.filter(action="exchange.access_right_revoked").get()
    assert entry.data["reason"] == "合作协议到期"


def test_a_grant_with_a_past_end_date_is_refused_beside_the_field(exchange, persons):
    response = _client(exchange["police_admin"]).post(
        f"/exchange/services/{persons.public_id}/",
        {"client": "CN-WH/GOV/RSJ/social", "valid_until": "2020-01-01"},
    )

    assert response.status_code == 400
    assert "error-summary" in response.text
    assert not AccessRight.objects.exists()


def test_another_department_cannot_see_or_grant_on_a_service(exchange, persons):
    labour = _client(exchange["labour_admin"])

    page = labour.get(f"/exchange/services/{persons.public_id}/")
    post = labour.post(
        f"/exchange/services/{persons.public_id}/", {"client": "CN-WH/GOV/RSJ/social"}
    )

    assert page.status_code == 404 and post.status_code == 404
    assert not AccessRight.objects.exists()


def test_department_admin_requests_a_subscription_from_the_topic_list(exchange):
    # given a public topic of the police's population system
    topic_save(
        actor=exchange["police_admin"],
        owner=exchange["population"],
        name="registry.person.changed",
        description_zh="人口信息变更",
        is_public=True,
    )
    labour = _client(exchange["labour_admin"])

    # when the labour administrator opens the topic list and asks for a pull subscription
    listing = labour.get("/exchange/topics/")
    response = labour.post(
        "/exchange/topics/registry.person.changed/subscribe/",
        {"subscriber": "CN-WH/GOV/RSJ/social", "mode": "pull", "purpose": "参保人员住址核验"},
    )

    # then the request waits for the police's answer
    assert listing.status_code == 200 and "人口信息变更" in listing.text
    subscription = Subscription.objects.get()
    assert response.status_code == 302
    assert subscription.status == Subscription.Status.REQUESTED
    assert subscription.subscriber == exchange["social"]
    assert subscription.purpose == "参保人员住址核验"


def test_a_push_subscription_without_a_webhook_is_refused_beside_the_field(exchange):
    topic_save(
        actor=exchange["police_admin"],
        owner=exchange["population"],
        name="registry.person.changed",
        is_public=True,
    )

    response = _client(exchange["labour_admin"]).post(
        "/exchange/topics/registry.person.changed/subscribe/",
        {"subscriber": "CN-WH/GOV/RSJ/social", "mode": "push", "push_url": ""},
    )

    assert response.status_code == 400 and "error-summary" in response.text
    assert not Subscription.objects.exists()


def test_a_right_granted_on_the_page_can_be_tied_to_the_departments_sharing_grant(
    exchange, persons
):
    # given a sharing grant the police gave the labour bureau's system
    import datetime as dt

    from django.utils import timezone

    from ecity.exchange.tests.test_gateway import _sharing_grant

    sharing = _sharing_grant(exchange, expires_on=timezone.localdate() + dt.timedelta(days=30))
    police = _client(exchange["police_admin"])
    url = f"/exchange/services/{persons.public_id}/"

    # when the grant form offers it and the administrator picks it
    page = police.get(url)
    response = police.post(
        url,
        {
            "client": "CN-WH/GOV/RSJ/social",
            "sharing_grant": str(sharing.public_id),
            "valid_until": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
    )

    # then the whole-service right is tied to it and ends with the 30th day
    assert page.status_code == 200 and str(sharing.public_id) in page.text
    right = AccessRight.objects.get()
    assert response.status_code == 302
    assert right.sharing_grant == sharing and right.endpoint is None
    assert timezone.localtime(right.valid_until).date() == timezone.localdate() + dt.timedelta(
        days=31
    )
