"""Sealing: chaining committed audit entries, in commit order, outside the writers' transactions.

``services.audit_record`` inserts an entry *unsealed* (``sequence`` NULL, no hashes) in the
transaction of the act it records, so that an audited write takes no lock shared with every
other audited write in the platform. The entry is visible at once wherever entries are listed.
``audit_entries_seal`` then gives the committed unsealed entries their place in the chain:

* in a short transaction of its own, it locks the chain head (``AuditChainHead`` id=1), reads
  the unsealed entries that are committed (READ COMMITTED: a statement sees every transaction
  committed before it started), and gives each the next ``sequence``, the previous entry's hash
  as ``prev_hash`` and its ``entry_hash`` (``chain.compute_hash``), then advances the head;
* the order of the chain is the order in which entries become visible to the sealer, which is
  their commit order up to one sealing pass (within a pass, by id). On PostgreSQL ids are taken
  when a row is inserted, not when its transaction commits: an entry with a lower id that
  commits later is simply sealed by a later pass;
* it is run after a commit that recorded an entry (``transaction.on_commit``, robust: a
  failing sealer never fails the request, whose act is committed) at most once every
  ``ECITY_AUDIT_SEAL_INTERVAL_MS`` per process (100 ms; each pass seals every committed entry,
  so under load one pass serves many requests), and every ``SEAL_EVERY_SECONDS`` by the
  ``audit.seal`` job. After a commit it does not wait for the head
  lock (``SKIP LOCKED``): if another sealer holds it, that sealer looks again after releasing
  the lock and finds the entry (the entry committed before the lock was released), so writers
  never queue behind each other;
* concurrent sealers are serialised by the head lock; each pass re-reads the unsealed entries
  after taking it, so no entry is chained twice (the UPDATE also requires ``sequence IS NULL``).

The window: an entry is normally sealed within ``ECITY_AUDIT_SEAL_INTERVAL_MS`` after its
transaction commits while audited requests keep coming, and by the job within
``SEAL_EVERY_SECONDS`` when the last request of a burst fell inside a process's interval. It
stays unsealed longer only when the process died between its commit and the sealer, when the
sealer failed, or when one after-commit sealer stopped after ``MAX_PASSES`` passes under heavy
load; the ``audit.seal`` job seals it within ``SEAL_EVERY_SECONDS``. Verification reports an
entry unsealed for more than ``UNSEALED_ALERT_SECONDS`` (``chain.chain_verify``, problem
``unsealed``). A rolled-back transaction leaves no entry, sealed or not.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction

from ecity.audit.chain import HASHED_FIELDS, UNSEALED_ALERT_SECONDS, compute_hash
from ecity.audit.models import GENESIS_HASH, AuditChainHead, AuditEntry

logger = logging.getLogger("ecity.audit")

SEAL_EVERY_SECONDS = 5
__all__ = ["UNSEALED_ALERT_SECONDS", "audit_entries_seal", "head_lock", "seal_after_commit"]
BATCH = 500
#: Passes an after-commit sealer makes at most (the job picks up what is left).
MAX_PASSES = 5


def head_lock(*, wait: bool = True) -> AuditChainHead | None:
    """Lock the chain head (creating it from the newest sealed entry if it is missing).

    With ``wait=False`` return None at once when another transaction holds the lock
    (PostgreSQL ``SKIP LOCKED``; on SQLite, IMMEDIATE transactions already serialise writers).
    Must run inside ``transaction.atomic``.
    """
    head = AuditChainHead.objects.select_for_update(skip_locked=not wait).filter(pk=1).first()
    if head is not None:
        return head
    if not wait and AuditChainHead.objects.filter(pk=1).exists():
        return None  # it exists and is locked
    newest = (
        AuditEntry.objects.filter(sequence__isnull=False)
        .order_by("-sequence")
        .values_list("sequence", "entry_hash")
        .first()
    )
    try:
        with transaction.atomic():
            return AuditChainHead.objects.create(
                pk=1,
                last_sequence=newest[0] if newest else 0,
                last_hash=newest[1] if newest else GENESIS_HASH,
            )
    except IntegrityError:  # another sealer created it first
        return AuditChainHead.objects.select_for_update(skip_locked=not wait).filter(pk=1).first()


def _update_entries(seals: list[tuple[int, int, str, str]]) -> int:
    """Give each ``(id, sequence, prev_hash, entry_hash)`` entry its place; return how many.

    The one UPDATE of an entry (see ``models``): only entries still unsealed. PostgreSQL gets
    one statement for the whole pass; other databases one per entry.
    """
    if connection.vendor != "postgresql":
        return sum(
            models.QuerySet.update(
                AuditEntry.objects.filter(pk=pk, sequence__isnull=True),
                sequence=sequence,
                prev_hash=prev_hash,
                entry_hash=entry_hash,
            )
            for pk, sequence, prev_hash, entry_hash in seals
        )
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    values = ", ".join(["(%s::bigint, %s::bigint, %s, %s)"] * len(seals))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS e SET sequence = v.sequence, prev_hash = v.prev_hash, "  # noqa: S608
            f"entry_hash = v.entry_hash FROM (VALUES {values}) AS v(id, sequence, prev_hash, "
            "entry_hash) WHERE e.id = v.id AND e.sequence IS NULL",
            [value for seal in seals for value in seal],
        )
        return cursor.rowcount


def _seal_pass(*, wait: bool, batch: int) -> int | None:
    """Seal up to ``batch`` committed unsealed entries; None when the head was locked."""
    with transaction.atomic():
        head = head_lock(wait=wait)
        if head is None:
            return None
        rows = list(
            AuditEntry.objects.filter(sequence__isnull=True)
            .order_by("id")
            .values("id", *HASHED_FIELDS)[:batch]
        )
        if not rows:
            return 0
        sequence, last_hash = head.last_sequence, head.last_hash
        seals = []
        for row in rows:
            sequence += 1
            row.update(sequence=sequence, prev_hash=last_hash)
            last_hash = compute_hash(row)
            seals.append((row["id"], sequence, row["prev_hash"], last_hash))
        if _update_entries(seals) != len(seals):  # cannot happen under the head lock
            raise RuntimeError("audit entries were sealed concurrently")
        head.last_sequence, head.last_hash = sequence, last_hash
        head.save(update_fields=["last_sequence", "last_hash"])
    return len(rows)


def audit_entries_seal(*, wait: bool = True, batch: int = BATCH, max_passes: int = 0) -> int:
    """Chain every committed unsealed entry; return how many were sealed.

    ``wait=False`` (after a commit) gives up at once when another sealer holds the head lock;
    that sealer re-checks after releasing it. Loops until no unsealed entry is visible after
    a pass (or ``max_passes`` passes, 0 for no limit). Must not run inside a transaction that
    wrote entries (they would not be visible to its own re-check after commit).
    """
    total, passes = 0, 0
    while True:
        sealed = _seal_pass(wait=wait, batch=batch)
        passes += 1
        if sealed is None:
            return total
        total += sealed
        if max_passes and passes >= max_passes:
            return total
        if sealed < batch and not AuditEntry.objects.filter(sequence__isnull=True).exists():
            return total


class _AfterCommitPace:
    """When this process last started an after-commit pass (``time.monotonic``)."""

    last = float("-inf")


def _seal_after_commit() -> None:
    """Seal after a commit, at most once per ``ECITY_AUDIT_SEAL_INTERVAL_MS`` in this process.

    A pass seals every committed unsealed entry of the platform, so under load one pass per
    interval per process chains the entries of many requests at the cost of one. A commit that
    falls inside the interval leaves its entry to the next pass of this or any other process,
    or to the ``audit.seal`` job (``SEAL_EVERY_SECONDS``) when no audited commit follows.
    """
    interval = settings.ECITY_AUDIT_SEAL_INTERVAL_MS / 1000
    now = time.monotonic()
    if interval > 0 and now - _AfterCommitPace.last < interval:
        return
    _AfterCommitPace.last = now
    audit_entries_seal(wait=False, max_passes=MAX_PASSES)


def seal_after_commit() -> None:
    """Seal the current transaction's entries once it commits (once per transaction).

    Outside a transaction the entry is already committed: seal now. A rolled-back transaction
    (or savepoint) drops the callback together with its entries.
    """
    if connection.in_atomic_block and any(
        callback[1] is _seal_after_commit for callback in connection.run_on_commit
    ):
        return
    transaction.on_commit(_seal_after_commit, robust=True)
