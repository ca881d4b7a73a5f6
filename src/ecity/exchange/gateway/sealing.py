"""Seal gateway messages with the party's current key, cached per process.

``envelope_seal`` looks the key up in the vault on every call; the gateway seals two messages
per call, so it keeps each owner's current key for ``KEY_CACHE_SECONDS`` (a rotated key is
picked up within that time; the old one still verifies until retired).
"""

from __future__ import annotations

import base64
import threading
import time
import uuid
from typing import Any

from django.utils import timezone

from ecity.core import vault
from ecity.core.models import SigningKey
from ecity.exchange.canonical import Envelope, payload_hash

KEY_CACHE_SECONDS = 60.0
_keys: dict[str, tuple[SigningKey, float]] = {}
_lock = threading.Lock()


def _signing_key(owner: str) -> SigningKey:
    now = time.monotonic()
    cached = _keys.get(owner)
    if cached is not None and cached[1] > now:
        return cached[0]
    key = vault.key_current(purpose=vault.Purpose.EXCHANGE, owner=owner)
    vault.private_pem_of(key)  # load the private half once, here, not on every signature
    with _lock:
        _keys[owner] = (key, now + KEY_CACHE_SECONDS)
    return key


def keys_forget() -> None:
    """Drop the cached keys (tests, after a rotation)."""
    with _lock:
        _keys.clear()


def gateway_seal(
    *,
    sender: str,
    payload: Any,
    service: str,
    message_id: str = "",
    correlation_id: str = "",
    user_id: str = "",
    purpose: str = "",
) -> Envelope:
    """Seal ``payload`` from ``sender`` for ``service`` (same envelope as ``envelope_seal``)."""
    key = _signing_key(sender)
    unsigned = Envelope(
        message_id=message_id or str(uuid.uuid4()),
        sender=sender,
        created_at=timezone.now().isoformat(),
        payload_hash=payload_hash(payload),
        alg=key.algorithm,
        kid=key.kid,
        service=service,
        correlation_id=correlation_id,
        user_id=user_id,
        purpose=purpose,
    )
    signature = vault.key_sign(key=key, message=unsigned.signed_bytes())
    encoded = base64.urlsafe_b64encode(signature).rstrip(b"=").decode("ascii")
    return Envelope(**{**unsigned.to_dict(), "signature": encoded})
