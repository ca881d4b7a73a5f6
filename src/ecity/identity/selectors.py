"""Reads about accounts and enterprises, with permission filtering built in.

These are also the helpers other apps call: ``acting_identity`` and ``legal_entities_for``
(roles and departments are in ``ecity.org.selectors``); the lookups of accounts by
encrypted value (``user_find_by_id_number``, ``users_with_phone``) and the masking policy
``can_see_unmasked``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.errors import NotFound, PermissionDenied
from ecity.core.masking import mask_name
from ecity.identity.models import (
    MANAGER_ROLES,
    AgentAuthorisation,
    ContactChange,
    LegalEntity,
    User,
)
from ecity.org.models import StaffRole
from ecity.org.selectors import departments_where, is_platform_admin, is_staff_member

# The session key holding the public ID of the legal entity the user acts for ("" = themselves).
ACTING_SESSION_KEY = "ecity_acting_as"


@dataclass(frozen=True)
class ActingIdentity:
    """Who the user acts as right now: themselves (a citizen) or an enterprise they represent."""

    kind: str  # "citizen" or "enterprise"
    display_name: str
    legal_entity: LegalEntity | None = None
    role: str = ""  # the AgentAuthorisation role when acting for an enterprise

    CITIZEN = "citizen"
    ENTERPRISE = "enterprise"

    @property
    def is_enterprise(self) -> bool:
        return self.kind == self.ENTERPRISE

    @property
    def key(self) -> str:
        """The value a switcher form posts: "" for oneself, else the entity's public ID."""
        return str(self.legal_entity.public_id) if self.legal_entity else ""


# --- personal data: lookups by exact value, who sees it unmasked -----------------------------

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


# --- pending changes of one's own contact details --------------------------------------------


def contact_changes_pending(*, user: User | Any) -> dict[str, ContactChange]:
    """The user's own e-mail and phone changes waiting for confirmation, by kind.

    Expired ones are left out (their link or code no longer works). Empty for anonymous users.
    """
    if not getattr(user, "is_authenticated", False):
        return {}
    rows = ContactChange.objects.filter(
        user=user, status=ContactChange.Status.PENDING, expires_at__gt=timezone.now()
    )
    return {row.kind: row for row in rows}


# --- accounts in the back office --------------------------------------------------------------


def accounts_visible(*, actor: User | Any) -> QuerySet[User]:
    """List the accounts ``actor`` may find in the back office (the admin's account search).

    Platform administrators: every account. Department administrators: the staff accounts that
    hold or held a role in a department they administer (sub-units included), and staff
    accounts that hold no active role yet (a new colleague waiting for a first role); never a
    citizen's account, never themselves. Anyone else: none. Show them with ``account_label``.
    """
    if is_platform_admin(user=actor):
        return User.objects.all()
    departments = departments_where(user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN)
    if not getattr(actor, "is_authenticated", False) or not departments.exists():
        return User.objects.none()
    in_departments = StaffRole.objects.filter(department__in=departments).values("user_id")
    with_active_role = StaffRole.objects.filter(is_active=True).values("user_id")
    return (
        User.objects.filter(is_staff_account=True, is_active=True)
        .filter(Q(pk__in=in_departments) | ~Q(pk__in=with_active_role))
        .exclude(pk=actor.pk)
    )


def account_label(*, actor: User | Any, user: User) -> str:
    """How ``user`` is named to ``actor`` in back-office lists and searches.

    Platform administrators see the real name; everyone else the login name and the real name
    masked (``wangfang · 王**``), which is enough to pick a colleague and tells no more.
    """
    if is_platform_admin(user=actor):
        return str(user)
    masked = mask_name(user.real_name)
    return f"{user.get_username()} · {masked}" if masked else user.get_username()


# --- enterprises and acting identities -------------------------------------------------------


def _current_authorisations(user: User) -> QuerySet[AgentAuthorisation]:
    return AgentAuthorisation.objects.filter(user=user, is_active=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate())
    )


def legal_entities_for(*, user: User | Any) -> QuerySet[AgentAuthorisation]:
    """List ``user``'s current authorisations (active, not expired), entities joined, by name."""
    if not getattr(user, "is_authenticated", False):
        return AgentAuthorisation.objects.none()
    return (
        _current_authorisations(user).select_related("legal_entity").order_by("legal_entity__name")
    )


def authorisation_for(*, user: User | Any, legal_entity: LegalEntity) -> AgentAuthorisation | None:
    """Return ``user``'s current authorisation for ``legal_entity``, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return _current_authorisations(user).filter(legal_entity=legal_entity).first()


def can_manage_agents(*, user: User | Any, legal_entity: LegalEntity) -> bool:
    """Whether ``user`` may grant and revoke agents of ``legal_entity``.

    Its legal representative and administrators may; so may platform administrators.
    """
    if is_platform_admin(user=user):
        return True
    authorisation = authorisation_for(user=user, legal_entity=legal_entity)
    return authorisation is not None and authorisation.role in MANAGER_ROLES


def legal_representative_of(*, legal_entity: LegalEntity) -> User | None:
    """The account of ``legal_entity``'s legal representative (current authorisation), if any."""
    authorisation = (
        AgentAuthorisation.objects.filter(
            legal_entity=legal_entity,
            role=AgentAuthorisation.Role.LEGAL_REPRESENTATIVE,
            is_active=True,
        )
        .select_related("user")
        .first()
    )
    return authorisation.user if authorisation is not None else None


def legal_entity_get(*, user: User | Any, public_id: Any) -> LegalEntity:
    """Return the legal entity ``public_id`` if ``user`` is its current agent (or platform admin).

    Raises ``NotFound`` otherwise, so that unrelated users cannot probe which entities exist.
    """
    if not _is_uuid(public_id):
        raise NotFound(_("No such enterprise among yours."))
    entity = LegalEntity.objects.filter(public_id=public_id).first()
    if entity is None:
        raise NotFound(_("No such enterprise among yours."))
    if is_platform_admin(user=user) or authorisation_for(user=user, legal_entity=entity):
        return entity
    raise NotFound(_("No such enterprise among yours."))


def agent_list(*, actor: User | Any, legal_entity: LegalEntity) -> QuerySet[AgentAuthorisation]:
    """List all authorisations (active or not) of ``legal_entity`` for one of its managers.

    Raises ``PermissionDenied`` unless ``actor`` may manage the entity's agents.
    """
    if not can_manage_agents(user=actor, legal_entity=legal_entity):
        raise PermissionDenied(_("Only the legal representative or an administrator can do this."))
    return (
        AgentAuthorisation.objects.filter(legal_entity=legal_entity)
        .select_related("user", "granted_by")
        .order_by("-is_active", "role", "user__real_name")
    )


def _citizen_identity(user: User) -> ActingIdentity:
    return ActingIdentity(
        kind=ActingIdentity.CITIZEN, display_name=user.real_name or user.get_username()
    )


def _enterprise_identity(authorisation: AgentAuthorisation) -> ActingIdentity:
    return ActingIdentity(
        kind=ActingIdentity.ENTERPRISE,
        display_name=authorisation.legal_entity.name,
        legal_entity=authorisation.legal_entity,
        role=authorisation.role,
    )


def acting_identities(*, user: User) -> list[ActingIdentity]:
    """List every identity ``user`` may act as: themselves first, then their enterprises."""
    return [_citizen_identity(user)] + [
        _enterprise_identity(a) for a in legal_entities_for(user=user)
    ]


def acting_identity(*, user: User | Any, session: Mapping[str, Any]) -> ActingIdentity | None:
    """Return who ``user`` acts as in this session (None for anonymous users).

    The enterprise stored in the session is re-checked on every call: once an authorisation is
    revoked or expires, the user acts as themselves again.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    key = session.get(ACTING_SESSION_KEY) or ""
    if key:
        authorisation = (
            legal_entities_for(user=user).filter(legal_entity__public_id=key).first()
            if _is_uuid(key)
            else None
        )
        if authorisation is not None:
            return _enterprise_identity(authorisation)
    return _citizen_identity(user)


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
