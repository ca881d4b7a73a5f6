"""Key storage: encrypted at rest, environment override, JWKS and kid in tokens."""

from __future__ import annotations

import base64
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from jwcrypto import jwk, jwt

from ecity.core.errors import Conflict
from ecity.sso import keys, services
from ecity.sso.models import SigningKey
from ecity.sso.tests.helpers import exchange, sign_in


def test_private_key_is_stored_encrypted(db):
    keys.current_signing_key()

    record = SigningKey.objects.get()

    assert b"PRIVATE KEY" not in base64.b64decode(record.encrypted_private_key)
    assert b"BEGIN PRIVATE KEY" in keys.decrypt_private_pem(record.encrypted_private_key)
    assert "d" not in record.public_jwk  # only the public half is kept in clear


def test_key_survives_a_secret_key_change_through_fallbacks(db, settings):
    kid = keys.current_signing_key().thumbprint()
    record = SigningKey.objects.get()
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-brand-new-secret-key-for-this-test-0123456789"
    settings.SECRET_KEY_FALLBACKS = [old]

    pem = keys.decrypt_private_pem(record.encrypted_private_key)

    assert jwk.JWK.from_pem(pem).thumbprint() == kid
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(ImproperlyConfigured):
        keys.decrypt_private_pem(record.encrypted_private_key)


def test_environment_key_signs_and_database_keys_stay_published(db, settings):
    stored = keys.current_signing_key().thumbprint()
    pem = keys.new_private_pem().decode()
    settings.ECITY_OIDC_PRIVATE_KEY = pem

    signing = keys.current_signing_key()

    assert signing.thumbprint() == jwk.JWK.from_pem(pem.encode()).thumbprint()
    assert [k["kid"] for k in keys.published_keys()] == [signing.thumbprint(), stored]
    with pytest.raises(Conflict, match="ECITY_OIDC_PRIVATE_KEY"):
        services.signing_key_rotate()


def test_keep_env_key_publishes_it_after_the_variable_changes(db, settings):
    pem = keys.new_private_pem().decode()
    settings.ECITY_OIDC_PRIVATE_KEY = pem
    kept = services.signing_key_keep_env()
    settings.ECITY_OIDC_PRIVATE_KEY = ""

    published = [k["kid"] for k in keys.published_keys()]

    assert kept.kid in published
    assert published[0] != kept.kid  # a database key signs now


def test_invalid_environment_key_fails_clearly(db, settings):
    settings.ECITY_OIDC_PRIVATE_KEY = "not a pem"

    with pytest.raises(ImproperlyConfigured, match="PEM"):
        keys.current_signing_key()


def test_jwks_lists_current_then_previous_keys(client, db):
    first = keys.current_signing_key().thumbprint()
    second = services.signing_key_rotate().kid

    body = client.get("/o/.well-known/jwks.json").json()

    assert [k["kid"] for k in body["keys"]] == [second, first]
    assert {k["alg"] for k in body["keys"]} == {"RS256"}
    assert all("d" not in k for k in body["keys"])


def test_id_token_names_its_key_and_verifies_after_rotation(client, citizen, registered):
    client.force_login(citizen)
    code, verifier = sign_in(client, registered)
    id_token = exchange(client, registered, code, verifier).json()["id_token"]
    services.signing_key_rotate()

    jwks = jwk.JWKSet.from_json(client.get("/o/.well-known/jwks.json").content)
    header = json.loads(base64.urlsafe_b64decode(id_token.split(".")[0] + "=="))
    token = jwt.JWT(jwt=id_token, key=jwks, check_claims={"exp": None})

    claims = json.loads(token.claims)
    assert header["alg"] == "RS256"
    assert jwks.get_key(header["kid"]) is not None  # the key that signed it, now "previous"
    assert header["kid"] != keys.current_signing_key().thumbprint()
    assert claims["aud"] == registered.client_id
    assert claims["sub"] == str(citizen.public_id)


def test_oidc_keys_command_rotates_and_lists(db):
    from io import StringIO

    from django.core.management import call_command

    first = keys.current_signing_key().thumbprint()
    out = StringIO()

    call_command("oidc_keys", "rotate", stdout=out)

    current = SigningKey.objects.get(status="current").kid
    lines = out.getvalue().splitlines()
    assert lines[0] == f"new current key {current}"
    assert f"* {current}  current" in out.getvalue()
    assert f"  {first}  previous" in out.getvalue()
