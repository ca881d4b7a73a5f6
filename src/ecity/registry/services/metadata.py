"""Writes of data elements (数据元): drafts, putting in force, withdrawing, revising.

Life cycle: a new element is a draft (version 1); a draft is changed freely and then put in
force; an element in force is withdrawn when it must no longer be used, or revised (back to a
draft with the next version number). Only drafts change.

Permissions: platform administrators (the platform's data administrators) maintain every
element; a department administrator maintains the elements of which their department is the
authority (一数一源) and may not give an element to a department they do not administer.
``actor=None`` is the command line or a loader run by an operator. Every act is audited and
putting in force or withdrawing publishes ``registry.data_element_changed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import Conflict, ValidationFailed
from ecity.core.events import event_publish
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.data.data_elements import DATA_ELEMENTS
from ecity.registry.errors import RegistryErrorCode
from ecity.registry.models import CodeList, DataElement
from ecity.registry.services._permissions import require_metadata_maintainer
from ecity.registry.services.codes import code_lists_load_shipped

_EDITABLE = (
    "name",
    "name_en",
    "definition",
    "data_type",
    "format",
    "pattern",
    "code_list",
    "check_rule",
    "unit",
    "authority",
    "synonyms",
)


def _clean_synonyms(synonyms: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for synonym in synonyms:
        text = " ".join(str(synonym).split())
        if text and text not in seen:
            seen.append(text)
    return seen


def _validated_save(element: DataElement) -> None:
    try:
        element.full_clean()
    except DjangoValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict) from exc
    element.save()


@transaction.atomic
def data_element_save_draft(
    *,
    actor: User | None,
    identifier: str,
    name: str,
    name_en: str = "",
    definition: str = "",
    data_type: str = DataElement.DataType.STRING,
    format: str = "",  # the GB/T 19488 attribute's name (shadows the builtin here only)
    pattern: str = "",
    code_list: CodeList | None = None,
    check_rule: str = "",
    unit: str = "",
    authority: Department | None = None,
    synonyms: Sequence[str] = (),
) -> DataElement:
    """Create the draft data element ``identifier`` or change it while it is a draft.

    Rules: every attribute is validated by the model (a pattern must run on RE2, a code-type
    element needs a code list). Permissions: see the module; a department administrator must
    administer both the current and the new authority. Side effects: audited
    (``registry.data_element_saved``). Errors: ``PermissionDenied``, ``ValidationFailed``,
    ``Conflict`` (``data_element_not_draft``) when the element is in force or withdrawn.
    """
    identifier = identifier.strip()
    element = DataElement.objects.select_for_update().filter(identifier=identifier).first()
    require_metadata_maintainer(actor, authority)
    if element is not None:
        require_metadata_maintainer(actor, element.authority)
        if element.status != DataElement.Status.DRAFT:
            raise Conflict(code=RegistryErrorCode.DATA_ELEMENT_NOT_DRAFT)
    is_new = element is None
    if element is None:
        element = DataElement(identifier=identifier)
    if authority is None and actor is not None:
        # Only platform administrators keep an element without an authority.
        require_metadata_maintainer(actor)
    values = {
        "name": name.strip(),
        "name_en": name_en.strip(),
        "definition": definition.strip(),
        "data_type": data_type,
        "format": format.strip(),
        "pattern": pattern,
        "code_list": code_list,
        "check_rule": check_rule,
        "unit": unit.strip(),
        "authority": authority,
        "synonyms": _clean_synonyms(synonyms),
    }
    for attribute in _EDITABLE:
        setattr(element, attribute, values[attribute])
    _validated_save(element)
    audit_record(
        actor=actor,
        action="registry.data_element_saved",
        obj=element,
        data={"identifier": identifier, "version": element.version, "created": is_new},
    )
    return element


def _publish_change(element: DataElement) -> None:
    event_publish(
        name="registry.data_element_changed",
        subject=f"registry.dataelement:{element.public_id}",
        data={
            "identifier": element.identifier,
            "version": element.version,
            "status": element.status,
            "authority": element.authority.code if element.authority else "",
        },
        key=f"{element.public_id}:{element.version}:{element.status}",
    )


def _locked(element: DataElement) -> DataElement:
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to the authority.
    return (
        DataElement.objects.select_for_update(of=("self",))
        .select_related("authority")
        .get(pk=element.pk)
    )


@transaction.atomic
def data_element_put_in_force(*, actor: User | None, element: DataElement) -> DataElement:
    """Put a draft data element in force: from now on it defines its values.

    Permissions: see the module. Side effects: audited (``registry.data_element_put_in_force``),
    publishes ``registry.data_element_changed``. Errors: ``PermissionDenied``, ``Conflict``
    (``data_element_not_draft``).
    """
    element = _locked(element)
    require_metadata_maintainer(actor, element.authority)
    if element.status != DataElement.Status.DRAFT:
        raise Conflict(code=RegistryErrorCode.DATA_ELEMENT_NOT_DRAFT)
    element.status = DataElement.Status.IN_FORCE
    element.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="registry.data_element_put_in_force",
        obj=element,
        data={"identifier": element.identifier, "version": element.version},
    )
    _publish_change(element)
    return element


@transaction.atomic
def data_element_withdraw(*, actor: User | None, element: DataElement, reason: str) -> DataElement:
    """Withdraw a data element in force: it no longer names an authority (一数一源).

    Rules: a reason is required. Permissions: see the module. Side effects: audited
    (``registry.data_element_withdrawn``, with the reason), publishes
    ``registry.data_element_changed``. Errors: ``PermissionDenied``, ``ValidationFailed``,
    ``Conflict`` (``data_element_not_in_force``).
    """
    element = _locked(element)
    require_metadata_maintainer(actor, element.authority)
    if element.status != DataElement.Status.IN_FORCE:
        raise Conflict(code=RegistryErrorCode.DATA_ELEMENT_NOT_IN_FORCE)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the data element is withdrawn.")]})
    element.status = DataElement.Status.WITHDRAWN
    element.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="registry.data_element_withdrawn",
        obj=element,
        reason=reason,
        data={"identifier": element.identifier, "version": element.version},
    )
    _publish_change(element)
    return element


@transaction.atomic
def data_element_revise(*, actor: User | None, element: DataElement) -> DataElement:
    """Turn a data element in force or withdrawn into a draft of its next version.

    The element keeps validating values and naming its authority while it is revised.
    Permissions: see the module. Side effects: audited (``registry.data_element_saved``).
    Errors: ``PermissionDenied``, ``Conflict`` (``data_element_not_in_force``) for a draft.
    """
    element = _locked(element)
    require_metadata_maintainer(actor, element.authority)
    if element.status == DataElement.Status.DRAFT:
        raise Conflict(code=RegistryErrorCode.DATA_ELEMENT_NOT_IN_FORCE)
    element.status = DataElement.Status.DRAFT
    element.version += 1
    element.save(update_fields=["status", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="registry.data_element_saved",
        obj=element,
        data={"identifier": element.identifier, "version": element.version, "created": False},
    )
    return element


@dataclass
class DataElementLoadResult:
    """What loading the shipped data elements did."""

    created: list[str]
    without_authority: list[str]


@transaction.atomic
def data_elements_load_shipped(*, actor: User | None) -> DataElementLoadResult:
    """Create the base registries' data elements that do not exist yet, in force.

    Rules: the shipped code lists are loaded (or refreshed) first; an element that exists is left
    as administrators left it; the authority is the department with the shipped code when it
    exists (else none, listed in the result). Permissions: platform administrators or the
    command line. Side effects: as ``data_element_save_draft`` and ``data_element_put_in_force``.
    """
    require_metadata_maintainer(actor)
    code_lists_load_shipped(actor=actor)
    existing = set(DataElement.objects.values_list("identifier", flat=True))
    lists = {c.identifier: c for c in CodeList.objects.all()}
    codes = {e.authority for e in DATA_ELEMENTS if e.authority}
    departments = {d.code: d for d in Department.objects.filter(code__in=codes, is_active=True)}
    result = DataElementLoadResult(created=[], without_authority=[])
    for shipped in DATA_ELEMENTS:
        if shipped.identifier in existing:
            continue
        authority = departments.get(shipped.authority)
        if shipped.authority and authority is None:
            result.without_authority.append(shipped.identifier)
        element = data_element_save_draft(
            actor=actor,
            identifier=shipped.identifier,
            name=shipped.name,
            name_en=shipped.name_en,
            definition=shipped.definition,
            data_type=shipped.data_type,
            format=shipped.format,
            pattern=shipped.pattern,
            code_list=lists[shipped.code_list] if shipped.code_list else None,
            check_rule=shipped.check_rule,
            unit=shipped.unit,
            authority=authority,
            synonyms=shipped.synonyms,
        )
        data_element_put_in_force(actor=actor, element=element)
        result.created.append(shipped.identifier)
    return result
