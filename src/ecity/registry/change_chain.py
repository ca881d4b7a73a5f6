"""The hash chain of the registry's change log: one chain per record, so writes never serialise.

Every ``RecordChange`` carries ``prev_hash``, the ``change_hash`` of the change before it of the
same record (``GENESIS_HASH`` for the record's first), and its own ``change_hash``. A record's
changes are chained in (``version``, ``attribute``) order; each version has at least one change,
and the newest change's version is the record's ``version``.

Canonical form (version 1)
--------------------------
``change_hash = HMAC-SHA256(index key, "registry_change" ‖ 0x00 ‖ canonical)`` in hex, with the
keyring's index key (``ecity.core.crypto.blind_index``): the values are personal and the hash is
stored beside them, so an unkeyed hash of an ID number could be brute-forced. ``canonical`` is
the JSON object below with sorted keys, no white space and non-ASCII characters as themselves::

    {"v": 1, "record": "person:42", "attribute": "address", "data_element": "DE0005",
     "version": 3, "old_value": "…", "new_value": "…", "source": "form",
     "source_reference": "…", "department": 7, "is_authoritative": true,
     "changed_at": "2026-12-06T01:02:03.456789Z", "changed_by": 5, "prev_hash": "…"}

The values are the plain texts (decrypted); ``department`` and ``changed_by`` the keys (null when
none). Deleting an account that wrote changes sets ``changed_by`` to null and so breaks the
chain of those changes: deactivate such accounts instead.

Verification (``changes_verify``, command ``registry_changes_verify``) walks every record's
changes and stops at the first broken link: ``modified`` (the content does not hash to its
``change_hash``), ``chain`` (``prev_hash`` is not the hash of the change before: one was
inserted, deleted or replaced), ``missing`` (a version of the record has no change, or the
newest changes are gone).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Max, OuterRef, Q
from django.utils.translation import gettext as _

from ecity.core.crypto import blind_index
from ecity.registry.models import Address, LegalEntityRecord, Person, RecordChange

GENESIS_HASH = "0" * 64
CANONICAL_VERSION = 1
KINDS = ("person", "legal_entity", "address")
MODELS = {"person": Person, "legal_entity": LegalEntityRecord, "address": Address}
# The RecordChange attributes covered by the hash (besides the record and prev_hash).
HASHED_FIELDS = (
    "attribute",
    "data_element",
    "version",
    "old_value",
    "new_value",
    "source",
    "source_reference",
    "department_id",
    "is_authoritative",
    "changed_at",
    "changed_by_id",
)


def _time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def change_hash(*, kind: str, record_id: int, values: Mapping[str, Any], prev_hash: str) -> str:
    """The hash of one change of record ``kind:record_id`` chained after ``prev_hash``."""
    payload = {
        "v": CANONICAL_VERSION,
        "record": f"{kind}:{record_id}",
        "attribute": values["attribute"],
        "data_element": values["data_element"] or "",
        "version": int(values["version"]),
        "old_value": values["old_value"] or "",
        "new_value": values["new_value"] or "",
        "source": values["source"],
        "source_reference": values["source_reference"] or "",
        "department": values["department_id"],
        "is_authoritative": bool(values["is_authoritative"]),
        "changed_at": _time(values["changed_at"]),
        "changed_by": values["changed_by_id"],
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return blind_index(canonical, purpose="registry_change")


def chain_link(
    *, kind: str, record_id: int, changes: Iterable[MutableMapping[str, Any]], head: str
) -> str:
    """Set ``prev_hash`` and ``change_hash`` of new ``changes`` of one record; the new head.

    ``changes`` are dicts (attname → value) of one version, chained after ``head`` (the
    record's newest ``change_hash``, or ``GENESIS_HASH``) in attribute order.
    """
    for change in sorted(changes, key=lambda c: c["attribute"]):
        change["prev_hash"] = head
        head = change["change_hash"] = change_hash(
            kind=kind, record_id=record_id, values=change, prev_hash=head
        )
    return head


def chain_heads(*, kind: str, record_ids: Iterable[int]) -> dict[int, str]:
    """The newest ``change_hash`` of each record of ``record_ids`` (none for no changes).

    Two queries: each record's newest version, then that version's changes. The caller holds
    the records' row locks, so no other writer extends these chains meanwhile.
    """
    ids = list(record_ids)
    if not ids:
        return {}
    newest = (
        RecordChange.objects.filter(**{f"{kind}_id__in": ids})
        .values_list(f"{kind}_id")
        .order_by()
        .annotate(top=Max("version"))
    )
    # One condition per distinct newest version (few), not per record (a batch holds thousands).
    by_version: dict[int, list[int]] = {}
    for record_id, version in newest:
        by_version.setdefault(version, []).append(record_id)
    condition = Q(pk__in=[])
    for version, record_ids_of_version in by_version.items():
        condition |= Q(**{f"{kind}_id__in": record_ids_of_version, "version": version})
    heads: dict[int, tuple[str, str]] = {}
    for record_id, attribute, hashed in RecordChange.objects.filter(condition).values_list(
        f"{kind}_id", "attribute", "change_hash"
    ):
        if record_id not in heads or attribute > heads[record_id][0]:
            heads[record_id] = (attribute, hashed)
    return {record_id: hashed for record_id, (_attribute, hashed) in heads.items()}


@dataclass(frozen=True)
class ChainBreak:
    """The first broken link found: which change (or record) and why."""

    kind: str
    record_id: int
    record_public_id: str
    version: int
    attribute: str
    change_id: int | None
    problem: str  # modified, chain, missing
    reason: str

    def __str__(self) -> str:
        where = f"{self.kind} record {self.record_public_id} v{self.version} {self.attribute}"
        if self.change_id is not None:
            where = f"record change #{self.change_id} ({where})"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class ChainResult:
    """Outcome of ``changes_verify``: ``broken`` names the first broken link when not ok."""

    checked: int
    records: int
    broken: ChainBreak | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None


_COLUMNS = ("id", *HASHED_FIELDS, "prev_hash", "change_hash")


def _record_changes(kind: str, batch: int) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """Yield (record id, its changes in chain order) for every record of ``kind`` with changes."""
    rows = (
        RecordChange.objects.filter(**{f"{kind}__isnull": False})
        .order_by(f"{kind}_id", "version", "id")
        .values(f"{kind}_id", *_COLUMNS)
        .iterator(chunk_size=batch)
    )
    current: int | None = None
    changes: list[dict[str, Any]] = []
    for row in rows:
        record_id = row[f"{kind}_id"]
        if record_id != current:
            if current is not None:
                yield current, changes
            current, changes = record_id, []
        changes.append(row)
    if current is not None:
        yield current, changes


def _ordered(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Attribute order in Python, not the database's collation (which may ignore "_").
    return sorted(changes, key=lambda c: (c["version"], c["attribute"]))


def _record_check(
    kind: str, record_id: int, changes: list[dict[str, Any]], record_version: int | None
) -> tuple[dict[str, Any] | None, str, str]:
    """The first broken change of one record's chain (or None), its problem and reason."""
    expected_prev, expected_version = GENESIS_HASH, 0
    for change in _ordered(changes):
        if (
            change["version"] not in (expected_version, expected_version + 1)
            or not change["version"]
        ):
            return change, "missing", _("changes of an earlier version are missing (deleted)")
        recomputed = change_hash(
            kind=kind, record_id=record_id, values=change, prev_hash=change["prev_hash"]
        )
        if recomputed != change["change_hash"]:
            return change, "modified", _("its content does not match its hash (modified)")
        if change["prev_hash"] != expected_prev:
            return (
                change,
                "chain",
                _(
                    "its previous hash is not the hash of the change before it (a change was "
                    "inserted, deleted or replaced)"
                ),
            )
        expected_prev, expected_version = change["change_hash"], change["version"]
    if record_version is not None and record_version != expected_version:
        return (
            None,
            "missing",
            _(
                "the record is at version %(record)s but its changes end at version %(last)s "
                "(the newest changes were deleted)"
            )
            % {"record": record_version, "last": expected_version},
        )
    return None, "", ""


def _grouped(kind: str, batch: int) -> Iterator[list[tuple[int, list[dict[str, Any]]]]]:
    group: list[tuple[int, list[dict[str, Any]]]] = []
    for item in _record_changes(kind, batch):
        group.append(item)
        if len(group) >= batch:
            yield group
            group = []
    if group:
        yield group


def changes_verify(*, batch: int = 2000) -> ChainResult:
    """Verify the change log's chains, record by record; stop at the first broken link.

    Read-only; streams the changes, reading the records' versions per group of ``batch``
    records. Persons first, then legal entities, then addresses, each in key order; then
    records that have a version but no change at all (their whole log deleted).
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    checked = records = 0
    for kind in KINDS:
        model = MODELS[kind]
        for group in _grouped(kind, batch):
            known = {
                row["pk"]: row
                for row in model.objects.filter(
                    pk__in=[record_id for record_id, _c in group]
                ).values("pk", "public_id", "version")
            }
            for record_id, changes in group:
                record = known.get(record_id)
                version = record["version"] if record else None
                change, problem, reason = _record_check(kind, record_id, changes, version)
                if problem:
                    shown = change or _ordered(changes)[-1]
                    return ChainResult(
                        checked=checked,
                        records=records,
                        broken=ChainBreak(
                            kind=kind,
                            record_id=record_id,
                            record_public_id=str(record["public_id"]) if record else "?",
                            version=shown["version"],
                            attribute=shown["attribute"],
                            change_id=change["id"] if change else None,
                            problem=problem,
                            reason=reason,
                        ),
                    )
                checked += len(changes)
                records += 1
        orphan = (
            model.objects.filter(version__gt=0)
            .filter(~Exists(RecordChange.objects.filter(**{kind: OuterRef("pk")})))
            .order_by("pk")
            .values("pk", "public_id", "version")
            .first()
        )
        if orphan is not None:
            return ChainResult(
                checked=checked,
                records=records,
                broken=ChainBreak(
                    kind=kind,
                    record_id=orphan["pk"],
                    record_public_id=str(orphan["public_id"]),
                    version=orphan["version"],
                    attribute="",
                    change_id=None,
                    problem="missing",
                    reason=_("the record has a version but no change at all (its log was deleted)"),
                ),
            )
    return ChainResult(checked=checked, records=records)
