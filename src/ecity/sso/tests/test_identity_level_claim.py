"""The real-name level as an OIDC claim: ``ecity_identity_level`` (1 registered, 2 real-name
verified, 3 verified in person), released with the ``profile`` scope only, and the enterprise
claim only while the enterprise is verified."""

from __future__ import annotations

from ecity.identity.selectors import ACTING_SESSION_KEY
from ecity.identity.tests.factories import UserFactory
from ecity.sso.tests.helpers import exchange, sign_in


def _claims(client, registered, scope):
    code, verifier = sign_in(client, registered, scope=scope)
    tokens = exchange(client, registered, code, verifier).json()
    return client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()


def test_the_level_is_sent_with_the_profile_scope(client, registered):
    newcomer = UserFactory(real_name="周一")  # registered only
    client.force_login(newcomer)

    claims = _claims(client, registered, "openid profile")

    assert (claims["ecity_identity_level"], claims["ecity_real_name_level"]) == (1, "unverified")


def test_the_level_is_not_sent_without_the_profile_scope(client, citizen, registered):
    client.force_login(citizen)

    claims = _claims(client, registered, "openid phone")

    assert "ecity_identity_level" not in claims
    assert claims["phone_number"] == "13800138000"


def test_discovery_lists_the_level_claim(client, db):
    document = client.get("/o/.well-known/openid-configuration").json()

    assert "ecity_identity_level" in document["claims_supported"]


def test_no_enterprise_claim_for_an_enterprise_that_is_not_verified(
    client, citizen, registered, enterprise
):
    client.force_login(citizen)
    session = client.session
    session[ACTING_SESSION_KEY] = str(enterprise.public_id)
    session.save()
    code, verifier = sign_in(client, registered, scope="openid enterprise")
    tokens = exchange(client, registered, code, verifier).json()
    enterprise.is_verified = False
    enterprise.save()

    claims = client.get(
        "/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}"
    ).json()

    assert claims["sub"] and "ecity_acting_for" not in claims
