"""Staff pages of sharing: request form, requests with due dates, answer, grants with revoke."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from ecity.identity.tests.factories import StaffRoleFactory
from ecity.registry.models import SharingGrant, SharingRequest
from ecity.registry.services.sharing import sharing_request_approve, sharing_request_submit

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(sharing, **changes):
    today = timezone.localdate()
    return {
        "application": sharing["application"].pk,
        "items": [sharing["items"]["DE0005"].pk, sharing["items"]["DE0006"].pk],
        "purpose": "核验参保人员出生日期",
        "legal_basis": "《社会保险法》第五十八条",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=90)).isoformat(),
        **changes,
    }


def _url(sharing):
    return f"/en/registry/sharing/resources/{sharing['resource'].code}/request/?department=RSJ"


def test_the_requesting_administrator_sends_a_request_offering_only_conditional_items(sharing):
    client = _client(sharing["labour_admin"])

    form = client.get(_url(sharing))
    sent = client.post(_url(sharing), _form(sharing))

    assert form.status_code == 200
    html = form.content.decode()
    assert "Date of birth (DE0005)" in html
    assert "Name (DE0002)" not in html  # unconditional: no request needed
    assert "Mobile phone number (DE0007)" not in html  # never shared
    request = SharingRequest.objects.get()
    assert sent.status_code == 302
    assert sent["Location"].endswith(f"/registry/sharing/requests/{request.public_id}/")
    assert request.requester == sharing["labour"]


def test_a_request_without_purpose_redisplays_the_form_with_the_error(sharing):
    response = _client(sharing["labour_admin"]).post(_url(sharing), _form(sharing, purpose=""))

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not SharingRequest.objects.exists()


def test_the_provider_sees_the_due_date_and_approves_then_revokes(sharing):
    today = timezone.localdate()
    request = sharing_request_submit(
        actor=sharing["labour_admin"],
        requester=sharing["labour"],
        application=sharing["application"],
        resource=sharing["resource"],
        items=[sharing["items"]["DE0005"]],
        purpose="核验参保人员出生日期",
        legal_basis="《社会保险法》第五十八条",
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
    )
    client = _client(sharing["police_admin"])

    home = client.get("/en/registry/sharing/?department=GAJ")
    answered = client.post(
        f"/en/registry/sharing/requests/{request.public_id}/", {"decision": "approve"}
    )

    assert home.status_code == 200
    assert request.due_on.isoformat() in home.content.decode()
    assert answered.status_code == 302
    grant = SharingGrant.objects.get()
    revoke_url = f"/en/registry/sharing/grants/{grant.public_id}/revoke/"
    assert revoke_url in client.get("/en/registry/sharing/?department=GAJ").content.decode()
    revoked = client.post(revoke_url, {"reason": "用途已结束"})
    assert revoked.status_code == 302
    grant.refresh_from_db()
    assert grant.revocation_reason == "用途已结束"


def test_a_refusal_without_reason_is_shown_as_an_error(sharing):
    today = timezone.localdate()
    request = sharing_request_submit(
        actor=sharing["labour_admin"],
        requester=sharing["labour"],
        application=sharing["application"],
        resource=sharing["resource"],
        items=[sharing["items"]["DE0005"]],
        purpose="核验",
        legal_basis="法规",
        starts_on=today,
        ends_on=today,
    )

    response = _client(sharing["police_admin"]).post(
        f"/en/registry/sharing/requests/{request.public_id}/", {"decision": "refuse"}
    )

    assert response.status_code == 400
    assert "Say why the request is refused." in response.content.decode()
    request.refresh_from_db()
    assert request.is_pending


def test_the_requester_cannot_answer_or_revoke_and_others_see_nothing(sharing):
    today = timezone.localdate()
    request = sharing_request_submit(
        actor=sharing["labour_admin"],
        requester=sharing["labour"],
        application=sharing["application"],
        resource=sharing["resource"],
        items=[sharing["items"]["DE0005"]],
        purpose="核验",
        legal_basis="法规",
        starts_on=today,
        ends_on=today,
    )
    requester = _client(sharing["labour_admin"])
    stranger = _client(StaffRoleFactory(role="department_admin").user)
    reviewer = _client(StaffRoleFactory(role="reviewer").user)

    assert requester.get(f"/en/registry/sharing/requests/{request.public_id}/").status_code == 200
    assert (
        requester.post(
            f"/en/registry/sharing/requests/{request.public_id}/", {"decision": "approve"}
        ).status_code
        == 403
    )
    assert stranger.get(f"/en/registry/sharing/requests/{request.public_id}/").status_code == 404
    assert reviewer.get("/en/registry/sharing/").status_code == 403
    grant = sharing_request_approve(actor=sharing["police_admin"], sharing_request=request)
    assert (
        requester.post(
            f"/en/registry/sharing/grants/{grant.public_id}/revoke/", {"reason": "x"}
        ).status_code
        == 403
    )
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_the_portal_links_data_administrators_to_the_sharing_pages(sharing):
    admin_home = _client(sharing["labour_admin"]).get("/en/")
    reviewer_home = _client(StaffRoleFactory(role="reviewer").user).get("/en/")

    assert admin_home.status_code == 200
    assert 'href="/en/registry/sharing/"' in admin_home.content.decode()
    assert reviewer_home.status_code == 200
    assert 'href="/en/registry/sharing/"' not in reviewer_home.content.decode()


def test_the_main_navigation_links_data_administrators_to_sharing_on_every_page(sharing):
    # Signing in lands on "My account", which is not the portal home: the header must lead
    # a data administrator to the sharing pages from there (seen in the sharing journey).
    admin_page = _client(sharing["labour_admin"]).get("/registry/resources/")
    citizen_page = _client(sharing["citizen"]).get("/registry/resources/")

    assert admin_page.status_code == 200
    nav = admin_page.content.decode().split('<nav class="top-nav"')[1].split("</nav>")[0]
    assert '<a href="/registry/sharing/">数据共享</a>' in nav
    assert citizen_page.status_code == 200
    assert 'href="/registry/sharing/"' not in citizen_page.content.decode()


@pytest.mark.parametrize(
    ("prefix", "department", "items"),
    [
        ("/en", "Labour", "Date of birth, Address of residence"),
        ("", "示范市人力资源和社会保障局", "出生日期、住址"),
    ],
)
def test_a_request_is_shown_in_the_pages_language(sharing, prefix, department, items):
    # The English page showed the departments' Chinese names and joined items with "、".
    request = sharing_request_submit(
        actor=sharing["labour_admin"],
        requester=sharing["labour"],
        application=sharing["application"],
        resource=sharing["resource"],
        items=[sharing["items"]["DE0005"], sharing["items"]["DE0006"]],
        purpose="核验参保人员出生日期",
        legal_basis="《社会保险法》第五十八条",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=30),
    )

    response = _client(sharing["police_admin"]).get(
        f"{prefix}/registry/sharing/requests/{request.public_id}/"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert f"<dd>{department}</dd>" in html
    assert f"<dd>{items}</dd>" in html


def test_the_request_form_asks_for_the_basis_for_using_the_data(sharing):
    # It said 设定依据, the catalogue's word for the legal basis of a service.
    response = _client(sharing["labour_admin"]).get(_url(sharing).removeprefix("/en"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "使用依据" in html
    assert "设定依据" not in html


def test_the_request_form_says_what_needs_no_request_and_what_is_never_shared(sharing):
    # The form offered the conditional items only, without saying where the others went.
    response = _client(sharing["labour_admin"]).get(_url(sharing))

    assert response.status_code == 200
    html = response.content.decode()
    readable = html.split("<dt>Readable without a request</dt><dd>")[1].split("</dd>")[0]
    never = html.split("<dt>Never shared</dt><dd>")[1].split("</dd>")[0]
    assert readable.endswith(", Name") and "Date of birth" not in readable
    assert never == "Mobile phone number"
