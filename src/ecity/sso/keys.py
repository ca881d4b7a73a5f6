"""The RSA keys that sign ID tokens: where they come from, how they are stored, which are published.

* ``ECITY_OIDC_PRIVATE_KEY`` (PEM) set: that key signs; keys in the database are still published
  so that tokens signed before the switch verify.
* Otherwise the current key lives in the database (``SigningKey``), generated on first use. Every
  web process shares it, so nothing has to be copied between machines. The private key is
  encrypted with AES-GCM under a key derived from ``SECRET_KEY`` (``SECRET_KEY_FALLBACKS`` are
  tried when decrypting), so a database dump alone does not reveal it.

The key ID (``kid``) is the key's RFC 7638 thumbprint, as django-oauth-toolkit computes it.
Rotation and retirement are in ``ecity.sso.services``.
"""

from __future__ import annotations

import base64
import json
import logging
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from jwcrypto import jwk

from ecity.sso.models import SigningKey

logger = logging.getLogger("ecity.sso")

ALGORITHM = "RS256"
RSA_KEY_BITS = 2048
_HKDF_INFO = b"ecity.sso.signing-key.v1"

# Parsed private keys by kid: decrypting and parsing a PEM costs milliseconds per token.
_private_cache: dict[str, jwk.JWK] = {}


def _wrapping_key(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        secret.encode("utf-8")
    )


def encrypt_private_pem(pem: bytes) -> str:
    """Encrypt a private key PEM under the current SECRET_KEY: base64(nonce ‖ ciphertext)."""
    nonce = os.urandom(12)
    sealed = AESGCM(_wrapping_key(settings.SECRET_KEY)).encrypt(nonce, pem, _HKDF_INFO)
    return base64.b64encode(nonce + sealed).decode("ascii")


def decrypt_private_pem(token: str) -> bytes:
    """Decrypt what ``encrypt_private_pem`` produced, trying SECRET_KEY then its fallbacks."""
    raw = base64.b64decode(token)
    nonce, sealed = raw[:12], raw[12:]
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            return AESGCM(_wrapping_key(secret)).decrypt(nonce, sealed, _HKDF_INFO)
        except InvalidTag:
            continue
    raise ImproperlyConfigured(
        "An OIDC signing key cannot be decrypted: SECRET_KEY changed without keeping the old "
        "value in SECRET_KEY_FALLBACKS. Rotate the signing key (ecity oidc_keys rotate)."
    )


def public_jwk_of(key: jwk.JWK) -> dict:
    """The JWKS entry of ``key``: public parameters plus alg, use and kid."""
    data = json.loads(key.export_public())
    data.update({"alg": ALGORITHM, "use": "sig", "kid": key.thumbprint()})
    return data


def new_private_pem() -> bytes:
    """Generate a fresh RSA private key as unencrypted PKCS#8 PEM."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
    return private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def new_key_record(*, status: str) -> SigningKey:
    """Generate a key and store it (encrypted) with ``status``. The caller handles transactions."""
    pem = new_private_pem()
    key = jwk.JWK.from_pem(pem)
    record = SigningKey.objects.create(
        kid=key.thumbprint(),
        status=status,
        public_jwk=public_jwk_of(key),
        encrypted_private_key=encrypt_private_pem(pem),
    )
    _private_cache[record.kid] = key
    logger.info("Generated OIDC signing key %s (%s)", record.kid, status)
    return record


def _env_key() -> jwk.JWK | None:
    pem = getattr(settings, "ECITY_OIDC_PRIVATE_KEY", "")
    if not pem:
        return None
    try:
        key = jwk.JWK.from_pem(pem.encode("utf-8"))
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "ECITY_OIDC_PRIVATE_KEY must be an RSA private key in PEM format."
        ) from exc
    if key.get("kty") != "RSA" or not key.has_private:
        raise ImproperlyConfigured("ECITY_OIDC_PRIVATE_KEY must be an RSA private key.")
    return key


def _load_private(record: SigningKey) -> jwk.JWK:
    cached = _private_cache.get(record.kid)
    if cached is None:
        cached = jwk.JWK.from_pem(decrypt_private_pem(record.encrypted_private_key))
        _private_cache[record.kid] = cached
    return cached


def current_signing_key() -> jwk.JWK:
    """Return the private key that signs new ID tokens, generating one on first use.

    Two processes generating at once is harmless: the unique "one current key" constraint lets
    one win, and the other reads the winner's key.
    """
    env_key = _env_key()
    if env_key is not None:
        return env_key
    record = SigningKey.objects.filter(status=SigningKey.Status.CURRENT).first()
    if record is None:
        try:
            with transaction.atomic():
                record = new_key_record(status=SigningKey.Status.CURRENT)
        except IntegrityError:
            record = SigningKey.objects.get(status=SigningKey.Status.CURRENT)
    return _load_private(record)


def published_keys() -> list[dict]:
    """The JWKS ``keys``: the current key first, then previous keys (never retired ones)."""
    keys: list[dict] = []
    env_key = _env_key()
    if env_key is not None:
        keys.append(public_jwk_of(env_key))
    else:
        current_signing_key()  # a first visitor to the JWKS must see the key tokens will use
    records = SigningKey.objects.filter(
        status__in=[SigningKey.Status.CURRENT, SigningKey.Status.PREVIOUS]
    ).order_by("status", "-created_at")  # "current" sorts before "previous"
    seen = {key["kid"] for key in keys}
    for record in records:
        if record.kid not in seen:
            keys.append(record.public_jwk)
            seen.add(record.kid)
    return keys


def verification_key(kid: str | None) -> jwk.JWK | None:
    """Return the published public key with ``kid`` (None if unknown or retired)."""
    if not kid:
        return None
    for data in published_keys():
        if data["kid"] == kid:
            return jwk.JWK(**{k: v for k, v in data.items() if k not in {"alg", "use"}})
    return None
