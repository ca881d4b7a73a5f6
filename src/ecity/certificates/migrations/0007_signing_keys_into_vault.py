"""Certificate signing keys move into the platform's signing-key vault (core.SigningKey), step 1.

Every ``certificates.SigningKey`` becomes a vault key of purpose ``certificates`` with the same
key ID, public key, public ID, creator and times, so every certificate ever issued still
verifies: the active key becomes ``current``, a retired key (which only verified) ``previous``.
The private key, encrypted until now under a key derived from SECRET_KEY (HKDF-SHA256,
AES-256-GCM, the key ID as associated data; SECRET_KEY_FALLBACKS tried too), is unwrapped and
stored as PKCS#8 PEM in the vault's encrypted column (the field-encryption keyring). A private
key that cannot be unwrapped (SECRET_KEY changed without a fallback) is stored without it: it
still verifies, and signing asks the operator to rotate.

Each certificate gets its vault key in ``vault_key`` (added by 0006); 0008 drops the old link
and table. (Schema and data changes are separate migrations: PostgreSQL refuses to alter a
table with pending deferred-constraint checks from rows updated in the same transaction.)
"""

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import migrations

_HKDF_INFO = b"ecity certificate signing key encryption v1"
STATUS = {"active": "current", "retired": "previous"}


def _unwrap(token, key_id):
    """The private key as PKCS#8 PEM, or "" when no SECRET_KEY (fallback) unwraps it."""
    version, _sep, blob = (token or "").partition(":")
    if version != "v1" or not blob:
        return ""
    raw = base64.b64decode(blob)
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        wrapping = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
            secret.encode("utf-8")
        )
        try:
            der = AESGCM(wrapping).decrypt(raw[:12], raw[12:], key_id.encode("ascii"))
        except InvalidTag:
            continue
        private_key = serialization.load_der_private_key(der, password=None)
        return private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii")
    return ""


def forward(apps, schema_editor):
    OldKey = apps.get_model("certificates", "SigningKey")
    VaultKey = apps.get_model("core", "SigningKey")
    Certificate = apps.get_model("certificates", "Certificate")
    for old in OldKey.objects.order_by("created_at"):
        new = VaultKey.objects.create(
            public_id=old.public_id,
            purpose="certificates",
            kid=old.key_id,
            algorithm=old.algorithm,
            status=STATUS.get(old.status, "previous"),
            public_key=old.public_key,
            private_key=_unwrap(old.private_key_encrypted, old.key_id),
            retired_at=old.retired_at,
            created_by_id=old.created_by_id,
        )
        VaultKey.objects.filter(pk=new.pk).update(
            created_at=old.created_at, updated_at=old.updated_at
        )
        Certificate.objects.filter(key_id=old.pk).update(vault_key_id=new.pk)


def backward(apps, schema_editor):
    OldKey = apps.get_model("certificates", "SigningKey")
    VaultKey = apps.get_model("core", "SigningKey")
    Certificate = apps.get_model("certificates", "Certificate")
    keys = VaultKey.objects.filter(purpose="certificates").order_by("created_at")
    for new in keys:
        # Rows restored for the old code need its wrapping again: re-wrap under SECRET_KEY.
        token = ""
        if new.private_key:
            private_key = serialization.load_pem_private_key(
                new.private_key.encode("ascii"), password=None
            )
            der = private_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            wrapping = HKDF(
                algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO
            ).derive(settings.SECRET_KEY.encode("utf-8"))
            nonce = os.urandom(12)
            sealed = AESGCM(wrapping).encrypt(nonce, der, new.kid.encode("ascii"))
            token = "v1:" + base64.b64encode(nonce + sealed).decode("ascii")
        old = OldKey.objects.create(
            public_id=new.public_id,
            key_id=new.kid,
            algorithm=new.algorithm,
            public_key=new.public_key,
            private_key_encrypted=token,
            status="active" if new.status == "current" else "retired",
            retired_at=new.retired_at,
            created_by_id=new.created_by_id,
        )
        Certificate.objects.filter(vault_key_id=new.pk).update(key_id=old.pk, vault_key_id=None)
    keys.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("certificates", "0006_vault_key_link"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
