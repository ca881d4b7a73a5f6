"""The shared write path of the base registries: one record, one transaction.

``_record_write`` checks the writer, locks the record, checks the version, validates the values
and applies them by the rules (``rules``), then audits and publishes (``after_write``).
``person_write``, ``legal_entity_record_write`` and ``address_write`` are this path with their
registry's key, attributes and audit action.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.core.events import event_publish
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.attributes import Attribute
from ecity.registry.change_chain import GENESIS_HASH, chain_heads, chain_link
from ecity.registry.models import RecordAttribute, RecordChange, RecordConflict, Source
from ecity.registry.selectors.records import can_write_records
from ecity.registry.services.records.rules import (
    LIVE_ELEMENTS,
    RECORD_FKS,
    SETTLED_FIELDS,
    Decision,
    R,
    Record,
    RecordWrite,
    Value,
    conflict_store,
    conflicts_settled_by,
    decide,
    is_authority_of,
    parse_values,
    record_kwargs,
)


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
        # The record's changes extend its own hash chain (a new record starts one).
        kind = RECORD_FKS[type(record)]
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
    check: Callable[[R | None, Mapping[str, Any]], dict[str, list[str]]] | None = None,
) -> RecordWrite[R]:
    """The write of ``person_write``, ``legal_entity_record_write`` and ``address_write``.

    The existing record (``found``) is locked, the version checked, the values parsed against
    the record's attribute ``specs`` (and together by ``check``, if given); a new record is keyed
    by ``key_spec``'s value.
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
        if check is not None:
            errors = check(record, {name: item.value for name, item in parsed.items()})
            if errors:
                raise ValidationFailed(fields=errors)
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
