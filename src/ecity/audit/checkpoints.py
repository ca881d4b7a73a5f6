"""Signed checkpoints of the audit chain head, in an append-only file the database cannot rewrite.

The hash chain shows that an entry was changed, but someone with write access to the database
can also cut its tail (and move the head back) or rewrite it and recompute every later hash
(and the anchors, which live in the same database): the chain then verifies as intact. So the
chain head is published outside the database: every ``ECITY_AUDIT_CHECKPOINT_EVERY_SECONDS`` the
job ``audit.checkpoint`` (or ``ecity manage audit_checkpoint``) signs the head (last sequence,
its hash, the time) with the current ``audit`` key of the signing-key vault and appends it to
``ECITY_AUDIT_CHECKPOINT_FILE`` (default ``$ECITY_DATA_DIR/audit/checkpoints.jsonl``), created
owner-only (0600, folder 0700). Put that file on storage the database's administrators cannot
write (another volume or host, write-once storage); later checkpoints can also go to another
node over the exchange.

``trail_verify`` checks the chain (``chain.chain_verify``) and then every checkpoint against it:

* ``checkpoint``: a line of the file is not a valid signed checkpoint, or lines were removed or
  reordered (each line carries the SHA-256 of the line before it): the file was altered;
* ``truncated``: a checkpoint names an entry the chain no longer reaches (entries removed from
  the tail, the head moved back);
* ``rewritten``: the entry a checkpoint names has another hash now (the chain was rewritten and
  re-hashed, somewhere after the last checkpoint that still matches).

File format (version 1): one JSON object per line, UTF-8, keys sorted, no spaces::

    {"v":1,"sequence":42,"hash":"<entry_hash of #42>","at":"2026-12-06T02:15:00.000000Z",
     "alg":"Ed25519","kid":"<vault key ID>","prev":"<SHA-256 hex of the previous line>",
     "sig":"<base64 signature>"}

``sig`` signs the canonical JSON of every other field (same serialisation). ``prev`` of the first
line is 64 zeros. A line is written in one ``write`` on a file opened for appending, under an
exclusive lock; a head already checkpointed is not written again.
"""

from __future__ import annotations

import base64
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.chain import VerificationResult, chain_verify, format_time
from ecity.audit.models import GENESIS_HASH, AuditChainHead, AuditEntry
from ecity.audit.sealing import audit_entries_seal
from ecity.core import vault
from ecity.core.models import SigningKey

logger = logging.getLogger("ecity.audit")

FORMAT_VERSION = 1
PURPOSE = SigningKey.Purpose.AUDIT
_SIGNED_FIELDS = ("v", "sequence", "hash", "at", "alg", "kid", "prev")


@dataclass(frozen=True)
class Checkpoint:
    """One signed chain head as read from (or written to) the checkpoint file."""

    sequence: int
    entry_hash: str
    at: dt.datetime
    kid: str
    line_number: int = 0


@dataclass(frozen=True)
class TrailVerification:
    """The chain checked on its own and against the signed checkpoints.

    Has the attributes of ``chain.VerificationResult`` (``ok``, ``checked``,
    ``first_broken_sequence``, ``reason``, ``problem``, ``last_sequence``, ``last_hash``) so
    that every page and command shows it the same way, plus the checkpoints checked and the one
    the database contradicts.
    """

    ok: bool
    checked: int
    first_broken_sequence: int | None = None
    reason: str = ""
    problem: str = ""
    last_sequence: int = 0
    last_hash: str = GENESIS_HASH
    checkpoints_checked: int = 0
    latest_checkpoint: Checkpoint | None = None
    contradicted: Checkpoint | None = field(default=None)

    @property
    def checkpoint_sequence(self) -> int | None:
        return self.contradicted.sequence if self.contradicted else None

    @property
    def checkpoint_at(self) -> dt.datetime | None:
        return self.contradicted.at if self.contradicted else None


def checkpoint_path() -> Path:
    """Where checkpoints are written and read (``ECITY_AUDIT_CHECKPOINT_FILE``)."""
    return Path(settings.ECITY_AUDIT_CHECKPOINT_FILE)


def _canonical(values: dict[str, Any]) -> bytes:
    return json.dumps(
        values, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _line_digest(line: bytes) -> str:
    return hashlib.sha256(line.rstrip(b"\n")).hexdigest()


def _last_line(handle: Any) -> bytes:
    """The last non-empty line of a file opened in binary mode (read from its end)."""
    handle.seek(0, os.SEEK_END)
    end = handle.tell()
    chunk = b""
    position = end
    while position > 0:
        step = min(4096, position)
        position -= step
        handle.seek(position)
        chunk = handle.read(step) + chunk
        stripped = chunk.rstrip(b"\n")
        if b"\n" in stripped:
            return stripped.rsplit(b"\n", 1)[1]
    return chunk.rstrip(b"\n")


# --- writing ---------------------------------------------------------------------------------


def checkpoint_write(
    *, path: Path | None = None, now: dt.datetime | None = None
) -> Checkpoint | None:
    """Sign the current chain head and append it to the checkpoint file; return it.

    Returns None when nothing was recorded yet or the head is already the last checkpoint. The
    file and its folder are created owner-only (0600 / 0700). Safe to run concurrently: the
    file is locked while its last line is read and the new one appended. Signs with the
    vault's current ``audit`` key (made on first use). Seals the committed entries first, so
    the checkpoint covers them. Raises ``OSError`` when the file cannot be written (the job
    fails loudly; nothing is half-written).
    """
    target = path or checkpoint_path()
    audit_entries_seal()
    head = AuditChainHead.objects.filter(pk=1).values_list("last_sequence", "last_hash").first()
    if head is None or head[0] == 0:
        return None
    sequence, entry_hash = head
    moment = now or timezone.now()
    key = vault.key_current(purpose=PURPOSE)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "r+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        last = _last_line(handle)
        prev = _line_digest(last) if last else GENESIS_HASH
        if last:
            try:
                if json.loads(last).get("sequence") == sequence:
                    return None
            except ValueError:
                pass  # an unreadable last line: verification reports it; keep checkpointing
        values: dict[str, Any] = {
            "v": FORMAT_VERSION,
            "sequence": sequence,
            "hash": entry_hash,
            "at": format_time(moment),
            "alg": key.algorithm,
            "kid": key.kid,
            "prev": prev,
        }
        signature = vault.key_sign(key=key, message=_canonical(values))
        values["sig"] = base64.b64encode(signature).decode("ascii")
        handle.write(_canonical(values) + b"\n")
        handle.flush()
        os.fsync(handle.fileno())
    logger.info("audit checkpoint: sequence=%s hash=%s file=%s", sequence, entry_hash, target)
    return Checkpoint(sequence=sequence, entry_hash=entry_hash, at=moment, kid=key.kid)


# --- reading and verifying -------------------------------------------------------------------


class CheckpointFileAltered(Exception):
    """A line of the checkpoint file is not a valid signed checkpoint in its place."""

    def __init__(self, line_number: int, reason: str) -> None:
        super().__init__(reason)
        self.line_number = line_number
        self.reason = reason


def _parse(raw: bytes, line_number: int, prev: str) -> Checkpoint:
    try:
        values = json.loads(raw)
        signature = base64.b64decode(values["sig"], validate=True)
        signed = {name: values[name] for name in _SIGNED_FIELDS}
        sequence = values["sequence"]
        at = dt.datetime.fromisoformat(values["at"].replace("Z", "+00:00"))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CheckpointFileAltered(line_number, _("it is not a checkpoint")) from exc
    if signed["v"] != FORMAT_VERSION or not isinstance(sequence, int) or sequence < 1:
        raise CheckpointFileAltered(line_number, _("it is not a checkpoint"))
    if not vault.key_verify(
        purpose=PURPOSE, kid=str(signed["kid"]), message=_canonical(signed), signature=signature
    ):
        raise CheckpointFileAltered(line_number, _("its signature is not valid"))
    if signed["prev"] != prev:
        raise CheckpointFileAltered(
            line_number, _("the line before it is not the one it was written after")
        )
    return Checkpoint(
        sequence=sequence,
        entry_hash=str(signed["hash"]),
        at=at,
        kid=str(signed["kid"]),
        line_number=line_number,
    )


def checkpoints_read(*, path: Path | None = None) -> list[Checkpoint]:
    """Every checkpoint in the file, oldest first ([] when there is no file yet).

    Raises ``CheckpointFileAltered`` naming the first line that is not a validly signed
    checkpoint written after the line before it.
    """
    target = path or checkpoint_path()
    if not target.exists():
        return []
    checkpoints: list[Checkpoint] = []
    prev = GENESIS_HASH
    with target.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            raw = line.rstrip(b"\n")
            if not raw:
                continue
            checkpoints.append(_parse(raw, number, prev))
            prev = _line_digest(raw)
    return checkpoints


def _entry_hashes(sequences: Iterable[int], batch: int) -> dict[int, str]:
    wanted = sorted(set(sequences))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), batch):
        found.update(
            AuditEntry.objects.filter(sequence__in=wanted[start : start + batch]).values_list(
                "sequence", "entry_hash"
            )
        )
    return found


def _broken(chain: VerificationResult, **values: Any) -> TrailVerification:
    return TrailVerification(
        ok=False,
        checked=chain.checked,
        last_sequence=chain.last_sequence,
        last_hash=chain.last_hash,
        **values,
    )


def trail_verify(
    *, start: int | None = None, batch: int = 1000, path: Path | None = None
) -> TrailVerification:
    """Verify the hash chain, then the chain against every signed checkpoint. Read-only.

    A broken chain is reported as ``chain_verify`` reports it. An intact chain is then checked
    against the checkpoint file: see the module docstring for ``checkpoint``, ``truncated`` and
    ``rewritten``; the result names the checkpoint the database contradicts.
    """
    chain = chain_verify(start=start, batch=batch)
    try:
        checkpoints = checkpoints_read(path=path)
    except CheckpointFileAltered as altered:
        return _broken(
            chain,
            problem="checkpoint",
            reason=_("The checkpoint file was altered: line %(line)d (%(why)s).")
            % {"line": altered.line_number, "why": altered.reason},
        )
    latest = checkpoints[-1] if checkpoints else None
    if not chain.ok:
        return TrailVerification(
            ok=False,
            checked=chain.checked,
            first_broken_sequence=chain.first_broken_sequence,
            reason=chain.reason,
            problem=chain.problem,
            last_sequence=chain.last_sequence,
            last_hash=chain.last_hash,
            checkpoints_checked=0,
            latest_checkpoint=latest,
        )
    hashes = _entry_hashes((c.sequence for c in checkpoints), batch)
    matched = 0  # the last sequence a checkpoint confirms
    for number, checkpoint in enumerate(checkpoints):
        if checkpoint.sequence > chain.last_sequence:
            return _broken(
                chain,
                first_broken_sequence=chain.last_sequence + 1,
                problem="truncated",
                reason=_(
                    "the chain ends at #%(last)d, but the checkpoint signed at %(at)s recorded "
                    "#%(sequence)d: entries were removed"
                )
                % {
                    "last": chain.last_sequence,
                    "at": format_time(checkpoint.at),
                    "sequence": checkpoint.sequence,
                },
                checkpoints_checked=number,
                latest_checkpoint=latest,
                contradicted=checkpoint,
            )
        if hashes.get(checkpoint.sequence) != checkpoint.entry_hash:
            return _broken(
                chain,
                first_broken_sequence=matched + 1,
                problem="rewritten",
                reason=_(
                    "entry #%(sequence)d differs from the checkpoint signed at %(at)s: the "
                    "chain was rewritten from an entry between #%(first)d and #%(sequence)d on"
                )
                % {
                    "sequence": checkpoint.sequence,
                    "at": format_time(checkpoint.at),
                    "first": matched + 1,
                },
                checkpoints_checked=number,
                latest_checkpoint=latest,
                contradicted=checkpoint,
            )
        matched = checkpoint.sequence
    return TrailVerification(
        ok=True,
        checked=chain.checked,
        last_sequence=chain.last_sequence,
        last_hash=chain.last_hash,
        checkpoints_checked=len(checkpoints),
        latest_checkpoint=latest,
    )
