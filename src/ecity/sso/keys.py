"""The RSA keys that sign ID tokens: where they come from and which are published.

* ``ECITY_OIDC_PRIVATE_KEY`` (PEM) set: that key signs; keys in the vault are still published
  so that tokens signed before the switch verify.
* Otherwise the current key of the platform's signing-key vault (``ecity.core.vault``, purpose
  ``oidc``, RS256) signs, generated on first use. Every web process shares it, so nothing has to
  be copied between machines; its private half is wrapped by the field-encryption keyring.

The key ID (``kid``) is the key's RFC 7638 thumbprint, as django-oauth-toolkit computes it.
The JWKS publishes the current key and the previous ones (never retired ones). Rotation and
retirement: ``ecity manage keys rotate|retire --purpose oidc`` (``ecity.sso.services``).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from jwcrypto import jwk

from ecity.core import vault
from ecity.core.models import SigningKey

ALGORITHM = "RS256"
PURPOSE = SigningKey.Purpose.OIDC

# Parsed private keys by kid: unwrapping and parsing a PEM costs milliseconds per token.
_private_cache: dict[str, jwk.JWK] = {}


def public_jwk_of(key: jwk.JWK) -> dict:
    """The JWKS entry of ``key``: public parameters plus alg, use and kid."""
    data = json.loads(key.export_public())
    data.update({"alg": ALGORITHM, "use": "sig", "kid": key.thumbprint()})
    return data


def _public_jwk_of_record(record: SigningKey) -> dict:
    data: dict = vault.Rs256Algorithm().public_jwk(record.public_key)
    data.update({"alg": ALGORITHM, "use": "sig", "kid": record.kid})
    return data


def new_private_pem() -> bytes:
    """Generate a fresh RSA private key as unencrypted PKCS#8 PEM."""
    private_pem, _public = vault.algorithm_get(ALGORITHM).generate()
    return private_pem.encode("ascii")


def env_private_pem() -> str:
    """The PEM of ``ECITY_OIDC_PRIVATE_KEY`` ("" when not set)."""
    return str(settings.ECITY_OIDC_PRIVATE_KEY or "")


def _env_key() -> jwk.JWK | None:
    pem = env_private_pem()
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
        try:
            pem = vault.private_pem_of(record)
        except vault.SigningKeyUnavailable as exc:
            raise ImproperlyConfigured(str(exc)) from exc
        cached = jwk.JWK.from_pem(pem.encode("ascii"))
        _private_cache[record.kid] = cached
    return cached


def current_signing_key() -> jwk.JWK:
    """Return the private key that signs new ID tokens, generating one on first use.

    Two processes generating at once is harmless: the vault's "one current key per purpose"
    constraint lets one win, and the other reads the winner's key.
    """
    env_key = _env_key()
    if env_key is not None:
        return env_key
    return _load_private(vault.key_current(purpose=PURPOSE))


def published_keys() -> list[dict]:
    """The JWKS ``keys``: the current key first, then previous keys (never retired ones)."""
    keys: list[dict] = []
    env_key = _env_key()
    if env_key is not None:
        keys.append(public_jwk_of(env_key))
    else:
        vault.key_current(purpose=PURPOSE)  # a first visitor must see the key tokens will use
    seen = {key["kid"] for key in keys}
    for record in vault.key_verifying(purpose=PURPOSE):
        if record.kid not in seen:
            keys.append(_public_jwk_of_record(record))
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
