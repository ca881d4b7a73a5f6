"""Operations on the field-encryption keyring: status, rotation, re-encryption, retirement.

The keyring encrypts columns (``core.fields``) and stored files (``core.storage``) alike.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.core.files.storage import storages
from django.db import models, transaction
from django.db.models.functions import Cast

from ecity.core import crypto
from ecity.core.fields import EncryptedTextField
from ecity.core.storage import EncryptedStorageMixin, stored_names

#: The name under which ``key_usage`` reports the stored files.
STORED_FILES = "stored files"


def encrypted_columns() -> Iterator[tuple[type[models.Model], EncryptedTextField]]:
    """Every (model, field) pair stored encrypted, across all installed apps."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field


def _raw(model: type[models.Model], field: EncryptedTextField) -> models.QuerySet:
    return (
        model._base_manager.annotate(_raw=Cast(field.name, models.TextField()))
        .exclude(_raw__isnull=True)
        .exclude(_raw="")
    )


def key_usage() -> dict[str, Counter[str]]:
    """Per encrypted column: how many values use each key ("plaintext": not encrypted yet).

    The stored files (``STORED_FILES``) count as one more column.
    """
    usage: dict[str, Counter[str]] = {}
    for model, field in encrypted_columns():
        counter: Counter[str] = Counter()
        for raw in _raw(model, field).values_list("_raw", flat=True).iterator():
            counter[crypto.key_id_of(raw) if crypto.is_ciphertext(raw) else "plaintext"] += 1
        usage[field.context] = counter
    files = stored_files_key_usage()
    if files:
        usage[STORED_FILES] = files
    return usage


def _encrypted_storage() -> EncryptedStorageMixin | None:
    storage = storages["default"]
    return storage if isinstance(storage, EncryptedStorageMixin) else None


def stored_files_key_usage() -> Counter[str]:
    """How many stored files use each key ("plaintext": stored before encryption)."""
    storage = _encrypted_storage()
    counter: Counter[str] = Counter()
    if storage is not None:
        for name in stored_names(storage):
            counter[storage.stored_key_id(name) or "plaintext"] += 1
    return counter


def stored_files_reseal() -> int:
    """Seal every stored file not yet under the active key (plaintext ones too); return the count.

    Each file is replaced atomically; safe while the platform runs (a file being uploaded at the
    same moment is written sealed with the active key already).
    """
    storage = _encrypted_storage()
    if storage is None:
        return 0
    active = crypto.keyring().active
    count = 0
    for name in stored_names(storage):
        if storage.stored_key_id(name) != active:
            storage.reseal(name)
            count += 1
    return count


def key_rotate() -> str:
    """Add a new active data key to the keyring file; older keys keep decrypting. Returns its id."""
    ring = crypto.keyring()
    number = 1 + max(int(kid[1:]) for kid in ring.keys if kid[1:].isdigit()) if ring.keys else 1
    kid = f"k{number}"
    keys = dict(ring.keys)
    keys[kid] = AESGCM.generate_key(bit_length=256)
    crypto.keyring_save(crypto.Keyring(active=kid, keys=keys, index_key=ring.index_key))
    return kid


def reencrypt(*, batch: int = 500) -> int:
    """Rewrite every value (and stored file) not under the active key. Returns the count.

    Safe while the platform runs: each row is updated only if its ciphertext is still the one
    that was read, so a concurrent edit is never overwritten with stale data.
    """
    active = crypto.keyring().active
    changed = 0
    for model, field in encrypted_columns():
        pending = [
            (pk, raw)
            for pk, raw in _raw(model, field).values_list("pk", "_raw").iterator()
            if not (crypto.is_ciphertext(raw) and crypto.key_id_of(raw) == active)
        ]
        for start in range(0, len(pending), batch):
            with transaction.atomic():
                for pk, raw in pending[start : start + batch]:
                    plain = (
                        crypto.decrypt(raw, context=field.context)
                        if crypto.is_ciphertext(raw)
                        else raw
                    )
                    # Written as ready-made ciphertext (an expression skips the field's own
                    # preparation), so it works alike for text and JSON columns.
                    sealed = models.Value(
                        crypto.encrypt(plain, context=field.context),
                        output_field=models.TextField(),
                    )
                    changed += (
                        model._base_manager.annotate(_raw=Cast(field.name, models.TextField()))
                        .filter(pk=pk, _raw=raw)
                        .update(**{field.name: sealed})
                    )
    return changed + stored_files_reseal()


def key_retire(kid: str) -> None:
    """Remove a data key that no stored value uses any more; refuse otherwise."""
    ring = crypto.keyring()
    if kid == ring.active:
        raise ValueError(f"{kid} is the active key: rotate first")
    if kid not in ring.keys:
        raise ValueError(f"no key {kid} in the keyring")
    in_use = {ctx: n[kid] for ctx, n in key_usage().items() if n[kid]}
    if in_use:
        raise ValueError(f"{kid} still encrypts values: {in_use}; run reencrypt first")
    keys = {k: v for k, v in ring.keys.items() if k != kid}
    crypto.keyring_save(crypto.Keyring(active=ring.active, keys=keys, index_key=ring.index_key))


def new_keyring_json() -> str:
    """A fresh keyring as JSON, to put in ECITY_FIELD_KEYS for a multi-host deployment."""
    ring = crypto.Keyring(
        active="k1", keys={"k1": AESGCM.generate_key(bit_length=256)}, index_key=os.urandom(32)
    )
    return ring.to_json()
