"""Writing a batch of rows to a base registry with the records' rules, in a few queries.

The rules are ``ecity.registry.services.records``' own (``parse_values`` validates a row,
``decide`` applies one data one source to each value, ``conflict_store`` records a conflict,
``after_write`` audits a change of an existing record): this module only does their reads and
writes for many records at once. For a batch:

- one query finds the existing records (by blind index, USCC or address code) and locks them,
  one reads their provenance, one their open conflicts;
- new records, provenance rows and change-log rows are written with ``bulk_create``, changed
  records and provenance with ``bulk_update``;
- the data elements are read once per import (``DataElementSnapshot``), and each attribute's
  authority is decided once per batch, not per value.

A created record has no account yet: the import's batch audit entry is the evidence of its
creation. A change or conflict on an existing record is audited and published one by one, as
``person_write`` does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.errors import ValidationFailed
from ecity.core.fields import BlindIndexField, refresh_blind_indexes
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.attributes import REGISTRY_SPECS, RegistrySpec  # noqa: F401 (re-export)
from ecity.registry.bulk_insert import ids_reserve, instance_row, rows_insert, uuid4_many
from ecity.registry.change_chain import GENESIS_HASH, chain_heads, chain_link
from ecity.registry.models import (
    Person,
    RecordAttribute,
    RecordChange,
    RecordConflict,
    Source,
)
from ecity.registry.services.records import (
    RECORD_FKS,
    SETTLED_FIELDS,
    Decision,
    Elements,
    Record,
    RecordWrite,
    Value,
    after_write,
    conflict_store,
    conflicts_settled_by,
    decide,
    is_authority_of,
    parse_values,
)

UPDATE_BATCH = 1000  # rows per UPDATE statement of bulk_update


@dataclass(frozen=True)
class RowProblem:
    """A problem of one row: spreadsheet row, the attribute (or "" for the row) and message."""

    row: int
    attribute: str
    message: str


@dataclass
class BatchResult:
    """What a batch did (or, validated only, would do), or the problems that stopped it."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    problems: list[RowProblem] = field(default_factory=list)


@dataclass
class _Row:
    number: int
    key: Value
    items: list[Value]
    record: Any = None  # the existing record (locked), or a new one
    lookup_key: str = ""  # the blind index of the key (persons) or the USCC


def _key_text(spec: RegistrySpec, raw: str) -> str:
    return spec.key.normalise(raw) if raw else ""


def _lookup_key(spec: RegistrySpec, text: str) -> str:
    """What the records are looked up by: the blind index of the ID number, or the key itself
    (USCC, address code)."""
    if spec.model is Person:
        index_field = Person._meta.get_field("id_number_index")
        assert isinstance(index_field, BlindIndexField)  # as the model declares
        return index_field.index_for(text)
    return text


def _existing(spec: RegistrySpec, keys: list[str], *, lock: bool) -> dict[str, Record]:
    """The existing records of ``keys`` (lookup keys), in one query (locked when writing)."""
    if not keys:
        return {}
    if spec.model is Person:
        persons = Person.objects.filter(id_number_index__in=keys)
        persons = persons.select_for_update() if lock else persons
        return {p.id_number_index: p for p in persons}
    records = cast(Any, spec.model.objects).filter(**{f"{spec.key.name}__in": keys})
    records = records.select_for_update() if lock else records
    return {getattr(r, spec.key.name): r for r in records}


def _parse_rows(
    spec: RegistrySpec,
    rows: list[tuple[int, dict[str, str]]],
    elements: Elements,
    *,
    lock: bool,
) -> tuple[list[_Row], list[RowProblem]]:
    """Validate ``rows`` ({attribute: text}) with ``parse_values``; find their records."""
    problems: list[RowProblem] = []
    lookup: dict[int, str] = {}
    seen: dict[str, int] = {}
    for number, values in rows:
        text = _key_text(spec, values.get(spec.key.name, ""))
        if not text:
            continue
        lookup_key = _lookup_key(spec, text)
        if lookup_key in seen:
            problems.append(
                RowProblem(
                    number,
                    spec.key.name,
                    _("This record is already in row %(row)d.") % {"row": seen[lookup_key]},
                )
            )
            continue
        seen[lookup_key] = number
        lookup[number] = lookup_key
    existing = _existing(spec, list(lookup.values()), lock=lock)
    parsed: list[_Row] = []
    taken = {p.row for p in problems}
    for number, values in rows:
        if number in taken:
            continue
        record = existing.get(lookup.get(number, ""))
        # An empty cell gives no value: an import never clears an attribute.
        given = {n: v for n, v in values.items() if n != spec.key.name and v}
        try:
            key, items = parse_values(
                key=spec.key,
                key_text=values.get(spec.key.name, ""),
                specs=spec.attributes,
                values=given,
                is_creating=record is None,
                elements=elements,
            )
        except ValidationFailed as exc:
            problems.extend(
                RowProblem(number, name, message)
                for name, messages in exc.fields.items()
                for message in messages
            )
            continue
        if spec.values_check is not None:
            together = spec.values_check(record, {n: item.value for n, item in items.items()})
            if together:
                problems.extend(
                    RowProblem(number, name, message)
                    for name, messages in together.items()
                    for message in messages
                )
                continue
        parsed.append(_Row(number, key, list(items.values()), record, lookup.get(number, "")))
    return parsed, problems


def _new_row(
    spec: RegistrySpec, record: Record, now: dt.datetime, public_ids: Iterator[str]
) -> dict[str, Any]:
    """The columns every new provenance or change-log row of ``record`` starts with."""
    return {
        "public_id": next(public_ids),
        "created_at": now,
        "updated_at": now,
        **{f"{fk}_id": None for fk in RECORD_FKS.values()},
        f"{spec.fk}_id": record.pk,
    }


def _records_insert(
    spec: RegistrySpec, records: list[Record], lookup_keys: dict[int, str], now: dt.datetime
) -> None:
    """Insert new records with their keys reserved, blind indexes computed once per value."""
    ids = ids_reserve(spec.model, len(records))
    if ids is None:
        cast(Any, spec.model.objects).bulk_create(records)
        return
    index_fields = [f for f in spec.model._meta.concrete_fields if isinstance(f, BlindIndexField)]
    rows = []
    for record, pk in zip(records, ids, strict=True):
        record.pk = pk
        record.created_at = record.updated_at = now
        for index in index_fields:
            known = lookup_keys.get(id(record)) if index.source == spec.key.name else None
            setattr(record, index.attname, known or index.index_for(getattr(record, index.source)))
        rows.append(instance_row(record))
        record._state.adding = False
    rows_insert(spec.model, rows)


def batch_validate(
    *, spec: RegistrySpec, rows: list[tuple[int, dict[str, str]]], elements: Elements
) -> BatchResult:
    """Check a batch as ``batch_write`` would, without writing: problems and what would happen."""
    parsed, problems = _parse_rows(spec, rows, elements, lock=False)
    result = BatchResult(problems=problems)
    result.created = sum(1 for row in parsed if row.record is None)
    return result


def batch_write(
    *,
    spec: RegistrySpec,
    rows: list[tuple[int, dict[str, str]]],
    elements: Elements,
    actor: User | None,
    department: Department | None,
    source_reference: str,
) -> BatchResult:
    """Write a batch of rows by the records' rules; nothing when any row has a problem.

    Must run inside the caller's transaction (the batch is all or nothing). Returns the counts,
    or the problems (and then writes nothing).
    """
    parsed, problems = _parse_rows(spec, rows, elements, lock=True)
    if problems:
        return BatchResult(problems=problems)
    result = BatchResult()
    source = Source.IMPORT
    now = timezone.now()
    authority = {
        name: is_authority_of(elements, attribute, department)
        for name, attribute in [(spec.key.name, spec.key), *spec.attributes.items()]
    }
    old_records = [row.record for row in parsed if row.record is not None]
    provenance: dict[tuple[int, str], RecordAttribute] = {}
    open_conflicts: dict[tuple[int, str], list[RecordConflict]] = {}
    if old_records:
        for attribute_row in RecordAttribute.objects.select_for_update().filter(
            **{f"{spec.fk}__in": old_records}
        ):
            provenance[(getattr(attribute_row, f"{spec.fk}_id"), attribute_row.attribute)] = (
                attribute_row
            )
        for conflict in RecordConflict.objects.filter(
            **{f"{spec.fk}__in": old_records}, status=RecordConflict.Status.OPEN
        ):
            open_conflicts.setdefault(
                (getattr(conflict, f"{spec.fk}_id"), conflict.attribute), []
            ).append(conflict)

    # (record, item, old text, authoritative) of every change; provenance to write.
    changes: list[tuple[Record, Value, str, bool]] = []
    confirmed: list[tuple[Record, Value, bool]] = []
    new_records: list[Record] = []
    changed_records: dict[int, Record] = {}
    changed_fields: set[str] = set()
    touched: list[RecordWrite[Any]] = []
    lookup_keys: dict[int, str] = {}
    for row in parsed:
        is_created = row.record is None
        if is_created:
            row.record = spec.model(**{spec.key.name: row.key.value})
            lookup_keys[id(row.record)] = row.lookup_key
            items = [row.key, *row.items]
        else:
            items = row.items
        record = row.record
        write: RecordWrite[Any] = RecordWrite(record=record, is_created=is_created)
        for item in items:
            name = item.attribute.name
            old_text = "" if is_created else item.attribute.to_text(getattr(record, name))
            current = None if is_created else provenance.get((record.pk, name))
            decision = decide(
                text=item.text, old_text=old_text, is_authority=authority[name], current=current
            )
            if decision is Decision.CONFIRM:
                confirmed.append((record, item, authority[name]))
            elif decision is Decision.CONFLICT:
                assert current is not None  # decide() conflicts only with a current value
                write.conflicts.append(
                    conflict_store(
                        record=record,
                        item=item,
                        current=current,
                        current_text=old_text,
                        actor=actor,
                        department=department,
                        source=source,
                        source_reference=source_reference,
                    )
                )
            elif decision is Decision.CHANGE:
                setattr(record, name, item.value)
                changes.append((record, item, old_text, authority[name]))
                write.changed.append(name)
                changed_fields.add(name)
        result.conflicts += len(write.conflicts)
        if write.changed:
            record.version += 1
            if is_created:
                new_records.append(record)
            else:
                changed_records[record.pk] = record
                touched.append(write)
        elif write.conflicts:
            touched.append(write)
        else:
            result.unchanged += 1
    result.created = len(new_records)
    result.updated = len(changed_records)

    _records_insert(spec, new_records, lookup_keys, now)
    if changed_records:
        for record in changed_records.values():
            refresh_blind_indexes(record)  # bulk_update runs no pre_save
            record.updated_at = now
        index_fields = [
            f.attname
            for f in spec.model._meta.concrete_fields
            if getattr(f, "source", None) in changed_fields
        ]
        cast(Any, spec.model.objects).bulk_update(
            list(changed_records.values()),
            [*sorted(changed_fields), *index_fields, "version", "updated_at"],
            batch_size=UPDATE_BATCH,
        )

    def provenance_values(is_authoritative: bool) -> dict[str, Any]:
        return {
            "source": source,
            "source_reference": source_reference[:200],
            "department": department,
            "is_authoritative": is_authoritative,
            "written_at": now,
            "written_by": actor,
        }

    # One public ID for each provenance row (at most one per change or confirmation) and each
    # change-log row, made at once.
    public_ids = iter(uuid4_many(2 * len(changes) + len(confirmed)))
    attribute_creates: list[dict[str, Any]] = []
    attribute_updates: list[RecordAttribute] = []
    for record, item, is_authoritative in [(r, i, a) for r, i, _o, a in changes] + confirmed:
        current = provenance.get((record.pk, item.attribute.name))
        if current is None:
            attribute_creates.append(
                {
                    **_new_row(spec, record, now, public_ids),
                    "attribute": item.attribute.name,
                    "data_element": item.attribute.data_element,
                    "source": source,
                    "source_reference": source_reference[:200],
                    "department_id": department.pk if department else None,
                    "is_authoritative": is_authoritative,
                    "written_at": now,
                    "written_by_id": actor.pk if actor else None,
                }
            )
            continue
        for name, value in provenance_values(is_authoritative).items():
            setattr(current, name, value)
        current.data_element = item.attribute.data_element
        current.updated_at = now
        attribute_updates.append(current)
    rows_insert(RecordAttribute, attribute_creates)
    RecordAttribute.objects.bulk_update(
        attribute_updates,
        [
            "data_element",
            "source",
            "source_reference",
            "department",
            "is_authoritative",
            "written_at",
            "written_by",
            "updated_at",
        ],
        batch_size=UPDATE_BATCH,
    )
    change_rows: dict[int, list[dict[str, Any]]] = {}
    for record, item, old_text, is_authoritative in changes:
        change_rows.setdefault(record.pk, []).append(
            {
                **_new_row(spec, record, now, public_ids),
                "attribute": item.attribute.name,
                "data_element": item.attribute.data_element,
                "version": record.version,
                "old_value": old_text,
                "new_value": item.text,
                "source": source,
                "source_reference": source_reference[:200],
                "department_id": department.pk if department else None,
                "is_authoritative": is_authoritative,
                "changed_at": now,
                "changed_by_id": actor.pk if actor else None,
            }
        )
    # Each record's changes extend its own hash chain (new records start a chain).
    heads = chain_heads(kind=spec.fk, record_ids=list(changed_records))
    for record_id, record_changes in change_rows.items():
        head = heads.get(record_id, GENESIS_HASH)
        chain_link(kind=spec.fk, record_id=record_id, changes=record_changes, head=head)
    rows_insert(RecordChange, [row for group in change_rows.values() for row in group])
    settled: list[RecordConflict] = []
    for record, item, _old, is_authoritative in changes:
        if is_authoritative:
            settled += conflicts_settled_by(
                open_conflicts.get((record.pk, item.attribute.name), []),
                text=item.text,
                actor=actor,
            )
    RecordConflict.objects.bulk_update(settled, SETTLED_FIELDS)
    for write in touched:
        after_write(
            actor=actor,
            result=write,
            action=spec.action,
            department=department,
            source=source,
            subject=getattr(write.record, "account", None),
        )
    return result
