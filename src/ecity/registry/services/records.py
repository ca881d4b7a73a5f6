"""Writes to the base registries: persons and legal entities, one data one source (一数一源).

``person_write`` and ``legal_entity_record_write`` create a record or change its attributes.
For each attribute the rules are:

- the value is validated at the boundary: normalised, checked by the attribute's own check
  (ID number check digit, USCC check character, mobile number) and by its data element
  (type, pattern, code list); any error is reported per field and nothing is written;
- the authority department of the attribute's data element (``data_element_authority``) writes
  the authoritative value; a write by another department, or without a department (an import or
  an exchange message nobody vouches for), is provisional: it is written while the attribute has
  no authoritative value, and stored as a ``RecordConflict`` when it disagrees with one;
- every change is logged (``RecordChange``: version, old → new, source and reference, who and
  for which department), and the attribute's provenance (``RecordAttribute``) says where the
  current value came from and whether it is authoritative.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ecity.core.events import event_publish
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.attributes import (
    LEGAL_ENTITY_ATTRIBUTES,
    LEGAL_ENTITY_KEY,
    PERSON_ATTRIBUTES,
    PERSON_KEY,
    Attribute,
)
from ecity.registry.change_chain import GENESIS_HASH, chain_heads, chain_link
from ecity.registry.models import (
    LegalEntityRecord,
    Person,
    RecordAttribute,
    RecordChange,
    RecordConflict,
    Source,
)
from ecity.registry.selectors.metadata import data_element_authority, data_element_validate
from ecity.registry.selectors.records import (
    can_write_records,
    legal_entity_record_get_by_uscc,
    person_get_by_id_number,
)

Record = Person | LegalEntityRecord
R = TypeVar("R", Person, LegalEntityRecord)


@dataclass
class RecordWrite(Generic[R]):
    """What a write did: the record, whether it was created, what changed, what conflicted."""

    record: R
    is_created: bool = False
    changed: list[str] = field(default_factory=list)
    conflicts: list[RecordConflict] = field(default_factory=list)


@dataclass(frozen=True)
class Value:
    attribute: Attribute
    text: str  # normalised, as logged
    value: Any  # as the model holds it


class Elements(Protocol):
    """Where the rules read data elements: the selectors, or a ``DataElementSnapshot``."""

    def validate(self, *, identifier: str, value: str) -> list[str]: ...

    def authority(self, *, identifier: str) -> Department | None: ...


class _LiveElements:
    def validate(self, *, identifier: str, value: str) -> list[str]:
        return data_element_validate(identifier=identifier, value=value)

    def authority(self, *, identifier: str) -> Department | None:
        return data_element_authority(identifier=identifier)


LIVE_ELEMENTS: Elements = _LiveElements()


def _element_messages(elements: Elements, identifier: str, text: str) -> list[str]:
    """The data element's messages about ``text``; none while the element is not defined."""
    try:
        return elements.validate(identifier=identifier, value=text)
    except NotFound:
        return []


def _authority(elements: Elements, identifier: str) -> Department | None:
    try:
        return elements.authority(identifier=identifier)
    except NotFound:
        return None


class Decision(enum.Enum):
    """What one data one source does with one value written to one attribute."""

    KEEP = "keep"  # same value, provenance as it is
    CONFIRM = "confirm"  # same value, provenance to (re)write (first or authoritative write)
    CONFLICT = "conflict"  # disagrees with the authoritative value: a RecordConflict
    CHANGE = "change"  # written


def decide(
    *, text: str, old_text: str, is_authority: bool, current: RecordAttribute | None
) -> Decision:
    """Decide what happens to ``text`` written over ``old_text`` (rules: module docstring)."""
    if text == old_text:
        if text and (current is None or (is_authority and not current.is_authoritative)):
            return Decision.CONFIRM
        return Decision.KEEP
    if current is not None and current.is_authoritative and not is_authority:
        return Decision.CONFLICT
    return Decision.CHANGE


def authority_of(attribute: Attribute, elements: Elements = LIVE_ELEMENTS) -> Department | None:
    """The department that writes ``attribute``'s authoritative value, if it has one."""
    return _authority(elements, attribute.authority_identifier)


def is_authority_of(
    elements: Elements, attribute: Attribute, department: Department | None
) -> bool:
    """Whether ``department`` is the authority of ``attribute``'s data element."""
    authority = _authority(elements, attribute.authority_identifier)
    return authority is not None and department is not None and department.pk == authority.pk


def parse_values(
    *,
    key: Attribute,
    key_text: str,
    specs: Mapping[str, Attribute],
    values: Mapping[str, str],
    is_creating: bool,
    elements: Elements = LIVE_ELEMENTS,
) -> tuple[Value, dict[str, Value]]:
    """Normalise and validate the key and ``values``; raise ``ValidationFailed`` on any error."""
    errors: dict[str, list[str]] = {}
    parsed: dict[str, Value] = {}
    for name in values:
        if name not in specs:
            errors[name] = [_("The registry has no attribute %(name)s.") % {"name": name}]
    items = [(key, key_text)] + [(specs[n], v) for n, v in values.items() if n in specs]
    if is_creating:
        items += [
            (spec, "") for spec in specs.values() if spec.is_required and spec.name not in values
        ]
    for spec, raw in items:
        text = spec.normalise(raw) if raw else ""
        if not text and spec.is_required:
            errors[spec.name] = [_("This field is required.")]
            continue
        try:
            if text and spec.check is not None:
                spec.check(text)
            value = spec.to_value(text)
        except ValidationError as exc:
            errors[spec.name] = [str(m) for m in exc.messages]
            continue
        messages = _element_messages(elements, spec.data_element, text) if text else []
        if messages:
            errors[spec.name] = messages
            continue
        parsed[spec.name] = Value(spec, text, value)
    if errors:
        raise ValidationFailed(fields=errors)
    return parsed.pop(key.name), parsed


def record_kwargs(record: Record) -> dict[str, Any]:
    return {"person": record} if isinstance(record, Person) else {"legal_entity": record}


def conflict_store(
    *,
    record: Record,
    item: Value,
    current: RecordAttribute,
    current_text: str,
    actor: User | None,
    department: Department | None,
    source: str,
    source_reference: str,
) -> RecordConflict:
    """Store (or find, when the same value was proposed the same way before) an open conflict."""
    for conflict in RecordConflict.objects.filter(
        **record_kwargs(record),
        attribute=item.attribute.name,
        status=RecordConflict.Status.OPEN,
        proposed_department=department,
        proposed_source=source,
    ):
        if conflict.proposed_value == item.text and conflict.authoritative_value == current_text:
            return conflict
    conflict = RecordConflict.objects.create(
        **record_kwargs(record),
        attribute=item.attribute.name,
        data_element=item.attribute.data_element,
        authoritative_value=current_text,
        authoritative_source=current.source,
        authoritative_department=current.department,
        proposed_value=item.text,
        proposed_source=source,
        proposed_source_reference=source_reference[:200],
        proposed_department=department,
        proposed_by=actor,
    )
    event_publish(
        name="registry.conflict_recorded",
        subject=str(conflict.public_id),
        data={
            "record": str(record.public_id),
            "attribute": conflict.attribute,
            "authoritative_department": current.department.code if current.department else "",
            "proposed_department": department.code if department else "",
        },
        key=str(conflict.public_id),
    )
    return conflict


#: The fields ``conflicts_settled_by`` changes.
SETTLED_FIELDS = ["status", "resolution", "resolved_at", "resolved_by", "updated_at"]


def conflicts_settled_by(
    conflicts: Iterable[RecordConflict], *, text: str, actor: User | None
) -> list[RecordConflict]:
    """Mark resolved (value taken) the open ``conflicts`` that the authority's ``text`` agrees
    with; return them, for the caller to save (``SETTLED_FIELDS``)."""
    settled = []
    now = timezone.now()
    for conflict in conflicts:
        if conflict.status == RecordConflict.Status.OPEN and conflict.proposed_value == text:
            conflict.status = RecordConflict.Status.RESOLVED
            conflict.resolution = RecordConflict.Resolution.TAKEN
            conflict.resolved_at = now
            conflict.resolved_by = actor
            conflict.updated_at = now
            settled.append(conflict)
    return settled


def _conflicts_settle(*, record: Record, attribute: str, text: str, actor: User) -> None:
    """Resolve the open conflicts the authority's new value agrees with."""
    conflicts = RecordConflict.objects.filter(
        **record_kwargs(record), attribute=attribute, status=RecordConflict.Status.OPEN
    )
    for conflict in conflicts_settled_by(conflicts, text=text, actor=actor):
        conflict.save(update_fields=SETTLED_FIELDS)


def _apply(
    *,
    record: R,
    is_created: bool,
    items: list[Value],
    actor: User,
    department: Department | None,
    source: str,
    source_reference: str,
) -> RecordWrite[R]:
    """Write ``items`` to ``record`` (locked or new) by the rules of one data one source."""
    result = RecordWrite(record=record, is_created=is_created)
    provenance: dict[str, RecordAttribute] = {}
    if not is_created:
        provenance = {
            row.attribute: row
            for row in RecordAttribute.objects.select_for_update().filter(**record_kwargs(record))
        }
    now = timezone.now()
    changes: list[tuple[Value, str, bool]] = []  # (item, old text, authoritative)
    confirmed: list[tuple[Value, bool]] = []  # provenance to write, value unchanged
    for item in items:
        spec = item.attribute
        old_text = "" if is_created else spec.to_text(getattr(record, spec.name))
        is_authority = is_authority_of(LIVE_ELEMENTS, spec, department)
        current = provenance.get(spec.name)
        decision = decide(
            text=item.text, old_text=old_text, is_authority=is_authority, current=current
        )
        if decision is Decision.CONFIRM:
            confirmed.append((item, is_authority))
        elif decision is Decision.CONFLICT:
            assert current is not None  # decide() conflicts only with a current value
            result.conflicts.append(
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
            setattr(record, spec.name, item.value)
            changes.append((item, old_text, is_authority))
    if changes:
        record.version += 1
        record.save()
    for item, is_authoritative in [(i, a) for i, _o, a in changes] + confirmed:
        RecordAttribute.objects.update_or_create(
            **record_kwargs(record),
            attribute=item.attribute.name,
            defaults={
                "data_element": item.attribute.data_element,
                "source": source,
                "source_reference": source_reference[:200],
                "department": department,
                "is_authoritative": is_authoritative,
                "written_at": now,
                "written_by": actor,
            },
        )
    rows = [
        {
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
        for item, old_text, is_authoritative in changes
    ]
    if rows:
        kind = "person" if isinstance(record, Person) else "legal_entity"
        head = GENESIS_HASH
        if not is_created:
            head = chain_heads(kind=kind, record_ids=[record.pk]).get(record.pk, GENESIS_HASH)
        chain_link(kind=kind, record_id=record.pk, changes=rows, head=head)
    RecordChange.objects.bulk_create(RecordChange(**record_kwargs(record), **row) for row in rows)
    for item, _old, is_authoritative in changes:
        if is_authoritative:
            _conflicts_settle(
                record=record, attribute=item.attribute.name, text=item.text, actor=actor
            )
    result.changed = [item.attribute.name for item, _o, _a in changes]
    return result


def _version_check(*, record: Record | None, expected_version: int | None) -> None:
    """Refuse a write made against another version of the record than the current one."""
    if expected_version is None:
        return
    if (record.version if record is not None else 0) != expected_version:
        raise Conflict(_("The record was changed by someone else: reload it and try again."))


def _write_check(*, actor: User, department: Department | None, source: str) -> None:
    if not can_write_records(actor=actor, department=department):
        raise PermissionDenied(_("You cannot write registry records for this department."))
    if source not in Source.values:
        raise ValidationFailed(fields={"source": [_("Choose a source of the values.")]})


def after_write(
    *,
    actor: User | None,
    result: RecordWrite[Any],
    action: str,
    department: Department | None,
    source: str,
    subject: User | None,
) -> None:
    """Audit a write that changed or conflicted as ``action``; publish ``action`` on a change."""
    record = result.record
    if not (result.changed or result.conflicts):
        return
    audit_record(
        actor=actor,
        action=action,
        obj=record,
        subject=subject,
        fields=result.changed + [c.attribute for c in result.conflicts],
        data={
            "version": record.version,
            "created": result.is_created,
            "source": source,
            "department": department.code if department else "",
            "conflicts": len(result.conflicts),
        },
    )
    if result.changed:
        event_publish(
            name=action,
            subject=str(record.public_id),
            data={"version": record.version, "attributes": result.changed},
            key=f"{record.public_id}:{record.version}",
        )


def person_write(
    *,
    actor: User,
    department: Department | None,
    source: str,
    source_reference: str = "",
    id_number: str,
    values: Mapping[str, str],
    expected_version: int | None = None,
) -> RecordWrite[Person]:
    """Create the person with ``id_number`` or change their attributes from ``values`` (text).

    Rules: the actor writes for ``department`` (``can_write_records``); values are validated
    by attribute and data element, errors per field, nothing written; one data one source as in
    the module's docstring. A new person needs a name. Side effects: the change log and the
    provenance of each attribute; on a change or a conflict a ``registry.person_changed`` audit
    entry (the person's account as subject); events ``registry.person_changed`` and
    ``registry.conflict_recorded``. ``expected_version`` (optional: the version the writer
    read, 0 for a new record) refuses a write over someone else's change.
    Errors: ``PermissionDenied``, ``ValidationFailed``, ``Conflict`` (version).
    """
    return _record_write(
        model=Person,
        found=lambda: person_get_by_id_number(id_number=id_number),
        key_spec=PERSON_KEY,
        key_text=id_number,
        specs=PERSON_ATTRIBUTES,
        action="registry.person_changed",
        subject=lambda person: person.account,
        actor=actor,
        department=department,
        source=source,
        source_reference=source_reference,
        values=values,
        expected_version=expected_version,
    )


def legal_entity_record_write(
    *,
    actor: User,
    department: Department | None,
    source: str,
    source_reference: str = "",
    uscc: str,
    values: Mapping[str, str],
    expected_version: int | None = None,
) -> RecordWrite[LegalEntityRecord]:
    """Create the legal-entity record with ``uscc`` or change its attributes from ``values``.

    Rules, side effects and errors as ``person_write`` (audit action and event
    ``registry.legal_entity_changed``); a new record needs a name.
    """
    return _record_write(
        model=LegalEntityRecord,
        found=lambda: legal_entity_record_get_by_uscc(uscc=uscc),
        key_spec=LEGAL_ENTITY_KEY,
        key_text=uscc,
        specs=LEGAL_ENTITY_ATTRIBUTES,
        action="registry.legal_entity_changed",
        subject=lambda record: None,
        actor=actor,
        department=department,
        source=source,
        source_reference=source_reference,
        values=values,
        expected_version=expected_version,
    )


def _record_write(
    *,
    model: type[R],
    found: Callable[[], R | None],
    key_spec: Attribute,
    key_text: str,
    specs: Mapping[str, Attribute],
    action: str,
    subject: Callable[[R], Any],
    actor: User,
    department: Department | None,
    source: str,
    source_reference: str,
    values: Mapping[str, str],
    expected_version: int | None,
) -> RecordWrite[R]:
    """The write of ``person_write`` and ``legal_entity_record_write``, for either kind of record.

    The existing record (``found``) is locked, the version checked, the values parsed against
    the record's attribute ``specs``; a new record is keyed by ``key_spec``'s value.
    """
    _write_check(actor=actor, department=department, source=source)
    with transaction.atomic():
        record = found()
        if record is not None:
            record = model.objects.select_for_update().get(pk=record.pk)
        _version_check(record=record, expected_version=expected_version)
        key, parsed = parse_values(
            key=key_spec,
            key_text=key_text,
            specs=specs,
            values=values,
            is_creating=record is None,
        )
        items = list(parsed.values())
        if record is None:
            record = model(**{key_spec.name: key.value})
            items.insert(0, key)
        result = _apply(
            record=record,
            is_created=not record.pk,
            items=items,
            actor=actor,
            department=department,
            source=source,
            source_reference=source_reference,
        )
        after_write(
            actor=actor,
            result=result,
            action=action,
            department=department,
            source=source,
            subject=subject(record),
        )
    return result
