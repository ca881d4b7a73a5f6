"""Personal data: accounts found by an exact (encrypted) value, and who sees it unmasked."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ecity.identity.models import User
from ecity.org.models import StaffRole
from ecity.org.selectors import is_staff_member

#: The staff roles that handle cases and so see the applicant's personal data unmasked on the
#: cases of their department (the cases app gives full access with exactly these roles). The
#: rule "roles that unmask need a second factor" (``identity.security.mfa``) reads this set:
#: a stolen password alone must never show anyone's data in full.
UNMASKING_ROLES = frozenset(
    {
        StaffRole.Role.COUNTER_CLERK,
        StaffRole.Role.REVIEWER,
        StaffRole.Role.APPROVER,
        StaffRole.Role.DEPARTMENT_ADMIN,
    }
)


def id_number_index(id_number: str) -> str:
    """The blind index of a resident ID number as typed ("" for an empty value)."""
    return User._meta.get_field("id_number_index").index_for(id_number)


def phone_index(phone: str) -> str:
    """The blind index of a mobile phone number as typed ("" for an empty value)."""
    return User._meta.get_field("phone_index").index_for(phone)


def users_with_id_number(id_number: str) -> QuerySet[User]:
    """Accounts whose resident ID number is ``id_number`` (normalised first): one indexed query.

    ID numbers are encrypted at rest; this looks them up through their keyed blind index. An
    empty value matches nothing.
    """
    index = id_number_index(id_number)
    return User.objects.filter(id_number_index=index) if index else User.objects.none()


def users_with_phone(phone: str) -> QuerySet[User]:
    """Accounts whose mobile phone number is ``phone`` (normalised first): one indexed query."""
    index = phone_index(phone)
    return User.objects.filter(phone_index=index) if index else User.objects.none()


def user_find_by_id_number(*, id_number: str) -> User | None:
    """Return the account with resident ID number ``id_number``, or None.

    The ID number is normalised (spaces, lower-case x, old 15-digit form) and looked up through
    its blind index; at most one account has it (unique constraint).
    """
    return users_with_id_number(id_number).first()


def can_see_unmasked(
    *, actor: User | Any, subject: User | None, handles_case: bool = False
) -> bool:
    """Whether ``actor`` may see ``subject``'s personal data (ID number, phone, address) in full.

    Rules: a person sees their own data in full; staff see it in full only on a case they are
    handling (``handles_case``: the caller, e.g. the cases app, has checked that ``actor`` holds
    one of ``UNMASKING_ROLES`` in the case's lead department or in a department with a task on
    it; holders of these roles must use a second factor to log in). Copied
    departments, supervisors, administrators outside the case and everyone else see masked
    values. A view that shows data unmasked to someone other than the subject records it in
    the audit trail.
    """
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if subject is not None and subject.pk == actor.pk:
        return True
    return bool(handles_case) and is_staff_member(user=actor)
