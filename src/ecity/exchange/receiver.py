"""Receiver SDK for department systems (plain Python, no Django): verify an ecity push.

A push is an HTTP POST of ``{"envelope": {...}, "payload": ...}``. The receiver checks that the
envelope is signed by the claimed sender's key (public keys from ``GET /api/v1/exchange/keys``)
and that the payload matches the signed hash, then dedupes by ``envelope["message_id"]`` in its
own store (pushes are at least once: the same message may come again) and answers 2xx once it
has committed its effect::

    verifier = PushVerifier("https://ecity.example.gov.cn")

    def webhook(body: bytes) -> int:
        try:
            envelope, payload = verifier.verify(body)
        except PushRefused:
            return 400
        with my_db.transaction():
            if my_db.inbox_insert(envelope["message_id"]):   # False when already there
                handle(envelope, payload)
        return 204

Only the standard library and ``cryptography`` are used.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

KEYS_PATH = "/api/v1/exchange/keys"


class PushRefused(ValueError):
    """The push is malformed, unsigned, signed by an unknown key, or its payload was changed."""


def canonical_json(value: Any) -> bytes:
    """The byte form ecity signs and hashes (sorted keys, no whitespace, UTF-8)."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


KeyTable = Mapping[tuple[str, str], tuple[str, str]]  # (identifier, kid) -> (alg, public key)


def fetch_keys(base_url: str, *, identifier: str = "", timeout: float = 10.0) -> KeyTable:
    """Fetch the exchange's public keys: ``{(identifier, kid): (alg, public_key)}``."""
    url = base_url.rstrip("/") + KEYS_PATH
    if identifier:
        url += "?" + urllib.parse.urlencode({"identifier": identifier})
    if not url.startswith(("https://", "http://")):
        raise ValueError("the exchange address must be an http(s) URL")
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - checked above
        data = json.load(response)
    return {(k["identifier"], k["kid"]): (k["alg"], k["public_key"]) for k in data["keys"]}


def verify_push(body: bytes | str | Mapping[str, Any], keys: KeyTable) -> tuple[dict, Any]:
    """Return ``(envelope, payload)`` of a verified push; raise ``PushRefused`` otherwise."""
    try:
        data = json.loads(body) if isinstance(body, bytes | str) else dict(body)
        envelope, payload = data["envelope"], data["payload"]
        sender, kid, signature = envelope["sender"], envelope["kid"], envelope["signature"]
    except (ValueError, KeyError, TypeError) as error:
        raise PushRefused(f"malformed push: {error}") from None
    if not isinstance(envelope, dict):
        raise PushRefused("malformed push: the envelope is not an object")
    key = keys.get((sender, kid))
    if key is None:
        raise PushRefused(f"unknown key {kid!r} of {sender!r}")
    alg, public_key = key
    if alg != "Ed25519":
        raise PushRefused(f"unsupported algorithm {alg!r}")
    header = {name: value for name, value in envelope.items() if name != "signature"}
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key)).verify(
            _unb64(signature), canonical_json(header)
        )
    except (InvalidSignature, ValueError, TypeError, binascii.Error):
        raise PushRefused("the signature does not verify") from None
    expected = "sha256:" + hashlib.sha256(canonical_json(payload)).hexdigest()
    if envelope.get("payload_hash") != expected:
        raise PushRefused("the payload does not match the signed hash")
    return envelope, payload


class PushVerifier:
    """Verify pushes, fetching the keys once and again when an unknown key ID shows up."""

    def __init__(
        self, base_url: str, *, fetch: Callable[..., KeyTable] = fetch_keys, timeout: float = 10.0
    ) -> None:
        self.base_url = base_url
        self._fetch = fetch
        self._timeout = timeout
        self._keys: dict[tuple[str, str], tuple[str, str]] = {}
        self._lock = threading.Lock()

    def verify(self, body: bytes | str | Mapping[str, Any]) -> tuple[dict, Any]:
        """Return ``(envelope, payload)``; raise ``PushRefused``."""
        try:
            return verify_push(body, self._keys)
        except PushRefused as refused:
            if "unknown key" not in str(refused):
                raise
        with self._lock:  # a new sender or a rotated key: refresh once
            self._keys = dict(self._fetch(self.base_url, timeout=self._timeout))
        return verify_push(body, self._keys)
