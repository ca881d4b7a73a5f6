"""The whole OpenID Connect flow with a real client library (Authlib) against a running server.

The browser is a ``requests.Session`` that logs in through the real login form; the relying party
is Authlib's ``OAuth2Session`` with PKCE (S256). The ID token is verified with the keys fetched
from the server's JWKS.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.jose.errors import InvalidClaimError

from ecity.identity.tests.factories import UserFactory
from ecity.sso.tests.helpers import POST_LOGOUT_URI, REDIRECT_URI, form_fields, query

PASSWORD = "correct-horse-battery"
SCOPE = "openid profile phone id_number enterprise"


@pytest.fixture
def issuer(live_server, settings):
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_ISS_ENDPOINT": live_server.url + "/o",
    }
    return live_server.url + "/o"


def _login(browser: requests.Session, base: str, username: str) -> None:
    page = browser.get(base + "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = browser.post(
        base + "/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
        headers={"Referer": base + "/accounts/login/"},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:300]


def _relying_party(application, metadata) -> OAuth2Session:
    return OAuth2Session(
        application.client_id,
        application.plain_secret,
        scope=SCOPE,
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )


def _authorize(browser, base, rp, metadata, *, expect_consent):
    verifier = generate_token(48)
    nonce = generate_token(20)
    url, state = rp.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    response = browser.get(url, allow_redirects=False)
    if expect_consent:
        assert response.status_code == 200, response.text[:300]
        assert "将您的 ecity 身份关联到" in response.text
        fields = form_fields(response.text, "/o/authorize/")
        response = browser.post(
            base + "/o/authorize/",
            data={**fields, "allow": "on"},
            headers={"Referer": url},
            allow_redirects=False,
        )
    assert response.status_code == 302, response.text[:300]
    location = response.headers["Location"]
    assert location.startswith(REDIRECT_URI + "?")
    token = rp.fetch_token(
        metadata["token_endpoint"],
        authorization_response=location,
        code_verifier=verifier,
        state=state,
    )
    return token, nonce


def _verify_id_token(id_token, metadata, client_id, nonce):
    jwks = requests.get(metadata["jwks_uri"], timeout=10).json()
    claims = jwt.decode(
        id_token,
        JsonWebKey.import_key_set(jwks),
        claims_options={
            "iss": {"essential": True, "value": metadata["issuer"]},
            "aud": {"essential": True, "value": client_id},
            "exp": {"essential": True},
            "nonce": {"essential": True, "value": nonce},
        },
    )
    claims.validate()
    return claims


def test_full_sign_in_flow_with_authlib(live_server, issuer, registered, enterprise):
    base = live_server.url
    citizen = UserFactory(username="lina")  # the fixture's citizen, with a known password
    metadata = requests.get(base + "/.well-known/openid-configuration", timeout=10).json()
    assert metadata == requests.get(issuer + "/.well-known/openid-configuration", timeout=10).json()
    assert metadata["issuer"] == issuer
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["end_session_endpoint"] == issuer + "/logout/"

    # the person logs in to ecity through the real login form and acts for their enterprise
    browser = requests.Session()
    _login(browser, base, "lina")
    profile = browser.get(base + "/accounts/profile/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', profile.text).group(1)
    browser.post(
        base + "/accounts/switch-identity/",
        data={"csrfmiddlewaretoken": csrf, "acting_as": str(enterprise.public_id)},
        headers={"Referer": base + "/accounts/profile/"},
    )

    # first sign-in: consent page, allow, code, token exchange
    rp = _relying_party(registered, metadata)
    token, nonce = _authorize(browser, base, rp, metadata, expect_consent=True)
    claims = _verify_id_token(token["id_token"], metadata, registered.client_id, nonce)
    assert claims["sub"] == str(citizen.public_id)
    header_kid = (
        JsonWebKey.import_key_set(requests.get(metadata["jwks_uri"], timeout=10).json()).keys[0].kid
    )
    assert claims.header["kid"] == header_kid and claims.header["alg"] == "RS256"

    # a wrong nonce or audience is caught by the client library
    with pytest.raises(InvalidClaimError):
        _verify_id_token(token["id_token"], metadata, "another-client", nonce)

    # userinfo: allowed and consented claims only (the ID number is not allowed for this client)
    info = rp.get(metadata["userinfo_endpoint"]).json()
    assert info == {
        "sub": str(citizen.public_id),
        "name": "李娜",
        "ecity_identity_level": 2,
        "ecity_real_name_level": "verified",
        "phone_number": "13800138000",
        "ecity_acting_for": {
            "uscc": enterprise.uscc,
            "name": "甲科技有限公司",
            "role": "legal_representative",
        },
    }

    # second sign-in: no consent prompt
    rp2 = _relying_party(registered, metadata)
    token2, nonce2 = _authorize(browser, base, rp2, metadata, expect_consent=False)
    _verify_id_token(token2["id_token"], metadata, registered.client_id, nonce2)

    # the ID number was asked for but not granted, so the token's scope says so (RFC 6749 §3.3)
    assert token2["scope"] == "openid profile phone enterprise"

    # refresh (within the granted scope) rotates; the old refresh token cannot be used again
    old_refresh = token2["refresh_token"]
    refreshed = rp2.refresh_token(
        metadata["token_endpoint"], refresh_token=old_refresh, scope=token2["scope"]
    )
    assert refreshed["refresh_token"] != old_refresh
    assert rp2.get(metadata["userinfo_endpoint"]).status_code == 200
    reuse = requests.post(
        metadata["token_endpoint"],
        data={"grant_type": "refresh_token", "refresh_token": old_refresh},
        auth=(registered.client_id, registered.plain_secret),
        timeout=10,
    )
    assert reuse.status_code == 400 and reuse.json()["error"] == "invalid_grant"

    # RP-initiated logout ends the ecity session and returns to the registered address
    logout = browser.get(
        metadata["end_session_endpoint"],
        params={
            "id_token_hint": token2["id_token"],
            "post_logout_redirect_uri": POST_LOGOUT_URI,
            "state": "bye",
        },
        allow_redirects=False,
    )
    assert logout.status_code == 302
    assert logout.headers["Location"] == POST_LOGOUT_URI + "?state=bye"
    after = browser.get(base + "/accounts/profile/", allow_redirects=False)
    assert after.status_code == 302 and "/accounts/login/" in after.headers["Location"]

    # sign in again, then unlink the application: its tokens stop working at once
    _login(browser, base, "lina")
    rp3 = _relying_party(registered, metadata)
    token3, _ = _authorize(browser, base, rp3, metadata, expect_consent=False)
    assert rp3.get(metadata["userinfo_endpoint"]).status_code == 200
    page = browser.get(base + "/accounts/linked-apps/")
    assert "企业开办一窗通" in page.text
    unlink_path = re.search(r'href="(/accounts/linked-apps/[0-9a-f-]+/unlink/)"', page.text).group(
        1
    )
    confirm = browser.get(urljoin(base, unlink_path))
    csrf = form_fields(confirm.text, unlink_path)["csrfmiddlewaretoken"]
    done = browser.post(
        urljoin(base, unlink_path),
        data={"csrfmiddlewaretoken": csrf},
        headers={"Referer": urljoin(base, unlink_path)},
        allow_redirects=False,
    )
    assert done.status_code == 302
    stale = requests.get(
        metadata["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {token3['access_token']}"},
        timeout=10,
    )
    assert stale.status_code == 401
    refresh_after_unlink = requests.post(
        metadata["token_endpoint"],
        data={"grant_type": "refresh_token", "refresh_token": token3["refresh_token"]},
        auth=(registered.client_id, registered.plain_secret),
        timeout=10,
    )
    assert refresh_after_unlink.json()["error"] == "invalid_grant"

    # and the next sign-in asks for consent again
    rp4 = _relying_party(registered, metadata)
    _authorize(browser, base, rp4, metadata, expect_consent=True)


def test_wrong_redirect_uri_is_not_followed_by_the_server(live_server, issuer, registered):
    base = live_server.url
    UserFactory(username="lina")
    browser = requests.Session()
    _login(browser, base, "lina")
    rp = OAuth2Session(
        registered.client_id,
        registered.plain_secret,
        scope="openid",
        redirect_uri="https://attacker.example.test/cb",
        code_challenge_method="S256",
    )
    url, _state = rp.create_authorization_url(
        base + "/o/authorize/", code_verifier=generate_token(48)
    )

    response = browser.get(url, allow_redirects=False)

    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "登录请求被拒绝" in response.text


def test_deny_returns_access_denied_to_the_client(live_server, issuer, registered):
    base = live_server.url
    UserFactory(username="lina")
    browser = requests.Session()
    _login(browser, base, "lina")
    rp = OAuth2Session(
        registered.client_id,
        registered.plain_secret,
        scope="openid profile",
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
    )
    url, state = rp.create_authorization_url(
        base + "/o/authorize/", code_verifier=generate_token(48)
    )
    page = browser.get(url)
    fields = form_fields(page.text, "/o/authorize/")

    response = browser.post(
        base + "/o/authorize/", data=fields, headers={"Referer": url}, allow_redirects=False
    )

    params = query(response.headers["Location"])
    assert params == {"error": "access_denied", "state": state}
