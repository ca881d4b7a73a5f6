"""Field encryption (AES-256-GCM) under managed keys, and keyed blind indexes for exact lookups.

Keys live in a keyring, never in the repository:

* ``ECITY_FIELD_KEYS`` (environment, JSON) — production, the same value on every host; or
* the keyring file ``$ECITY_DATA_DIR/field_keys.json`` (mode 0600), created with a fresh key the
  first time the embedded platform needs one.

Keyring format::

    {"active": "k2", "keys": {"k1": "<base64 32 bytes>", "k2": "<base64 32 bytes>"},
     "index_key": "<base64 32 bytes>"}

A ciphertext is ``v1$<key id>$<base64url(nonce ‖ ciphertext ‖ tag)>``; the associated data is the
column's name (``app_label.model.field``), so a value copied into another column does not decrypt.
Rotation without downtime: ``field_keys rotate`` adds a new active key (old keys keep decrypting),
``field_keys reencrypt`` rewrites every encrypted column in batches with the active key, and
``field_keys retire <id>`` removes a key once no value uses it.

A blind index is ``HMAC-SHA256(index_key, purpose ‖ 0x00 ‖ normalised value)`` in hex: equal
values give equal indexes (so exact lookups and unique constraints work), but the index reveals
nothing without the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v1$"
_lock = threading.Lock()
_cached: Keyring | None = None


class DecryptionError(Exception):
    """A stored value could not be decrypted (unknown key, or the value was tampered with)."""


@dataclass(frozen=True)
class Keyring:
    active: str
    keys: dict[str, bytes]
    index_key: bytes

    @classmethod
    def from_json(cls, raw: str, *, source: str) -> Keyring:
        try:
            data = json.loads(raw)
            keys = {kid: base64.b64decode(value) for kid, value in data["keys"].items()}
            index_key = base64.b64decode(data["index_key"])
            active = data["active"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ImproperlyConfigured(f"field keyring in {source} is malformed: {exc}") from exc
        if active not in keys:
            raise ImproperlyConfigured(f"field keyring in {source}: active key {active!r} missing")
        for kid, key in keys.items():
            if len(key) != 32 or "$" in kid:
                raise ImproperlyConfigured(f"field keyring in {source}: key {kid!r} is invalid")
        if len(index_key) != 32:
            raise ImproperlyConfigured(f"field keyring in {source}: index_key must be 32 bytes")
        return cls(active=active, keys=keys, index_key=index_key)

    def to_json(self) -> str:
        return json.dumps(
            {
                "active": self.active,
                "keys": {k: base64.b64encode(v).decode() for k, v in self.keys.items()},
                "index_key": base64.b64encode(self.index_key).decode(),
            },
            indent=1,
        )


def new_keyring() -> Keyring:
    """A keyring with one fresh data key and a fresh index key."""
    return Keyring(
        active="k1", keys={"k1": AESGCM.generate_key(bit_length=256)}, index_key=os.urandom(32)
    )


def keyring_file() -> Path:
    return Path(settings.ECITY_FIELD_KEYS_FILE)


def keyring() -> Keyring:
    """The keyring in force: from ECITY_FIELD_KEYS, else the keyring file (created if absent)."""
    global _cached
    if _cached is not None:
        return _cached
    with _lock:
        if _cached is None:
            raw = settings.ECITY_FIELD_KEYS
            if raw:
                _cached = Keyring.from_json(raw, source="ECITY_FIELD_KEYS")
            else:
                path = keyring_file()
                if not path.exists():
                    keyring_save(new_keyring())
                _cached = Keyring.from_json(path.read_text(), source=str(path))
    return _cached


def keyring_save(ring: Keyring) -> None:
    """Write the keyring file atomically with owner-only permissions."""
    global _cached
    if settings.ECITY_FIELD_KEYS:
        raise ImproperlyConfigured(
            "keys come from ECITY_FIELD_KEYS: change that variable instead of the keyring file"
        )
    path = keyring_file()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(ring.to_json())
    tmp.replace(path)
    _cached = None


def reset_keyring_cache() -> None:
    global _cached
    _cached = None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def is_ciphertext(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt ``plaintext`` with the active key, bound to ``context`` (the column name)."""
    ring = keyring()
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(ring.keys[ring.active]).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}{ring.active}${_b64(nonce + sealed)}"


def decrypt(value: str, *, context: str) -> str:
    """Decrypt a value made by :func:`encrypt` for the same ``context``."""
    try:
        _, kid, body = value.split("$", 2)
        key = keyring().keys[kid]
        raw = _unb64(body)
        return AESGCM(key).decrypt(raw[:12], raw[12:], context.encode()).decode()
    except KeyError as exc:
        raise DecryptionError(f"no key {exc} in the keyring for {context}") from exc
    except (ValueError, InvalidTag) as exc:
        raise DecryptionError(f"value in {context} cannot be decrypted (tampered?)") from exc


def key_id_of(value: str) -> str:
    """The key id a ciphertext was made with."""
    return value.split("$", 2)[1]


def blind_index(value: str, *, purpose: str) -> str:
    """The keyed index of an already normalised value ("" stays "", so it can be optional)."""
    if not value:
        return ""
    mac = hmac.new(keyring().index_key, f"{purpose}\x00{value}".encode(), hashlib.sha256)
    return mac.hexdigest()
