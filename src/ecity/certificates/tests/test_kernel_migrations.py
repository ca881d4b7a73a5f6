"""Upgrading a database to the kernel's sequences and signing-key vault loses nothing.

Given rows in the old tables (certificates.SerialCounter, certificates.SigningKey), the
migrations copy them into core, so numbering continues without a gap or a repeat, certificates
issued before the upgrade still verify and the old keys' private halves still sign. Runs the
real migrations with Django's executor on SQLite and PostgreSQL, backwards too.
"""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from ecity.certificates import services, signing
from ecity.certificates.tests.conftest import issue_for_case
from ecity.core.models import SigningKey
from ecity.core.sequences import sequence_next

# Upgrades from older schemas: run on PostgreSQL (scripts/test.sh; see its note on SQLite).
pytestmark = pytest.mark.migrations

CERTIFICATES_BEFORE = ("certificates", "0004_department_in_org")
KEYS_BEFORE = ("certificates", "0005_serials_in_core_sequences")


def old_style_key(status: str) -> dict:
    """A signing-key row as the previous version wrote it (SECRET_KEY-derived AES-GCM wrap)."""
    private_key = Ed25519PrivateKey.generate()
    raw = private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    key_id = signing.vault.algorithm_get("Ed25519").kid_of(base64.b64encode(raw).decode())
    der = private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    wrapping = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"ecity certificate signing key encryption v1",
    ).derive(settings.SECRET_KEY.encode())
    nonce = os.urandom(12)
    sealed = AESGCM(wrapping).encrypt(nonce, der, key_id.encode())
    return {
        "key_id": key_id,
        "algorithm": "Ed25519",
        "public_key": base64.b64encode(raw).decode(),
        "private_key_encrypted": "v1:" + base64.b64encode(nonce + sealed).decode(),
        "status": status,
    }


def migrate(*targets: tuple[str, str]) -> None:
    MigrationExecutor(connection).migrate(list(targets))


def old_apps(*targets: tuple[str, str]):
    return MigrationExecutor(connection).loader.project_state(list(targets)).apps


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def back_to_latest():
    yield
    migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_certificate_and_decision_serials_continue_after_the_upgrade(back_to_latest):
    # given
    migrate(CERTIFICATES_BEFORE)
    counters = old_apps(CERTIFICATES_BEFORE).get_model("certificates", "SerialCounter")
    counters.objects.create(scope="decision:SCJ:2026", last_value=12)
    counters.objects.create(scope="certificate:FOOD:91310000MA1FL0XX0X", last_value=3)

    # when
    migrate_to_latest()

    # then
    with transaction.atomic():
        assert sequence_next(scope="decision:SCJ:2026") == 13
        assert sequence_next(scope="certificate:FOOD:91310000MA1FL0XX0X") == 4


@pytest.mark.django_db(transaction=True)
def test_certificates_still_verify_and_old_keys_still_sign_after_the_vault_upgrade(
    joint, cert_type, approved_case, back_to_latest
):
    # given: a certificate signed before the upgrade, a retired key, and the keys in the old table
    certificate = issue_for_case(approved_case, joint.approver)
    signer = certificate.key
    migrate(KEYS_BEFORE)
    apps = old_apps(KEYS_BEFORE)
    old_keys = apps.get_model("certificates", "SigningKey")
    old_signer = old_keys.objects.get()
    assert old_signer.key_id == signer.kid and old_signer.status == "active"
    assert old_signer.private_key_encrypted.startswith("v1:")
    retired = old_keys.objects.create(**old_style_key("retired"))

    # when
    migrate_to_latest()

    # then: the certificate verifies, the keys kept their ids, the old private key still signs
    assert services.certificate_verify(identifier=certificate.identifier).status == "valid"
    migrated = SigningKey.objects.get(purpose="certificates", kid=signer.kid)
    assert migrated.status == "current" and migrated.public_id == signer.public_id
    assert SigningKey.objects.get(kid=retired.key_id).status == "previous"
    signature, used = signing.sign({"probe": 1})
    assert used.kid == signer.kid and signing.verify({"probe": 1}, signature, signer.kid)
