"""Redirect URIs match exactly; a replayed authorisation code revokes what it produced.

Issue 8: a registered URI with extra query parameters (``…/callback?next=https://evil.example``)
received the code; RFC 6749 §4.1.2 says tokens issued from a code used twice should be revoked.
"""

from __future__ import annotations

import pytest
from oauth2_provider.models import AccessToken, RefreshToken

from ecity.audit.models import AuditEntry
from ecity.sso.tests.helpers import (
    REDIRECT_URI,
    authorize_url,
    basic_auth,
    exchange,
    pkce_pair,
    sign_in,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "redirect_uri",
    [
        REDIRECT_URI + "?next=https://evil.example/",
        REDIRECT_URI + "/",
        REDIRECT_URI + "#x",
        REDIRECT_URI.replace("https://rp.example.test", "https://rp.example.test:443"),
        REDIRECT_URI.upper(),
    ],
    ids=["extra-query", "trailing-slash", "fragment", "explicit-port", "case"],
)
def test_a_redirect_uri_that_is_not_exactly_registered_gets_no_code(
    client, citizen, registered, redirect_uri
):
    client.force_login(citizen)
    _, challenge = pkce_pair()

    response = client.get(
        authorize_url(registered, scope="openid", challenge=challenge, redirect_uri=redirect_uri)
    )

    assert response.status_code == 400
    assert "Location" not in response
    assert "code=" not in response.content.decode()


def test_the_registered_redirect_uri_itself_still_works(client, citizen, registered):
    client.force_login(citizen)

    code, verifier = sign_in(client, registered)

    assert exchange(client, registered, code, verifier).status_code == 200


def test_replaying_a_code_revokes_the_tokens_it_produced_and_is_audited(
    client, citizen, registered
):
    client.force_login(citizen)
    code, verifier = sign_in(client, registered)
    tokens = exchange(client, registered, code, verifier).json()
    # the client has already rotated its refresh token once
    refreshed = client.post(
        "/o/token/",
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        HTTP_AUTHORIZATION=basic_auth(registered),
    ).json()

    replay = exchange(client, registered, code, verifier)

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.filter(token__in=[tokens["access_token"]]).exists()
    assert not AccessToken.objects.filter(token=refreshed["access_token"]).exists()
    assert all(rt.revoked is not None for rt in RefreshToken.objects.all())
    userinfo = client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {refreshed['access_token']}")
    assert userinfo.status_code == 401
    again = client.post(
        "/o/token/",
        {"grant_type": "refresh_token", "refresh_token": refreshed["refresh_token"]},
        HTTP_AUTHORIZATION=basic_auth(registered),
    )
    assert again.status_code == 400
    entry = AuditEntry.objects.get(action="sso.code_replayed")
    assert entry.subject_id == citizen.pk
    assert entry.data["revoked_access_tokens"] >= 1


def test_an_unknown_code_revokes_nothing(client, citizen, registered):
    client.force_login(citizen)
    code, verifier = sign_in(client, registered)
    tokens = exchange(client, registered, code, verifier).json()

    wrong = exchange(client, registered, "not-a-code", verifier)

    assert wrong.status_code == 400
    assert AccessToken.objects.filter(token=tokens["access_token"]).exists()
    assert not AuditEntry.objects.filter(action="sso.code_replayed").exists()


def test_logout_to_a_registered_address_with_extra_parameters_is_refused(
    client, citizen, registered
):
    from ecity.sso.tests.helpers import POST_LOGOUT_URI

    client.force_login(citizen)

    response = client.get(
        "/o/logout/",
        {
            "client_id": registered.client_id,
            "post_logout_redirect_uri": POST_LOGOUT_URI + "?next=https://evil.example/",
        },
    )

    assert response.status_code == 400
    assert "Location" not in response
    assert "_auth_user_id" in client.session
