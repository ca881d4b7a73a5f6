"""Reads of the vault: listing, finding and verifying keys, and the signing-key cache."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import QuerySet

from ecity.core.crypto import DecryptionError
from ecity.core.models import SigningKey
from ecity.core.vault.algorithms import SigningKeyUnavailable, algorithm_get
from ecity.core.vault.purposes import _rules

Purpose = SigningKey.Purpose
Status = SigningKey.Status


# --- reads ---------------------------------------------------------------------------------


# The private half is decrypted only to sign: reads defer it, so that verifying and listing
# keep working even if a keyring key that wrapped an old private key is gone.


def key_list(*, purpose: str | None = None) -> QuerySet[SigningKey]:
    """Return the vault's keys (of ``purpose``), newest first."""
    keys = (
        SigningKey.objects.select_related("created_by")
        .defer("private_key")
        .order_by("purpose", "-created_at")
    )
    return keys.filter(purpose=purpose) if purpose else keys


def key_current_get(*, purpose: str, owner: str = "") -> SigningKey | None:
    """Return the current key of ``purpose`` (and ``owner``), or None (nothing is generated)."""
    return (
        SigningKey.objects.defer("private_key")
        .filter(purpose=purpose, owner=owner, status=Status.CURRENT)
        .first()
    )


def key_get(*, purpose: str, kid: str) -> SigningKey | None:
    """Return the key ``kid`` of ``purpose``, whatever its status and owner, or None."""
    return SigningKey.objects.defer("private_key").filter(purpose=purpose, kid=kid).first()


def key_verifying(
    *, purpose: str, owner: str = "", accept_retired: bool = True
) -> QuerySet[SigningKey]:
    """Return the keys of ``purpose`` and ``owner`` that still verify (current first).

    Retired keys verify when the purpose says so (what they signed stays verifiable);
    ``accept_retired=False`` leaves them out, for a message that claims to be new.
    """
    statuses = [Status.CURRENT, Status.PREVIOUS]
    if accept_retired and _rules(purpose).verifies_retired:
        statuses.append(Status.RETIRED)
    # "current" sorts before "previous" and "retired"
    return (
        SigningKey.objects.defer("private_key")
        .filter(purpose=purpose, owner=owner, status__in=statuses)
        .order_by("status", "-created_at")
    )


def key_verify(
    *,
    purpose: str,
    kid: str,
    message: bytes,
    signature: bytes,
    owner: str = "",
    accept_retired: bool = True,
) -> bool:
    """Whether ``signature`` over ``message`` is valid for ``owner``'s verifying key ``kid``."""
    key = (
        key_verifying(purpose=purpose, owner=owner, accept_retired=accept_retired)
        .filter(kid=kid)
        .first()
    )
    if key is None:
        return False
    return algorithm_get(key.algorithm).verify(key.public_key, message, signature)


def private_pem_of(key: SigningKey) -> str:
    """Return the key's private half (PKCS#8 PEM). Raises ``SigningKeyUnavailable``."""
    try:
        private_pem = key.private_key  # loads (and decrypts) a deferred column here
    except DecryptionError as exc:
        raise SigningKeyUnavailable(
            f"the private key {key.kid} ({key.purpose}) cannot be unwrapped with the field "
            f"keyring: rotate the key (ecity manage keys rotate --purpose {key.purpose})"
        ) from exc
    if not private_pem:
        raise SigningKeyUnavailable(
            f"the private key {key.kid} ({key.purpose}) is not available: rotate the key "
            f"(ecity manage keys rotate --purpose {key.purpose})"
        )
    return private_pem


def key_sign(*, key: SigningKey, message: bytes) -> bytes:
    """Sign ``message`` with ``key`` (which must hold its private half)."""
    return algorithm_get(key.algorithm).sign(private_pem_of(key), message)


# --- the signing-key cache of this process ---------------------------------------------------
#
# Signing needs the current key with its private half: a query, an AES-GCM unwrap and a PEM
# parse (~2 ms under load), once per signature. The cache keeps, per purpose and owner, the
# current key with its private half loaded; at most every ``ECITY_VAULT_KEY_CHECK_SECONDS``
# (0: on every use) one cheap query of the current kid confirms it, so a rotation in another
# process is picked up within that time. A rotation in this process empties the entry at once.
# The old key still verifies as ``previous``, so signatures made in between stay valid.


@dataclass
class _CachedKey:
    key: SigningKey
    checked_at: float


_signing_keys: dict[tuple[str, str], _CachedKey] = {}
_signing_keys_lock = threading.Lock()


def _key_check_seconds() -> float:
    from django.conf import settings

    return float(getattr(settings, "ECITY_VAULT_KEY_CHECK_SECONDS", 0))


def signing_keys_forget(*, purpose: str | None = None, owner: str | None = None) -> None:
    """Drop cached signing keys (all, of ``purpose``, or of ``purpose`` and ``owner``)."""
    with _signing_keys_lock:
        for cached in list(_signing_keys):
            if (purpose is None or cached[0] == purpose) and (owner is None or cached[1] == owner):
                del _signing_keys[cached]
