"""Key storage: encrypted at rest, environment override, JWKS and kid in tokens."""

from __future__ import annotations

import base64
import json
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from jwcrypto import jwk, jwt

from ecity.core import crypto, vault
from ecity.core.errors import Conflict
from ecity.core.models import SigningKey
from ecity.sso import keys, services
from ecity.sso.tests.helpers import exchange, sign_in


def raw_private_key(record: SigningKey) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key FROM core_signingkey WHERE id = %s", [record.pk])
        return cursor.fetchone()[0]


def test_private_key_is_stored_wrapped_by_the_field_keyring(db):
    keys.current_signing_key()

    record = SigningKey.objects.get(purpose="oidc")

    assert crypto.is_ciphertext(raw_private_key(record))
    assert "PRIVATE KEY" not in raw_private_key(record)
    assert "BEGIN PRIVATE KEY" in vault.private_pem_of(record)
    assert "PRIVATE" not in record.public_key  # only the public half is kept in clear
    assert record.algorithm == "RS256"


def test_the_vault_kid_is_the_jwk_thumbprint(db):
    signing = keys.current_signing_key()

    record = SigningKey.objects.get(purpose="oidc")

    assert record.kid == signing.thumbprint()
    assert keys.published_keys()[0] == keys.public_jwk_of(signing)


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

    response = client.get("/o/.well-known/jwks.json")

    assert response.status_code == 200
    body = response.json()
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


def test_keys_command_rotates_and_lists_oidc_keys(db):
    first = keys.current_signing_key().thumbprint()
    out = StringIO()

    call_command("keys", "rotate", "--purpose", "oidc", stdout=out)

    current = SigningKey.objects.get(purpose="oidc", status="current").kid
    lines = out.getvalue().splitlines()
    assert lines[0] == f"new current key {current}"
    assert f"* oidc         {current}  RS256   current" in out.getvalue()
    assert f"  oidc         {first}  RS256   previous" in out.getvalue()


def test_keys_command_refuses_to_rotate_while_the_environment_supplies_the_key(db, settings):
    settings.ECITY_OIDC_PRIVATE_KEY = keys.new_private_pem().decode()

    with pytest.raises(CommandError, match="ECITY_OIDC_PRIVATE_KEY"):
        call_command("keys", "rotate", "--purpose", "oidc", stdout=StringIO())


def test_keys_command_imports_the_environment_key_as_previous(db, settings):
    pem = keys.new_private_pem().decode()
    settings.ECITY_OIDC_PRIVATE_KEY = pem
    out = StringIO()

    call_command(
        "keys",
        "import",
        "--purpose",
        "oidc",
        "--from-setting",
        "ECITY_OIDC_PRIVATE_KEY",
        stdout=out,
    )

    kid = jwk.JWK.from_pem(pem.encode()).thumbprint()
    assert out.getvalue().splitlines()[0] == f"imported {kid}"
    assert SigningKey.objects.get(purpose="oidc", kid=kid).status == "previous"
