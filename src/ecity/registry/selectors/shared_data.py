"""Reads of the base registries by department systems (the sharing API), filtered and audited.

Each read names its purpose; the fields returned are those the system may read today
(``selectors.sharing.registry_access``: unconditional items, items of an active grant; never a
not-shared item). A request for a field the system may not read, an unknown field, a missing
purpose or a malformed key is refused with field-level errors and returns nothing. Every
answered read (also ``exists`` and a record not found) is audited with the purpose as reason:
``registry.person_shared_read`` names the person's account as subject, so the person sees it on
"who looked at my data" (the system and its department shown as who); legal entities'
reads are ``registry.legal_entity_shared_read``, addresses' ``registry.address_shared_read``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import NotFound, PermissionDenied, ValidationFailed
from ecity.registry.models import Address, LegalEntityRecord, Person
from ecity.registry.selectors.places import address_get_by_code
from ecity.registry.selectors.records import (
    legal_entity_record_get_by_uscc,
    person_get_by_id_number,
)
from ecity.registry.selectors.sharing import (
    FieldAccess,
    RegistryAccess,
    SharedRegistry,
    registry_access,
)
from ecity.sso.selectors import SystemClient

Record = Person | LegalEntityRecord | Address

#: The audit action of a read, per kind of record.
READ_ACTIONS = {
    "person": "registry.person_shared_read",
    "legal_entity": "registry.legal_entity_shared_read",
    "address": "registry.address_shared_read",
}
MODELS: dict[str, type[Record]] = {
    "person": Person,
    "legal_entity": LegalEntityRecord,
    "address": Address,
}

#: The most records one ``list`` page returns.
MAX_PAGE_SIZE = 50


@dataclass(frozen=True)
class RecordPage:
    """One page of a ``list``: the records' readable values and the total count."""

    results: list[dict[str, str]]
    count: int
    fields: list[str]


def _purpose(purpose: str, errors: dict[str, list[str]]) -> str:
    purpose = (purpose or "").strip()
    if not purpose:
        errors["purpose"] = [
            _("Say why you read this data (the X-Purpose header or the purpose parameter).")
        ]
    elif len(purpose) > 500:
        errors["purpose"] = [_("At most %(limit)s characters.") % {"limit": 500}]
    return purpose


def _key(registry: SharedRegistry, key: str, errors: dict[str, list[str]]) -> str:
    spec = registry.key
    text = spec.normalise(key or "")
    if not text:
        errors[spec.name] = [_("Enter the %(label)s.") % {"label": spec.label}]
        return ""
    try:
        if spec.check is not None:
            spec.check(text)
    except ValidationError as error:
        errors[spec.name] = list(error.messages)
    return text


def _fields(
    registry: SharedRegistry, access: RegistryAccess, requested: Sequence[str] | None
) -> list[str]:
    """The fields to return; ``ValidationFailed``/``PermissionDenied`` naming each problem."""
    if requested:
        unknown = [name for name in requested if registry.attribute(name) is None]
        if unknown:
            raise ValidationFailed(
                fields={
                    "fields": [
                        _("Unknown field “%(field)s”.") % {"field": name} for name in unknown
                    ]
                }
            )
        refused = [access.problem(name) for name in requested if not access.can_read(name)]
        if refused:
            raise PermissionDenied(
                _("Your system may not read some of the fields asked for."),
                fields={"fields": refused},
            )
        return list(dict.fromkeys(requested))
    if not access.readable:
        problems = [
            access.problem(name)
            for name, state in access.fields.items()
            if state != FieldAccess.NOT_SHARED
        ]
        raise PermissionDenied(
            _("Your system may read no field of this registry."),
            fields={"fields": problems or [_("Nothing of this registry is shared.")]},
        )
    return access.readable


def _values(registry: SharedRegistry, record: Record, fields: Sequence[str]) -> dict[str, str]:
    values = {}
    for name in fields:
        spec = registry.attribute(name)
        assert spec is not None
        values[name] = spec.to_text(getattr(record, name))
    return values


def _find(registry: SharedRegistry, key: str) -> Record | None:
    if registry.kind == "person":
        return person_get_by_id_number(id_number=key)
    if registry.kind == "address":
        return address_get_by_code(code=key)
    return legal_entity_record_get_by_uscc(uscc=key)


def _audit(
    *,
    client: SystemClient,
    registry: SharedRegistry,
    record: Record | None,
    operation: str,
    fields: Sequence[str],
    purpose: str,
    request: HttpRequest | None,
    extra: Mapping[str, object] | None = None,
) -> None:
    audit_record(
        actor=None,
        system=client.name,
        system_department=client.department.name_zh,
        action=READ_ACTIONS[registry.kind],
        obj=record,
        subject=record.account if isinstance(record, Person) else None,
        fields=fields,
        reason=purpose,
        request=request,
        data={
            "registry": registry.name,
            "operation": operation,
            "client_id": client.client_id,
            "department": client.department.code,
            "found": record is not None,
            **(extra or {}),
        },
    )


def shared_record_read(
    *,
    client: SystemClient,
    registry: SharedRegistry,
    key: str,
    purpose: str,
    fields: Sequence[str] | None = None,
    request: HttpRequest | None = None,
    today: dt.date | None = None,
) -> dict[str, str]:
    """Read the record with ``key`` (ID number, USCC): the ``fields`` the system may read.

    Rules in the module docstring; ``fields`` empty means every field the system may read.
    Side effects: the audit entry (also when no record has the key). Errors:
    ``ValidationFailed`` (purpose, key, unknown field), ``PermissionDenied`` (a field the
    system may not read, with the reason: not shared, needs a grant, grant expired, revoked,
    another department's), ``NotFound`` (no such record).
    """
    errors: dict[str, list[str]] = {}
    purpose = _purpose(purpose, errors)
    key = _key(registry, key, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    access = registry_access(client=client, registry=registry, today=today or timezone.localdate())
    chosen = _fields(registry, access, fields)
    record = _find(registry, key)
    _audit(
        client=client,
        registry=registry,
        record=record,
        operation="read",
        fields=chosen if record is not None else (),
        purpose=purpose,
        request=request,
    )
    if record is None:
        raise NotFound(
            _("No record has this key."),
            fields={registry.key.name: [_("No record in the registry has this value.")]},
        )
    return _values(registry, record, chosen)


def shared_record_exists(
    *,
    client: SystemClient,
    registry: SharedRegistry,
    key: str,
    purpose: str,
    request: HttpRequest | None = None,
    today: dt.date | None = None,
) -> bool:
    """Whether a record with ``key`` exists: yes or no, no data.

    Rules: a system that may read at least one field of the registry; purpose and key as for
    ``shared_record_read``. Side effects: the audit entry (operation ``exists``).
    """
    errors: dict[str, list[str]] = {}
    purpose = _purpose(purpose, errors)
    key = _key(registry, key, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    access = registry_access(client=client, registry=registry, today=today or timezone.localdate())
    _fields(registry, access, None)
    record = _find(registry, key)
    _audit(
        client=client,
        registry=registry,
        record=record,
        operation="exists",
        fields=(),
        purpose=purpose,
        request=request,
    )
    return record is not None


def _filtered(
    registry: SharedRegistry, access: RegistryAccess, filters: Mapping[str, str]
) -> QuerySet[Person] | QuerySet[LegalEntityRecord]:
    records: QuerySet = (
        Person.objects.select_related("account")
        if registry.kind == "person"
        else MODELS[registry.kind].objects.all()
    )
    errors: dict[str, list[str]] = {}
    refused: dict[str, list[str]] = {}
    conditions: dict[str, object] = {}
    for name, raw in filters.items():
        if name == "text" and registry.text_attribute:
            if not access.can_read(registry.text_attribute):
                refused[name] = [access.problem(registry.text_attribute)]
                continue
            words = str(raw).split()
            if not words:
                errors[name] = [_("Enter words to search for.")]
            for word in words:
                records = records.filter(**{f"{registry.text_attribute}__icontains": word})
            continue
        spec = registry.attribute(name)
        if spec is None or name not in registry.filters:
            errors[name] = [
                _("No filter “%(name)s”. Filters: %(names)s.")
                % {"name": name, "names": ", ".join(registry.filter_names)}
            ]
            continue
        if not access.can_read(name):
            refused[name] = [access.problem(name)]
            continue
        try:
            value = spec.to_value(spec.normalise(raw))
        except ValidationError as error:
            errors[name] = list(error.messages)
            continue
        lookup = f"{name}__startswith" if name in registry.prefix_filters else name
        conditions[lookup] = value
    if errors:
        raise ValidationFailed(fields=errors)
    if refused:
        raise PermissionDenied(
            _("Your system may not filter on fields it cannot read."), fields=refused
        )
    return records.filter(**conditions).order_by("pk")


def shared_record_list(
    *,
    client: SystemClient,
    registry: SharedRegistry,
    filters: Mapping[str, str],
    purpose: str,
    fields: Sequence[str] | None = None,
    page: int = 1,
    page_size: int = 20,
    request: HttpRequest | None = None,
    today: dt.date | None = None,
) -> RecordPage:
    """List the records matching ``filters`` (exact values of readable filter fields), paged.

    Rules: at least one filter (a registry is not handed out whole); filters on the registry's
    filter fields that the system may read; page size at most ``MAX_PAGE_SIZE``; fields and
    purpose as for ``shared_record_read``. Side effects: one audit entry per person returned
    (the person's "who looked at my data"), one per page of legal entities or addresses.
    """
    errors: dict[str, list[str]] = {}
    purpose = _purpose(purpose, errors)
    if not filters:
        errors["filters"] = [
            _("Give at least one filter: %(names)s.") % {"names": ", ".join(registry.filter_names)}
        ]
    if page < 1:
        errors["page"] = [_("Pages start at 1.")]
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        errors["page_size"] = [_("Between 1 and %(limit)s.") % {"limit": MAX_PAGE_SIZE}]
    if errors:
        raise ValidationFailed(fields=errors)
    access = registry_access(client=client, registry=registry, today=today or timezone.localdate())
    chosen = _fields(registry, access, fields)
    records = _filtered(registry, access, filters)
    count = records.count()
    start = (page - 1) * page_size
    rows: list[Record] = list(records[start : start + page_size])
    if registry.kind == "person":
        for record in rows:
            _audit(
                client=client,
                registry=registry,
                record=record,
                operation="list",
                fields=chosen,
                purpose=purpose,
                request=request,
                extra={"filters": sorted(filters)},
            )
    else:
        _audit(
            client=client,
            registry=registry,
            record=None,
            operation="list",
            fields=chosen,
            purpose=purpose,
            request=request,
            extra={"filters": sorted(filters), "count": len(rows), "found": bool(rows)},
        )
    return RecordPage(
        results=[_values(registry, record, chosen) for record in rows], count=count, fields=chosen
    )
