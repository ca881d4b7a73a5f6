"""Ed25519 signatures over certificate data, with keys from the platform's signing-key vault.

Canonical form (what is signed): the payload dict plus ``"key_id"``, serialised as JSON with
keys sorted at every level, no whitespace (separators ``,`` and ``:``), non-ASCII characters
written as themselves (``ensure_ascii=False``) and encoded as UTF-8. Values are strings,
integers, null, lists and dicts only (dates are ISO 8601 strings), so the bytes are the same on
every platform and after a round trip through SQLite or PostgreSQL JSON.

Keys: the vault's purpose ``certificates`` (``ecity.core.vault``; ``ecity manage keys
list|rotate|retire --purpose certificates``). The current key signs new certificates; previous
and retired keys keep verifying every certificate they signed, forever.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from ecity.core import vault
from ecity.core.models import SigningKey

PURPOSE = SigningKey.Purpose.CERTIFICATES
ALGORITHM = "Ed25519"
SigningKeyUnavailable = vault.SigningKeyUnavailable


def canonical_bytes(payload: dict[str, Any]) -> bytes:
    """Serialise ``payload`` in the canonical form described in the module docstring."""
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def active_key() -> SigningKey | None:
    """Return the key that signs new certificates, if there is one."""
    return vault.key_current_get(purpose=PURPOSE)


def key_generate(*, actor: Any = None) -> SigningKey:
    """Return the current certificate key, generating one when there is none (race-safe)."""
    return vault.key_current(purpose=PURPOSE, actor=actor)


def key_rotate(*, actor: Any = None) -> SigningKey:
    """Make a new current key; the old one becomes previous and keeps verifying. Audited."""
    return vault.key_rotate(purpose=PURPOSE, actor=actor)


def sign(payload: dict[str, Any]) -> tuple[str, SigningKey]:
    """Sign ``payload`` (with ``key_id`` added) using the current key; create one if none.

    Returns the base64 signature and the key. Raises ``SigningKeyUnavailable`` when the
    current key's private half cannot be used.
    """
    key = key_generate()
    message = canonical_bytes({**payload, "key_id": key.kid})
    signature = vault.key_sign(key=key, message=message)
    return base64.b64encode(signature).decode("ascii"), key


def verify(payload: dict[str, Any], signature: str, key_id: str) -> bool:
    """Whether ``signature`` is ``key_id``'s signature over ``payload`` (with ``key_id`` added).

    Works for current, previous and retired keys; an unknown key, a malformed signature or a
    payload that cannot be serialised canonically is simply not valid.
    """
    try:
        raw_signature = base64.b64decode(signature, validate=True)
        message = canonical_bytes({**payload, "key_id": key_id})
    except (binascii.Error, ValueError, TypeError):
        return False
    return vault.key_verify(purpose=PURPOSE, kid=key_id, message=message, signature=raw_signature)
