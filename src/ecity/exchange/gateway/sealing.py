"""Seal gateway messages with the party's current key (cached per process by the vault).

The gateway seals two messages per call; ``vault.key_current_for_signing`` keeps each owner's
current key with its private half in the process and re-checks its kid at most every
``ECITY_VAULT_KEY_CHECK_SECONDS`` (a rotated key signs within that time; the old one still
verifies until retired).
"""

from __future__ import annotations

import base64
import uuid
from typing import Any

from django.utils import timezone

from ecity.core import vault
from ecity.core.models import SigningKey
from ecity.exchange.canonical import Envelope, payload_hash


def _signing_key(owner: str) -> SigningKey:
    return vault.key_current_for_signing(purpose=vault.Purpose.EXCHANGE, owner=owner)


def signing_key(owner: str) -> SigningKey:
    """The current exchange signing key of ``owner`` (cached by the vault; may query)."""
    return _signing_key(owner)


def keys_forget() -> None:
    """Drop the cached exchange keys (tests: each test's database has its own keys)."""
    vault.signing_keys_forget(purpose=vault.Purpose.EXCHANGE)


def gateway_seal(
    *,
    sender: str,
    payload: Any,
    service: str,
    message_id: str = "",
    correlation_id: str = "",
    user_id: str = "",
    purpose: str = "",
    key: SigningKey | None = None,
) -> Envelope:
    """Seal ``payload`` from ``sender`` for ``service`` (same envelope as ``envelope_seal``).

    ``key``: the sender's current key when the caller holds it already (the lean path fetches
    keys outside its event loop); by default the vault's cached current key.
    """
    key = key or _signing_key(sender)
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
