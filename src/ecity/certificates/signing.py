"""Ed25519 signatures over certificate data, and management of the signing keys.

Canonical form (what is signed): the payload dict plus ``"key_id"``, serialised as JSON with
keys sorted at every level, no whitespace (separators ``,`` and ``:``), non-ASCII characters
written as themselves (``ensure_ascii=False``) and encoded as UTF-8. Values are strings,
integers, null, lists and dicts only (dates are ISO 8601 strings), so the bytes are the same on
every platform and after a round trip through SQLite or PostgreSQL JSON.

Key storage: keys live in the database (``SigningKey``) so that every web and worker process
signs with the same active key without a shared file system. The private key is PKCS#8 DER,
encrypted with AES-256-GCM; the AES key is derived from ``SECRET_KEY`` with HKDF-SHA256, and
the key ID is the associated data (a ciphertext cannot be moved to another key row). A
database dump alone therefore reveals no private key. If ``SECRET_KEY`` changes, list the old
value in ``SECRET_KEY_FALLBACKS`` or rotate: public keys need no secret, so every certificate
ever issued still verifies.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ecity.certificates.models import SigningKey

ALGORITHM = "Ed25519"
_ENCRYPTION_VERSION = "v1"
_HKDF_INFO = b"ecity certificate signing key encryption v1"


class SigningKeyUnavailable(RuntimeError):
    """The active key's private half cannot be decrypted (``SECRET_KEY`` changed)."""


def canonical_bytes(payload: dict[str, Any]) -> bytes:
    """Serialise ``payload`` in the canonical form described in the module docstring."""
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _wrapping_key(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        secret.encode("utf-8")
    )


def _secrets() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _encrypt_private_key(private_key: Ed25519PrivateKey, key_id: str) -> str:
    der = private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    nonce = os.urandom(12)
    ciphertext = AESGCM(_wrapping_key(settings.SECRET_KEY)).encrypt(
        nonce, der, key_id.encode("ascii")
    )
    return f"{_ENCRYPTION_VERSION}:{_b64(nonce + ciphertext)}"


def _decrypt_private_key(key: SigningKey) -> Ed25519PrivateKey:
    version, _sep, blob = key.private_key_encrypted.partition(":")
    if version != _ENCRYPTION_VERSION:
        raise SigningKeyUnavailable(f"unknown private key encryption {version!r}")
    raw = base64.b64decode(blob)
    nonce, ciphertext = raw[:12], raw[12:]
    for secret in _secrets():
        try:
            der = AESGCM(_wrapping_key(secret)).decrypt(
                nonce, ciphertext, key.key_id.encode("ascii")
            )
        except InvalidTag:
            continue
        loaded = serialization.load_der_private_key(der, password=None)
        if not isinstance(loaded, Ed25519PrivateKey):  # pragma: no cover - we only store Ed25519
            raise SigningKeyUnavailable("the stored key is not an Ed25519 key")
        return loaded
    raise SigningKeyUnavailable(
        f"the private key {key.key_id} cannot be decrypted with SECRET_KEY: rotate the key"
    )


def _new_key(*, actor: Any = None) -> SigningKey:
    private_key = Ed25519PrivateKey.generate()
    public_raw = private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    key_id = hashlib.sha256(public_raw).hexdigest()[:16]
    return SigningKey.objects.create(
        key_id=key_id,
        algorithm=ALGORITHM,
        public_key=_b64(public_raw),
        private_key_encrypted=_encrypt_private_key(private_key, key_id),
        status=SigningKey.Status.ACTIVE,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def active_key() -> SigningKey | None:
    """Return the key that signs new certificates, if there is one."""
    return SigningKey.objects.filter(status=SigningKey.Status.ACTIVE).first()


def key_generate(*, actor: Any = None) -> SigningKey:
    """Return the active signing key, generating one when there is none.

    Safe under concurrency: a unique constraint allows one active key, and a process that loses
    the race uses the winner's key.
    """
    existing = active_key()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _new_key(actor=actor)
    except IntegrityError:
        winner = active_key()
        if winner is None:  # pragma: no cover - the constraint was violated by an active key
            raise
        return winner


def key_rotate(*, actor: Any = None) -> SigningKey:
    """Retire the active key (kept to verify what it signed) and make a new active key."""
    with transaction.atomic():
        current = (
            SigningKey.objects.select_for_update().filter(status=SigningKey.Status.ACTIVE).first()
        )
        if current is not None:
            current.status = SigningKey.Status.RETIRED
            current.retired_at = timezone.now()
            current.save(update_fields=["status", "retired_at", "updated_at"])
        return _new_key(actor=actor)


def sign(payload: dict[str, Any]) -> tuple[str, SigningKey]:
    """Sign ``payload`` (with ``key_id`` added) using the active key; create one if none.

    Returns the base64 signature and the key.
    """
    key = key_generate()
    private_key = _decrypt_private_key(key)
    message = canonical_bytes({**payload, "key_id": key.key_id})
    return _b64(private_key.sign(message)), key


def verify(payload: dict[str, Any], signature: str, key_id: str) -> bool:
    """Whether ``signature`` is ``key_id``'s signature over ``payload`` (with ``key_id`` added).

    Works for active and retired keys; an unknown key, a malformed signature or a payload that
    cannot be serialised canonically is simply not valid.
    """
    key = SigningKey.objects.filter(key_id=key_id).first()
    if key is None:
        return False
    try:
        public_key = Ed25519PublicKey.from_public_bytes(base64.b64decode(key.public_key))
        raw_signature = base64.b64decode(signature, validate=True)
        public_key.verify(raw_signature, canonical_bytes({**payload, "key_id": key_id}))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
