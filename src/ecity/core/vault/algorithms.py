"""Signature algorithms of the vault: a small registry, Ed25519 and RS256 built in."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class SigningKeyUnavailable(RuntimeError):
    """A key's private half cannot be used (not stored, or its keyring key is gone)."""


class Algorithm(Protocol):
    """What the vault needs from a signature algorithm."""

    name: str

    def generate(self) -> tuple[str, str]:
        """Return a new (private key PKCS#8 PEM, public key text)."""

    def public_of(self, private_pem: str) -> str:
        """Return the public key text of a private key."""

    def kid_of(self, public_key: str) -> str:
        """Return the key ID derived from the public key."""

    def sign(self, private_pem: str, message: bytes) -> bytes:
        """Sign ``message``."""

    def verify(self, public_key: str, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is valid for ``message``."""


def _pem(private_key: Any) -> str:
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def _b64url(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


class Ed25519Algorithm:
    """Ed25519; the public key is the raw 32 bytes in base64, the kid its SHA-256 (16 hex)."""

    name = "Ed25519"

    # Parsing the PEM costs more than the signature: keep the parsed keys of this process.
    @staticmethod
    @functools.lru_cache(maxsize=256)
    def _load(private_pem: str) -> Ed25519PrivateKey:
        key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise SigningKeyUnavailable("the stored key is not an Ed25519 key")
        return key

    def _public_text(self, private_key: Ed25519PrivateKey) -> str:
        raw = private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return base64.b64encode(raw).decode("ascii")

    def generate(self) -> tuple[str, str]:
        private_key = Ed25519PrivateKey.generate()
        return _pem(private_key), self._public_text(private_key)

    def public_of(self, private_pem: str) -> str:
        return self._public_text(self._load(private_pem))

    def kid_of(self, public_key: str) -> str:
        return hashlib.sha256(base64.b64decode(public_key)).hexdigest()[:16]

    def sign(self, private_pem: str, message: bytes) -> bytes:
        return self._load(private_pem).sign(message)

    def verify(self, public_key: str, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key)).verify(
                signature, message
            )
        except (InvalidSignature, ValueError, TypeError):
            return False
        return True


class Rs256Algorithm:
    """RSA 2048 with PKCS#1 v1.5 and SHA-256 (JWS "RS256"); the public key is a PEM, the kid
    its RFC 7638 JWK thumbprint (what OIDC clients and django-oauth-toolkit expect)."""

    name = "RS256"
    key_bits = 2048

    def _load(self, private_pem: str) -> rsa.RSAPrivateKey:
        key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise SigningKeyUnavailable("the stored key is not an RSA key")
        return key

    def _public_text(self, private_key: rsa.RSAPrivateKey) -> str:
        return (
            private_key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode("ascii")
        )

    def generate(self) -> tuple[str, str]:
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=self.key_bits)
        return _pem(private_key), self._public_text(private_key)

    def public_of(self, private_pem: str) -> str:
        return self._public_text(self._load(private_pem))

    def public_jwk(self, public_key: str) -> dict[str, str]:
        """The public key as a JWK (``kty``, ``n``, ``e``)."""
        loaded = serialization.load_pem_public_key(public_key.encode("ascii"))
        if not isinstance(loaded, rsa.RSAPublicKey):
            raise ValueError("not an RSA public key")
        numbers = loaded.public_numbers()
        return {"kty": "RSA", "n": _b64url(numbers.n), "e": _b64url(numbers.e)}

    def kid_of(self, public_key: str) -> str:
        jwk = self.public_jwk(public_key)
        canonical = json.dumps(
            {"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"), sort_keys=True
        )
        digest = hashlib.sha256(canonical.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")

    def sign(self, private_pem: str, message: bytes) -> bytes:
        return self._load(private_pem).sign(message, padding.PKCS1v15(), hashes.SHA256())

    def verify(self, public_key: str, message: bytes, signature: bytes) -> bool:
        try:
            loaded = serialization.load_pem_public_key(public_key.encode("ascii"))
            if not isinstance(loaded, rsa.RSAPublicKey):
                return False
            loaded.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, ValueError, TypeError):
            return False
        return True


_ALGORITHMS: dict[str, Algorithm] = {}


def algorithm_register(algorithm: Algorithm) -> None:
    """Make ``algorithm`` available to the vault under its ``name`` (e.g. an SM2 plug-in)."""
    _ALGORITHMS[algorithm.name] = algorithm


def algorithm_get(name: str) -> Algorithm:
    """Return the registered algorithm ``name``; ``KeyError`` if none is registered."""
    return _ALGORITHMS[name]


algorithm_register(Ed25519Algorithm())
algorithm_register(Rs256Algorithm())
