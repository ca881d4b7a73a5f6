"""The rules of one data one source for one value, shared by every write to a record.

``parse_values`` validates the text of a record's attributes (by attribute and data element),
``decide`` applies one data one source to one value, ``conflict_store`` records a value that
disagrees with an authoritative one and ``conflicts_settled_by`` closes the conflicts an
authoritative value agrees with. ``write`` (one record) and ``bulk_records`` (a batch) apply
them. Rules: ``ecity.registry.services.records``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.errors import NotFound, ValidationFailed
from ecity.core.events import event_publish
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.attributes import Attribute
from ecity.registry.models import (
    Address,
    LegalEntityRecord,
    Person,
    RecordAttribute,
    RecordConflict,
)
from ecity.registry.selectors.metadata import data_element_authority, data_element_validate

Record = Person | LegalEntityRecord | Address
R = TypeVar("R", Person, LegalEntityRecord, Address)

#: Each kind of record's foreign key on ``RecordAttribute``/``RecordChange``/``RecordConflict``.
RECORD_FKS: dict[type[Record], str] = {
    Person: "person",
    LegalEntityRecord: "legal_entity",
    Address: "address",
}


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
    """The filter or create keyword naming ``record`` on the rows about its attributes."""
    return {RECORD_FKS[type(record)]: record}


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
