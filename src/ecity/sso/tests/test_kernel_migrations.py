"""Upgrading a database to the signing-key vault keeps OIDC working.

ID tokens signed by the key of the previous version still validate against the JWKS (which
still lists the previous keys and not the retired ones), and the old current key keeps signing.
Runs the real migrations with Django's executor on SQLite and PostgreSQL, backwards and forwards.
"""

from __future__ import annotations

import base64
import json
import os

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from jwcrypto import jwk, jwt

from ecity.core.models import SigningKey
from ecity.sso import keys
from ecity.sso.tests.helpers import exchange, sign_in

# Upgrades from older schemas: run on PostgreSQL (scripts/test.sh; see its note on SQLite).
pytestmark = pytest.mark.migrations

SSO_BEFORE = ("sso", "0002_department_in_org")


def migrate(*targets):
    MigrationExecutor(connection).migrate(list(targets))


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def back_to_latest():
    yield
    migrate_to_latest()


def old_style_key(status: str) -> dict:
    """An OIDC key row as the previous version wrote it (SECRET_KEY-derived AES-GCM wrap)."""
    pem = keys.new_private_pem()
    key = jwk.JWK.from_pem(pem)
    info = b"ecity.sso.signing-key.v1"
    wrapping = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        settings.SECRET_KEY.encode()
    )
    nonce = os.urandom(12)
    sealed = AESGCM(wrapping).encrypt(nonce, pem, info)
    return {
        "kid": key.thumbprint(),
        "status": status,
        "public_jwk": keys.public_jwk_of(key),
        "encrypted_private_key": base64.b64encode(nonce + sealed).decode(),
    }


@pytest.mark.django_db(transaction=True)
def test_tokens_signed_before_the_upgrade_still_validate(
    client, citizen, registered, back_to_latest
):
    # given: an ID token signed before the upgrade, and old keys: one previous, one retired
    client.force_login(citizen)
    code, verifier = sign_in(client, registered)
    id_token = exchange(client, registered, code, verifier).json()["id_token"]
    signer = SigningKey.objects.get(purpose="oidc", status="current")
    migrate(SSO_BEFORE)
    apps = MigrationExecutor(connection).loader.project_state([SSO_BEFORE]).apps
    old_keys = apps.get_model("sso", "SigningKey")
    assert old_keys.objects.get().kid == signer.kid
    previous = old_keys.objects.create(**old_style_key("previous"))
    retired = old_keys.objects.create(**old_style_key("retired"))

    # when
    migrate_to_latest()
    keys._private_cache.clear()  # the old key must be unwrapped from the vault, not the cache

    # then
    published = client.get("/o/.well-known/jwks.json").json()
    assert [k["kid"] for k in published["keys"]] == [signer.kid, previous.kid]
    jwks = jwk.JWKSet.from_json(json.dumps(published))
    token = jwt.JWT(jwt=id_token, key=jwks, check_claims={"exp": None})
    assert json.loads(token.claims)["sub"] == str(citizen.public_id)
    assert keys.current_signing_key().thumbprint() == signer.kid
    assert keys.verification_key(retired.kid) is None
    assert SigningKey.objects.get(kid=previous.kid).algorithm == "RS256"
