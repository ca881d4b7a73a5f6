"""Reads of the base registries: persons, legal entities, their change log and conflicts.

Who reads what: staff (any active staff role) look records up, each lookup of a person audited
with its purpose (``personal_data.read``); a person reads their own record without an entry.
Departments that write records (their department administrators and counter clerks) see the
conflicts of their department. Values leave these selectors as the models hold them: pages show
personal ones masked (``ecity.registry.attributes.value_shown``).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.core.validators import normalise_uscc
from ecity.identity.models import LegalEntity, User
from ecity.org import selectors as org_selectors
from ecity.org.models import Department, StaffRole
from ecity.registry.models import (
    LegalEntityRecord,
    Person,
    RecordAttribute,
    RecordChange,
    RecordConflict,
)

#: The roles that write records for their department (and see its conflicts).
RECORD_WRITER_ROLES = (StaffRole.Role.DEPARTMENT_ADMIN, StaffRole.Role.COUNTER_CLERK)

#: The fields a person lookup reads (named in the audit entry).
PERSON_READ_FIELDS = ("id_number", "name", "sex", "ethnic_group", "birth_on", "address", "phone")


def can_write_records(*, actor: User, department: Department | None) -> bool:
    """Whether ``actor`` may write registry records for ``department``.

    Rules: a department administrator or counter clerk of ``department`` (or of a parent
    department); a platform administrator for any department. Without a department (an import
    or exchange that no department vouches for) only a platform administrator writes, and never
    authoritatively.
    """
    if department is None:
        return org_selectors.is_platform_admin(user=actor)
    return any(
        org_selectors.user_has_role(user=actor, role=role, department=department)
        for role in RECORD_WRITER_ROLES
    )


def is_data_administrator(*, user: User) -> bool:
    """Whether ``user`` administers registry data: a platform or a department administrator.

    Data administrators see the records, their provenance, history and conflicts in the back
    office, read-only and masked (``ecity.registry.records_admin``).
    """
    return (
        org_selectors.is_platform_admin(user=user)
        or org_selectors.departments_where(user=user, role=StaffRole.Role.DEPARTMENT_ADMIN).exists()
    )


def can_read_records(*, actor: User) -> bool:
    """Whether ``actor`` may look up registry records: any member of staff."""
    return org_selectors.is_staff_member(user=actor)


def person_get_by_id_number(*, id_number: str) -> Person | None:
    """Return the person with ``id_number`` (normalised, via the blind index), or None.

    For services and registry hooks that already checked their caller: no permission check and
    no audit entry. Pages and APIs use ``person_find_by_id_number``.
    """
    if not id_number:
        return None
    index = Person._meta.get_field("id_number_index").index_for(id_number)
    return Person.objects.select_related("account").filter(id_number_index=index).first()


def person_find_by_id_number(*, actor: User, id_number: str, purpose: str) -> Person | None:
    """Look a person up by resident ID number for ``purpose``; record the read in the audit trail.

    Rules: staff only (``can_read_records``), or the person themselves (their account is
    linked to the record; not audited). ``purpose`` says why (recorded as the entry's reason).
    Side effects: a ``personal_data.read`` audit entry naming the person (also when nobody has
    the number: that a lookup happened is evidence too). Errors: ``PermissionDenied``,
    ``ValidationFailed`` (no purpose).
    """
    person = person_get_by_id_number(id_number=id_number)
    if person is not None and person.account_id is not None and person.account_id == actor.pk:
        return person
    if not can_read_records(actor=actor):
        raise PermissionDenied(_("Only staff can look up the person registry."))
    purpose = purpose.strip()
    if not purpose:
        raise ValidationFailed(fields={"purpose": [_("Say why you look this person up.")]})
    audit_record(
        actor=actor,
        action="personal_data.read",
        obj=person,
        subject=person.account if person is not None else None,
        fields=PERSON_READ_FIELDS if person is not None else (),
        reason=purpose,
        data={"registry": "person", "found": person is not None},
    )
    return person


def person_own_get(*, actor: User) -> Person | None:
    """The person record linked to ``actor``'s account (their own), or None; not audited."""
    if not actor.is_authenticated:
        return None
    return Person.objects.filter(account=actor).first()


def legal_entity_record_get_by_uscc(*, uscc: str) -> LegalEntityRecord | None:
    """Return the legal-entity record with ``uscc`` (normalised), or None.

    Names, USCCs and registration data of legal entities are public (they are on the business
    licence): no permission check. The legal representative's ID number is personal data:
    pages show it masked.
    """
    if not uscc:
        return None
    return (
        LegalEntityRecord.objects.select_related("enterprise")
        .filter(uscc=normalise_uscc(uscc))
        .first()
    )


def legal_entity_record_of_enterprise(*, enterprise: LegalEntity) -> LegalEntityRecord | None:
    """The registry record linked to the enterprise account ``enterprise`` (any status), or None.

    No permission check and no audit entry (the record's data of a legal entity is public); for
    services that reference the record, such as a case's applicant.
    """
    return LegalEntityRecord.objects.filter(enterprise=enterprise).first()


def _record_filter(record: Person | LegalEntityRecord) -> Q:
    if isinstance(record, Person):
        return Q(person=record)
    return Q(legal_entity=record)


def record_history(*, actor: User, record: Person | LegalEntityRecord) -> QuerySet[RecordChange]:
    """List the change log of ``record``: newest version first, attributes in name order.

    Rules: staff only, or the person themselves. The values are encrypted in the rows and shown
    masked where personal (``RecordChange`` + ``attributes.value_shown``).
    Errors: ``PermissionDenied``.
    """
    own = (
        isinstance(record, Person)
        and record.account_id is not None
        and (record.account_id == actor.pk)
    )
    if not own and not can_read_records(actor=actor):
        raise PermissionDenied(_("Only staff can read a record's history."))
    return (
        RecordChange.objects.filter(_record_filter(record))
        .select_related("department", "changed_by")
        .order_by("-version", "attribute")
    )


def record_attributes(*, record: Person | LegalEntityRecord) -> dict[str, RecordAttribute]:
    """Map each attribute of ``record`` to its provenance row (source, authoritative or not)."""
    rows = RecordAttribute.objects.filter(_record_filter(record)).select_related("department")
    return {row.attribute: row for row in rows}


def conflict_list(
    *, actor: User, department: Department, status: str = RecordConflict.Status.OPEN
) -> QuerySet[RecordConflict]:
    """List the conflicts ``department`` is part of: as the authority or as the proposer.

    Rules: those who write records for ``department`` (``can_write_records``). ``status``
    filters (open by default; "" for all). Newest first, records and departments joined.
    Errors: ``PermissionDenied``.
    """
    if not can_write_records(actor=actor, department=department):
        raise PermissionDenied(_("You do not handle this department's registry records."))
    conflicts = RecordConflict.objects.filter(
        Q(authoritative_department=department) | Q(proposed_department=department)
    )
    if status:
        conflicts = conflicts.filter(status=status)
    return conflicts.select_related(
        "person", "legal_entity", "authoritative_department", "proposed_department"
    ).order_by("-created_at")
