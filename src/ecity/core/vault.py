"""The signing-key vault: one store of key pairs per purpose, one way to rotate and retire them.

Purposes: ``oidc`` (RS256 ID tokens), ``certificates`` (Ed25519 e-certificates and QR codes),
``audit`` (Ed25519 checkpoints of the audit chain head), ``exchange`` (Ed25519 message
envelopes). A key may have an **owner** within its purpose (an exchange subsystem's identifier;
empty for the node's own key). Per purpose and owner exactly one key is **current** (signs);
**previous** keys no longer sign but still verify
(OIDC publishes them in its JWKS); **retired** keys are kept as a record: OIDC stops publishing
them, while certificate and audit keys verify forever (a certificate issued ten years ago must
still verify), see ``PURPOSES``.

Storage (``core.SigningKey``): the public key in clear; the private key as PKCS#8 PEM in an
encrypted column, i.e. wrapped by the field-encryption keyring (``ecity.core.crypto``, AES-GCM,
bound to the column) like any personal data: ``field_keys rotate`` / ``reencrypt`` re-wrap the
signing keys together with everything else, and a database dump alone reveals no private key.

Algorithms are pluggable (``algorithm_register``): each knows how to generate a key pair, derive
the key ID, sign and verify. Ed25519 and RS256 are built in; SM2 can be added the same way.
Rotation and retirement are audited (``keys.rotated``, ``keys.retired``) through the kernel's
audit hook.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.audit_hook import audit_hook_record
from ecity.core.crypto import DecryptionError
from ecity.core.errors import Conflict, NotFound
from ecity.core.models import SigningKey

Purpose = SigningKey.Purpose
Status = SigningKey.Status


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


@dataclass(frozen=True)
class PurposeRules:
    """How one purpose uses the vault."""

    algorithm: str
    verifies_retired: bool  # whether a retired key still verifies what it signed


PURPOSES: dict[str, PurposeRules] = {
    Purpose.OIDC: PurposeRules(algorithm="RS256", verifies_retired=False),
    Purpose.CERTIFICATES: PurposeRules(algorithm="Ed25519", verifies_retired=True),
    Purpose.EXCHANGE: PurposeRules(algorithm="Ed25519", verifies_retired=True),
    # Checkpoints of the audit chain are verified for as long as the trail is kept.
    Purpose.AUDIT: PurposeRules(algorithm="Ed25519", verifies_retired=True),
}


# Checks an app runs before a rotation of its purpose (OIDC: refused while the environment
# supplies the key). A guard raises an ApplicationError to refuse.
_rotation_guards: dict[str, list[Callable[[], None]]] = {}


def rotation_guard_register(purpose: str, guard: Callable[[], None]) -> None:
    """Run ``guard`` before every rotation of ``purpose``; it raises to refuse. Once only."""
    guards = _rotation_guards.setdefault(purpose, [])
    if guard not in guards:
        guards.append(guard)


def _rules(purpose: str) -> PurposeRules:
    try:
        return PURPOSES[purpose]
    except KeyError:
        raise ValueError(f"unknown signing-key purpose {purpose!r}") from None


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


def key_current_for_signing(*, purpose: str, owner: str = "") -> SigningKey:
    """Return the current key of ``purpose`` and ``owner`` with its private half, cached.

    Like ``key_current`` (generates the first key on first use), but the key and its unwrapped
    private half are kept in this process and re-checked against the database's current kid at
    most every ``ECITY_VAULT_KEY_CHECK_SECONDS``. Raises ``SigningKeyUnavailable``.
    """
    now = time.monotonic()
    cached = _signing_keys.get((purpose, owner))
    if cached is not None:
        if now - cached.checked_at < _key_check_seconds():
            return cached.key
        current_kid = (
            SigningKey.objects.filter(purpose=purpose, owner=owner, status=Status.CURRENT)
            .values_list("kid", flat=True)
            .first()
        )
        if current_kid == cached.key.kid:
            cached.checked_at = now
            return cached.key
    key = key_current(purpose=purpose, owner=owner)
    private_pem_of(key)  # unwrap the private half once, here, not on every signature
    with _signing_keys_lock:
        _signing_keys[(purpose, owner)] = _CachedKey(key=key, checked_at=now)
    return key


# --- writes --------------------------------------------------------------------------------


def _key_create(
    *, purpose: str, status: str, actor: Any, private_pem: str = "", owner: str = ""
) -> SigningKey:
    algorithm = algorithm_get(_rules(purpose).algorithm)
    if private_pem:
        public_key = algorithm.public_of(private_pem)
    else:
        private_pem, public_key = algorithm.generate()
    return SigningKey.objects.create(
        purpose=purpose,
        owner=owner,
        kid=algorithm.kid_of(public_key),
        algorithm=algorithm.name,
        status=status,
        public_key=public_key,
        private_key=private_pem,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def key_current(*, purpose: str, actor: Any = None, owner: str = "") -> SigningKey:
    """Return the current key of ``purpose`` (and ``owner``), generating the first on first use.

    Safe under concurrency: a unique constraint allows one current key per purpose and owner,
    and a process that loses the race uses the winner's key.
    """
    existing = key_current_get(purpose=purpose, owner=owner)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _key_create(purpose=purpose, status=Status.CURRENT, actor=actor, owner=owner)
    except IntegrityError:
        winner = key_current_get(purpose=purpose, owner=owner)
        if winner is None:  # pragma: no cover - the constraint failed for another reason
            raise
        return winner


@transaction.atomic
def key_rotate(
    *, purpose: str, actor: Any = None, retire_previous: bool = False, owner: str = ""
) -> SigningKey:
    """Make a new current key for ``purpose`` (and ``owner``); the old current key becomes previous.

    With ``retire_previous`` the keys that were already previous become retired (for OIDC: no
    longer published; do it once every token they signed has expired). Side effects: audited
    as ``keys.rotated`` with the purpose and key IDs. Errors: whatever a rotation guard of
    the purpose raises (``Conflict`` for OIDC while ECITY_OIDC_PRIVATE_KEY is set).
    """
    _rules(purpose)
    for guard in _rotation_guards.get(purpose, []):
        guard()
    now = timezone.now()
    retired: list[str] = []
    if retire_previous:
        previous = SigningKey.objects.filter(purpose=purpose, owner=owner, status=Status.PREVIOUS)
        retired = list(previous.values_list("kid", flat=True))
        previous.update(status=Status.RETIRED, retired_at=now, updated_at=now)
    demoted = list(
        SigningKey.objects.select_for_update()
        .filter(purpose=purpose, owner=owner, status=Status.CURRENT)
        .values_list("kid", flat=True)
    )
    SigningKey.objects.filter(purpose=purpose, kid__in=demoted).update(
        status=Status.PREVIOUS, updated_at=now
    )
    key = _key_create(purpose=purpose, status=Status.CURRENT, actor=actor, owner=owner)
    # This process signs with the new key at once (also if the transaction rolls back, the
    # next signature just reloads); other processes notice within KEY_CHECK_SECONDS.
    signing_keys_forget(purpose=purpose, owner=owner)
    transaction.on_commit(lambda: signing_keys_forget(purpose=purpose, owner=owner))
    audit_hook_record(
        actor=actor,
        action="keys.rotated",
        obj=key,
        data={
            "purpose": purpose,
            **({"owner": owner} if owner else {}),
            "kid": key.kid,
            "previous": demoted,
            "retired": retired,
        },
    )
    return key


@transaction.atomic
def key_retire(*, purpose: str, kid: str, actor: Any = None) -> SigningKey:
    """Retire the previous key ``kid`` of ``purpose``.

    Rules: the current key cannot be retired (rotate first). Retiring twice changes nothing.
    Side effects: audited as ``keys.retired``. Errors: ``NotFound``, ``Conflict``.
    """
    key = SigningKey.objects.select_for_update().filter(purpose=purpose, kid=kid).first()
    if key is None:
        raise NotFound(_("No signing key has this ID."))
    if key.status == Status.CURRENT:
        raise Conflict(_("The current key cannot be retired; rotate first."))
    if key.status != Status.RETIRED:
        key.status = Status.RETIRED
        key.retired_at = timezone.now()
        key.save(update_fields=["status", "retired_at", "updated_at"])
        audit_hook_record(
            actor=actor, action="keys.retired", obj=key, data={"purpose": purpose, "kid": kid}
        )
    return key


@transaction.atomic
def trusted_keys_retire(*, purpose: str, owner: str, keep: set[str], actor: Any = None) -> int:
    """Retire ``owner``'s trusted keys (public-only, from another node) whose ID is not in ``keep``.

    A federated city's configuration lists every key it still stands behind; a key it dropped
    must stop verifying here at once. The node's own keys (with a private half) are never
    touched. Side effects: each retired key audited as ``keys.retired``. Returns how many.
    """
    _rules(purpose)
    if not owner:
        raise ValueError("trusted keys have an owner")
    candidates = (
        SigningKey.objects.select_for_update()
        .filter(purpose=purpose, owner=owner)
        .exclude(status=Status.RETIRED)
        .exclude(kid__in=keep)
    )
    # the private half is encrypted (no query on it): a key of our own is skipped here
    dropped = [key for key in candidates if not key.private_key]
    now = timezone.now()
    for key in dropped:
        key.status = Status.RETIRED
        key.retired_at = now
        key.save(update_fields=["status", "retired_at", "updated_at"])
        audit_hook_record(
            actor=actor,
            action="keys.retired",
            obj=key,
            data={"purpose": purpose, "kid": key.kid, "reason": "no longer listed by its owner"},
        )
    if dropped:
        signing_keys_forget(purpose=purpose)
    return len(dropped)


@transaction.atomic
def key_trust(
    *, purpose: str, owner: str, algorithm: str, public_key: str, status: str, actor: Any = None
) -> SigningKey:
    """Trust another node's public key (no private half): it verifies, it never signs here.

    Used for a federated city's node and subsystem keys. The key ID is derived from the public
    key. Trusting a key as current demotes the owner's other current key to previous; trusting
    a known key again updates its status. Rules: ``owner`` must not be empty (the node's own
    keys are never trusted from outside) and a key ID already held by another owner is refused.
    Side effects: audited as ``keys.trusted`` when new or when its status changes.
    Errors: ``ValueError`` for an unknown purpose, algorithm or unreadable public key,
    ``Conflict`` for a key of another owner or a local key with a private half.
    """
    _rules(purpose)
    if not owner:
        raise ValueError("a trusted key needs an owner")
    try:
        algo = algorithm_get(algorithm)
        kid = algo.kid_of(public_key)
    except (KeyError, ValueError, TypeError) as exc:
        raise ValueError(f"cannot read the {algorithm} public key") from exc
    if status not in Status.values:
        raise ValueError(f"unknown key status {status!r}")
    existing = SigningKey.objects.select_for_update().filter(purpose=purpose, kid=kid).first()
    if existing is not None and (existing.owner != owner or existing.private_key):
        raise Conflict(_("This key belongs to another owner of the vault."))
    if existing is not None and existing.status == status:
        return existing
    now = timezone.now()
    if status == Status.CURRENT:
        SigningKey.objects.filter(purpose=purpose, owner=owner, status=Status.CURRENT).exclude(
            kid=kid
        ).update(status=Status.PREVIOUS, updated_at=now)
    if existing is None:
        key = SigningKey.objects.create(
            purpose=purpose,
            owner=owner,
            kid=kid,
            algorithm=algo.name,
            status=status,
            public_key=public_key,
            private_key="",
            retired_at=now if status == Status.RETIRED else None,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
    else:
        key = existing
        key.status = status
        key.retired_at = now if status == Status.RETIRED else None
        key.save(update_fields=["status", "retired_at", "updated_at"])
    audit_hook_record(
        actor=actor,
        action="keys.trusted",
        obj=key,
        data={"purpose": purpose, "owner": owner, "kid": kid, "status": status},
    )
    return key


@transaction.atomic
def key_import(*, purpose: str, private_pem: str, actor: Any = None) -> tuple[SigningKey, bool]:
    """Store a key managed elsewhere (an environment variable) as previous, so it keeps verifying.

    Returns the key and whether it was new. Side effects: audited as ``keys.rotated`` when new.
    """
    algorithm = algorithm_get(_rules(purpose).algorithm)
    kid = algorithm.kid_of(algorithm.public_of(private_pem))
    existing = key_get(purpose=purpose, kid=kid)
    if existing is not None:
        return existing, False
    key = _key_create(purpose=purpose, status=Status.PREVIOUS, actor=actor, private_pem=private_pem)
    audit_hook_record(
        actor=actor,
        action="keys.rotated",
        obj=key,
        data={"purpose": purpose, "kept_env_key": key.kid},
    )
    return key, True
