"""The token and userinfo endpoints: claims released, codes, PKCE, expiry, refresh rotation."""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken

from ecity.identity.selectors import ACTING_SESSION_KEY
from ecity.sso.models import Federation
from ecity.sso.tests.helpers import basic_auth, exchange, sign_in


def _userinfo(client, access_token):
    return client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {access_token}")


def _refresh(client, application, refresh_token):
    return client.post(
        "/o/token/",
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        HTTP_AUTHORIZATION=basic_auth(application),
    )


def test_userinfo_releases_only_allowed_and_consented_claims(client, citizen, registered):
    # given a client allowed profile, phone and enterprise, asking also for the ID number
    client.force_login(citizen)
    code, verifier = sign_in(client, registered, scope="openid profile id_number")
    tokens = exchange(client, registered, code, verifier).json()

    # when it asks for the user's claims
    claims = _userinfo(client, tokens["access_token"]).json()

    # then it gets the consented profile, never the ID number it is not allowed, nor the phone
    # it did not ask for
    assert claims == {
        "sub": str(citizen.public_id),
        "name": "李娜",
        "ecity_identity_level": 2,
        "ecity_real_name_level": "verified",
    }
    assert tokens["scope"] == "openid profile"
    assert Federation.objects.get().consented_claims == ["profile"]


def test_enterprise_claim_reports_the_enterprise_acted_for_at_sign_in(
    client, citizen, registered, enterprise
):
    client.force_login(citizen)
    session = client.session
    session[ACTING_SESSION_KEY] = str(enterprise.public_id)
    session.save()
    code, verifier = sign_in(client, registered, scope="openid enterprise")
    tokens = exchange(client, registered, code, verifier).json()

    claims = _userinfo(client, tokens["access_token"]).json()

    assert claims["ecity_acting_for"] == {
        "uscc": enterprise.uscc,
        "name": "甲科技有限公司",
        "role": "legal_representative",
    }


def test_enterprise_claim_disappears_once_the_authorisation_ends(
    client, citizen, registered, enterprise
):
    client.force_login(citizen)
    session = client.session
    session[ACTING_SESSION_KEY] = str(enterprise.public_id)
    session.save()
    code, verifier = sign_in(client, registered, scope="openid enterprise")
    tokens = exchange(client, registered, code, verifier).json()
    enterprise.authorisations.update(is_active=False)

    response = _userinfo(client, tokens["access_token"])

    assert response.status_code == 200
    claims = response.json()
    assert claims["sub"]
    assert "ecity_acting_for" not in claims


def test_narrowing_the_policy_stops_releasing_a_claim_at_once(client, citizen, registered):
    client.force_login(citizen)
    code, verifier = sign_in(client, registered, scope="openid profile phone")
    tokens = exchange(client, registered, code, verifier).json()
    assert _userinfo(client, tokens["access_token"]).json()["phone_number"] == "13800138000"
    registered.ecity_policy.allowed_claims = ["profile"]
    registered.ecity_policy.save()

    response = _userinfo(client, tokens["access_token"])

    assert response.status_code == 200
    claims = response.json()
    assert "phone_number" not in claims
    assert claims["name"] == "李娜"


def test_replayed_code_is_an_invalid_grant(client, citizen, registered):
    client.force_login(citizen)
    code, verifier = sign_in(client, registered)
    assert exchange(client, registered, code, verifier).status_code == 200

    replay = exchange(client, registered, code, verifier)

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"


def test_wrong_pkce_verifier_is_an_invalid_grant(client, citizen, registered):
    client.force_login(citizen)
    code, _verifier = sign_in(client, registered)

    response = exchange(client, registered, code, "x" * 50)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()


def test_code_is_useless_after_sixty_seconds(client, citizen, registered):
    from oauth2_provider.models import Grant

    client.force_login(citizen)
    code, verifier = sign_in(client, registered)
    Grant.objects.update(expires=timezone.now() - timedelta(seconds=1))

    response = exchange(client, registered, code, verifier)

    assert response.json()["error"] == "invalid_grant"


def test_wrong_client_secret_is_refused(client, citizen, registered):
    client.force_login(citizen)
    code, verifier = sign_in(client, registered)
    registered.plain_secret = "not-the-secret"

    response = exchange(client, registered, code, verifier)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_expired_access_token_gets_401_from_userinfo(client, citizen, registered):
    client.force_login(citizen)
    code, verifier = sign_in(client, registered)
    tokens = exchange(client, registered, code, verifier).json()
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))

    response = _userinfo(client, tokens["access_token"])

    assert response.status_code == 401
    assert "invalid_token" in response["WWW-Authenticate"]


def test_access_tokens_live_ten_minutes(client, citizen, registered):
    client.force_login(citizen)
    code, verifier = sign_in(client, registered)

    tokens = exchange(client, registered, code, verifier).json()

    assert tokens["expires_in"] == 600
    assert tokens["token_type"] == "Bearer"
    assert tokens["id_token"].count(".") == 2


def test_refresh_rotates_and_reusing_the_old_token_revokes_the_family(client, citizen, registered):
    client.force_login(citizen)
    code, verifier = sign_in(client, registered)
    first = exchange(client, registered, code, verifier).json()

    second = _refresh(client, registered, first["refresh_token"])
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert _userinfo(client, rotated["access_token"]).status_code == 200

    reuse = _refresh(client, registered, first["refresh_token"])

    assert reuse.status_code == 400
    assert reuse.json()["error"] == "invalid_grant"
    # reuse of a rotated token means it leaked: the whole family is revoked
    assert _refresh(client, registered, rotated["refresh_token"]).json()["error"] == "invalid_grant"
    assert _userinfo(client, rotated["access_token"]).status_code == 401


def test_refresh_token_past_its_lifetime_is_refused(client, citizen, registered):
    client.force_login(citizen)
    code, verifier = sign_in(client, registered)
    tokens = exchange(client, registered, code, verifier).json()
    RefreshToken.objects.update(created=timezone.now() - timedelta(hours=13))

    response = _refresh(client, registered, tokens["refresh_token"])

    assert response.json()["error"] == "invalid_grant"


def test_token_endpoint_needs_no_csrf_token(citizen, registered):
    from django.test import Client

    # the consent form needs CSRF (see below): consent with a plain client, exchange strictly
    plain = Client()
    plain.force_login(citizen)
    code, verifier = sign_in(plain, registered)

    response = exchange(Client(enforce_csrf_checks=True), registered, code, verifier)

    assert response.status_code == 200
    assert json.loads(response.content)["access_token"]


def test_consent_form_requires_the_csrf_token(citizen, registered):
    from django.test import Client

    from ecity.sso.tests.helpers import authorize_url, form_fields, pkce_pair

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(citizen)
    _, challenge = pkce_pair()
    page = browser.get(authorize_url(registered, scope="openid", challenge=challenge))
    fields = form_fields(page.content.decode(), "/o/authorize/")
    fields.pop("csrfmiddlewaretoken")

    response = browser.post("/o/authorize/", {**fields, "allow": "on"})

    assert response.status_code == 403
    assert not Federation.objects.exists()
