"""OIDC signing keys move into the platform's signing-key vault (core.SigningKey).

Every ``sso.SigningKey`` becomes a vault key of purpose ``oidc`` (RS256) with the same kid
(the RFC 7638 thumbprint), status (current / previous / retired), public ID and times, so the
JWKS keeps publishing the current and previous keys and ID tokens signed before the upgrade
still validate. The public key is stored as a PEM (converted from the stored JWK). The private
key, encrypted until now under a key derived from SECRET_KEY (HKDF-SHA256, AES-256-GCM;
SECRET_KEY_FALLBACKS tried too), is unwrapped and stored as PKCS#8 PEM in the vault's encrypted
column (the field-encryption keyring); one that cannot be unwrapped is stored without it (it
still verifies; signing then asks the operator to rotate). Backward copies the keys back.
"""

import base64
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import migrations
from jwcrypto import jwk

_HKDF_INFO = b"ecity.sso.signing-key.v1"


def _wrapping_key(secret):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        secret.encode("utf-8")
    )


def _unwrap(token):
    if not token:
        return ""
    raw = base64.b64decode(token)
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            return AESGCM(_wrapping_key(secret)).decrypt(raw[:12], raw[12:], _HKDF_INFO).decode()
        except InvalidTag:
            continue
    return ""


def _public_pem(public_jwk):
    data = {k: v for k, v in public_jwk.items() if k in {"kty", "n", "e"}}
    return jwk.JWK(**data).export_to_pem().decode("ascii")


def forward(apps, schema_editor):
    OldKey = apps.get_model("sso", "SigningKey")
    VaultKey = apps.get_model("core", "SigningKey")
    for old in OldKey.objects.order_by("created_at"):
        new = VaultKey.objects.create(
            public_id=old.public_id,
            purpose="oidc",
            kid=old.kid,
            algorithm="RS256",
            status=old.status,
            public_key=_public_pem(old.public_jwk),
            private_key=_unwrap(old.encrypted_private_key),
            retired_at=old.retired_at,
        )
        VaultKey.objects.filter(pk=new.pk).update(
            created_at=old.created_at, updated_at=old.updated_at
        )


def json_of(public_pem, kid):
    data = json.loads(jwk.JWK.from_pem(public_pem.encode("ascii")).export_public())
    data.update({"alg": "RS256", "use": "sig", "kid": kid})
    return data


def backward(apps, schema_editor):
    OldKey = apps.get_model("sso", "SigningKey")
    VaultKey = apps.get_model("core", "SigningKey")
    keys = VaultKey.objects.filter(purpose="oidc").order_by("created_at")
    for new in keys:
        public = json_of(new.public_key, new.kid)
        token = ""
        if new.private_key:
            nonce = os.urandom(12)
            sealed = AESGCM(_wrapping_key(settings.SECRET_KEY)).encrypt(
                nonce, new.private_key.encode("ascii"), _HKDF_INFO
            )
            token = base64.b64encode(nonce + sealed).decode("ascii")
        OldKey.objects.create(
            public_id=new.public_id,
            kid=new.kid,
            status=new.status,
            public_jwk=public,
            encrypted_private_key=token,
            retired_at=new.retired_at,
        )
    keys.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("sso", "0002_department_in_org"),
        ("core", "0003_sequence_idempotency_signing_key"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="SigningKey"),
    ]
