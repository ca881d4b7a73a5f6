"""Writes of the vault: creating, rotating, retiring, trusting and importing keys (audited)."""

from __future__ import annotations

import time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.audit_hook import audit_hook_record
from ecity.core.errors import Conflict, NotFound
from ecity.core.models import SigningKey
from ecity.core.vault.algorithms import algorithm_get
from ecity.core.vault.keys import (
    _CachedKey,
    _key_check_seconds,
    _signing_keys,
    _signing_keys_lock,
    key_current_get,
    key_get,
    private_pem_of,
    signing_keys_forget,
)
from ecity.core.vault.purposes import _rotation_guards, _rules

Purpose = SigningKey.Purpose
Status = SigningKey.Status


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
