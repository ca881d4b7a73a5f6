"""The hash chain: how an entry's hash is computed, and how the chain is verified.

Canonical form (version 1)
--------------------------
``entry_hash = SHA-256(canonical).hexdigest()`` (64 lower-case hex digits) where ``canonical`` is
the UTF-8 encoding of the JSON object below, serialised with keys sorted at every level, no
insignificant white space (separators ``","`` and ``":"``), non-ASCII characters written as
themselves (``ensure_ascii=False``) and NaN/Infinity refused::

    {"v": 1,
     "sequence": 42,                                    # integer
     "occurred_at": "2025-11-21T06:15:02.123456Z",      # UTC, always 6 fraction digits, "Z"
     "actor_public_id": "…", "actor_username": "…", "actor_display": "…",
     "actor_department": "…", "acting_for_uscc": "…", "acting_for_name": "…",
     "action": "role.granted", "object_type": "org.staffrole", "object_id": "…",
     "object_repr": "…", "subject_public_id": "…", "subject_username": "…",
     "fields": ["role", "department"],                  # list of strings
     "reason": "…", "ip_address": "203.0.113.5",        # or null; IPv6 compressed
     "user_agent": "…", "request_id": "…",
     "data": {…},                                       # JSON object, keys sorted too
     "prev_hash": "<entry_hash of sequence-1>"}        # 64 zeros for sequence 1

Every text field is the stored value ("" when empty). The foreign keys ``actor_id`` and
``subject_id`` are *not* hashed (deleting an account sets them to NULL); their immutable
snapshots ``actor_public_id``/``subject_public_id`` are, and verification checks that a
non-NULL foreign key still points to the account with that public ID.

Verification
------------
``chain_verify`` reads the entries in ascending sequence in batches (keyset pagination, constant
memory) and stops at the first problem, reporting the sequence of the first broken entry:

* ``modified``: the entry's content does not hash to its ``entry_hash``;
* ``missing``: a gap in the sequence (entries deleted) — names the entry after the gap;
* ``chain``: ``prev_hash`` differs from the previous entry's hash (an entry inserted, replaced
  or reordered with recomputed hashes);
* ``anchor``: the entry's hash differs from the anchor recorded for its sequence (the chain was
  rewritten from there on, hashes and all);
* ``link``: a foreign key points to a different account than the hashed snapshot;
* ``head``: the chain ends before (or differs from) the head row — the newest entries are gone;
* ``unsealed`` (only when the chain itself is intact): an entry has waited longer than
  ``UNSEALED_ALERT_SECONDS`` to be chained (see ``ecity.audit.sealing``): the sealer is not
  running, and until it is, that entry is not protected by the chain.

Entries not chained yet (``sequence`` NULL) are not part of the chain and not checked; the
result counts them (``unsealed``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.models import GENESIS_HASH, AuditAnchor, AuditChainHead, AuditEntry

CANONICAL_VERSION = 1
#: An entry still unsealed after this long is reported by verification.
UNSEALED_ALERT_SECONDS = 300

# The model fields covered by the hash (besides "v").
HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_public_id",
    "actor_username",
    "actor_display",
    "actor_department",
    "acting_for_uscc",
    "acting_for_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "subject_public_id",
    "subject_username",
    "fields",
    "reason",
    "ip_address",
    "user_agent",
    "request_id",
    "data",
    "prev_hash",
)


def format_time(value: dt.datetime) -> str:
    """UTC with microseconds and a "Z": the one textual form of ``occurred_at``."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def normalise_ip(value: str | None) -> str | None:
    """The compressed text form of an IP address (IPv4-mapped IPv6 becomes IPv4), or None."""
    if not value:
        return None
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def canonical_bytes(values: Mapping[str, Any]) -> bytes:
    """The canonical serialisation of an entry (see the module docstring)."""
    payload: dict[str, Any] = {"v": CANONICAL_VERSION}
    for name in HASHED_FIELDS:
        value = values[name]
        if name == "occurred_at":
            value = format_time(value)
        elif name == "ip_address":
            value = normalise_ip(value)
        elif name in {"fields", "data", "sequence"}:
            pass
        else:
            value = value or ""
        payload[name] = value
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def compute_hash(values: Mapping[str, Any]) -> str:
    """SHA-256 hex digest of ``canonical_bytes(values)``."""
    return hashlib.sha256(canonical_bytes(values)).hexdigest()


@dataclass(frozen=True)
class VerificationResult:
    """Outcome of ``chain_verify``: ``first_broken_sequence`` and ``reason`` are set when not ok."""

    ok: bool
    checked: int
    first_broken_sequence: int | None = None
    reason: str = ""
    problem: str = ""  # machine-readable: modified, missing, chain, anchor, link, head, unsealed
    last_sequence: int = 0
    last_hash: str = GENESIS_HASH
    unsealed: int = 0  # entries recorded but not chained yet


_VALUE_FIELDS = (
    *HASHED_FIELDS,
    "entry_hash",
    "actor_id",
    "actor__public_id",
    "subject_id",
    "subject__public_id",
)


def _rows(*, after: int, until: int, batch: int) -> Iterator[list[dict[str, Any]]]:
    """Yield batches of entries with ``after < sequence <= until`` in ascending order."""
    while True:
        rows = list(
            AuditEntry.objects.filter(sequence__gt=after, sequence__lte=until)
            .order_by("sequence")
            .values(*_VALUE_FIELDS)[:batch]
        )
        if not rows:
            return
        yield rows
        after = rows[-1]["sequence"]


def _link_broken(row: Mapping[str, Any], role: str) -> bool:
    if row[f"{role}_id"] is None:
        return False
    return str(row[f"{role}__public_id"]) != row[f"{role}_public_id"]


def _check(
    row: Mapping[str, Any], *, expected_sequence: int, expected_prev: str
) -> tuple[str, str]:
    """Return ``(problem, reason)`` for one entry, or ``("", "")`` when it is sound."""
    sequence = row["sequence"]
    if sequence != expected_sequence:
        if expected_sequence == sequence - 1:
            missing = f"#{expected_sequence}"
        else:
            missing = f"#{expected_sequence}–#{sequence - 1}"
        return "missing", _("entries %(missing)s before it are missing (deleted)") % {
            "missing": missing
        }
    if compute_hash(row) != row["entry_hash"]:
        return "modified", _("its content does not match its hash (modified)")
    if row["prev_hash"] != expected_prev:
        return "chain", _(
            "its previous hash does not match the entry before it (entry inserted, replaced "
            "or reordered)"
        )
    if _link_broken(row, "actor"):
        return "link", _("its actor link points to another account than the one recorded")
    if _link_broken(row, "subject"):
        return "link", _("its data subject link points to another account than the one recorded")
    return "", ""


def chain_verify(*, start: int | None = None, batch: int = 1000) -> VerificationResult:
    """Verify the hash chain from ``start`` (default: the first entry) up to the current head.

    Streams the entries in batches of ``batch`` and stops at the first broken entry. With
    ``start``, the entry just before it is trusted as the starting point. Read-only.
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    head = AuditChainHead.objects.filter(pk=1).first()
    head_sequence = head.last_sequence if head else 0
    head_hash = head.last_hash if head else GENESIS_HASH
    if head is None:
        # No head row: nothing was ever sealed, or it was removed; verify what is there.
        head_sequence = (
            AuditEntry.objects.filter(sequence__isnull=False)
            .order_by("-sequence")
            .values_list("sequence", flat=True)
            .first()
            or 0
        )
    expected_sequence, expected_prev = 1, GENESIS_HASH
    if start is not None and start > 1:
        before = (
            AuditEntry.objects.filter(sequence__lt=start)
            .order_by("-sequence")
            .values_list("sequence", "entry_hash")
            .first()
        )
        if before is not None:
            expected_sequence, expected_prev = before[0] + 1, before[1]
    checked = 0
    last_sequence, last_hash = expected_sequence - 1, expected_prev
    for rows in _rows(after=expected_sequence - 1, until=head_sequence, batch=batch):
        anchors = dict(
            AuditAnchor.objects.filter(
                sequence__gte=rows[0]["sequence"], sequence__lte=rows[-1]["sequence"]
            ).values_list("sequence", "entry_hash")
        )
        for row in rows:
            problem, reason = _check(
                row, expected_sequence=expected_sequence, expected_prev=expected_prev
            )
            if not problem and anchors.get(row["sequence"], row["entry_hash"]) != row["entry_hash"]:
                problem = "anchor"
                reason = _("its hash differs from the anchor recorded for it (chain rewritten)")
            if problem:
                return VerificationResult(
                    ok=False,
                    checked=checked,
                    first_broken_sequence=row["sequence"],
                    reason=reason,
                    problem=problem,
                    last_sequence=last_sequence,
                    last_hash=last_hash,
                )
            checked += 1
            expected_sequence = row["sequence"] + 1
            expected_prev = last_hash = row["entry_hash"]
            last_sequence = row["sequence"]
    if head is not None and (last_sequence != head_sequence or last_hash != head_hash):
        return VerificationResult(
            ok=False,
            checked=checked,
            first_broken_sequence=(
                last_sequence + 1 if last_sequence != head_sequence else last_sequence
            ),
            reason=_("the chain ends at #%(last)s but its head is #%(head)s (entries removed)")
            % {"last": last_sequence, "head": head_sequence}
            if last_sequence != head_sequence
            else _("the last entry's hash differs from the chain head"),
            problem="head",
            last_sequence=last_sequence,
            last_hash=last_hash,
        )
    return _unsealed_check(
        VerificationResult(
            ok=True, checked=checked, last_sequence=last_sequence, last_hash=last_hash
        )
    )


def _unsealed_check(result: VerificationResult) -> VerificationResult:
    """Count the entries not chained yet; report the oldest if it waited too long."""
    unsealed = AuditEntry.objects.filter(sequence__isnull=True)
    count = unsealed.count()
    if not count:
        return result
    oldest = unsealed.order_by("occurred_at", "id").values("id", "occurred_at", "action").first()
    if oldest is None:  # sealed meanwhile
        return result
    waited = (timezone.now() - oldest["occurred_at"]).total_seconds()
    if waited <= UNSEALED_ALERT_SECONDS:
        return replace(result, unsealed=count)
    return replace(
        result,
        ok=False,
        unsealed=count,
        problem="unsealed",
        reason=_(
            "%(count)d entries are not chained yet; the oldest (%(action)s, recorded at "
            "%(at)s) has waited %(minutes)d minutes: is the audit.seal job running?"
        )
        % {
            "count": count,
            "action": oldest["action"],
            "at": format_time(oldest["occurred_at"]),
            "minutes": waited // 60,
        },
    )
