"""Verifying people and enterprises: the counter clerk's lookups, the legal representative."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ecity.core.errors import PermissionDenied
from ecity.identity.models import LegalEntity, User
from ecity.identity.selectors.personal_data import (
    id_number_index,
    user_find_by_id_number,
    users_with_id_number,
)
from ecity.org.models import StaffRole
from ecity.org.selectors import user_has_role


def can_verify_at_counter(*, user: User | Any) -> bool:
    """Whether ``user`` may verify people and enterprises at a counter (ID card, licence seen).

    Counter clerks of any department may (platform administrators hold every role).
    """
    return user_has_role(user=user, role=StaffRole.Role.COUNTER_CLERK)


def counter_person_find(*, actor: User | Any, id_number: str) -> User | None:
    """The account registered with ``id_number`` (as read on an ID card), for a counter clerk.

    Raises ``PermissionDenied`` unless ``actor`` may verify at a counter. The caller records the
    read of the account's name in the audit trail.
    """
    if not can_verify_at_counter(user=actor):
        raise PermissionDenied(_("Only a counter clerk can verify identities."))
    return user_find_by_id_number(id_number=id_number)


def counter_legal_entity_find(*, actor: User | Any, uscc: str) -> LegalEntity | None:
    """The enterprise registered with ``uscc`` (as read on a business licence), for a clerk.

    Raises ``PermissionDenied`` unless ``actor`` may verify at a counter.
    """
    if not can_verify_at_counter(user=actor):
        raise PermissionDenied(_("Only a counter clerk can verify enterprises."))
    return LegalEntity.objects.filter(uscc=(uscc or "").strip().upper()).first()


def is_legal_representative_of(*, user: User | Any, legal_entity: LegalEntity) -> bool:
    """Whether ``user``'s registered ID number is the legal representative's on the record."""
    return (
        getattr(user, "is_authenticated", False)
        and bool(user.id_number_index)
        and bool(legal_entity.legal_representative_id_number)
        and id_number_index(legal_entity.legal_representative_id_number) == user.id_number_index
    )


def legal_representative_account(*, legal_entity: LegalEntity) -> User | None:
    """The active account registered with the legal representative's ID number, if any."""
    if not legal_entity.legal_representative_id_number:
        return None
    return (
        users_with_id_number(legal_entity.legal_representative_id_number)
        .filter(is_active=True)
        .first()
    )
