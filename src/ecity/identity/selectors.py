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

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.errors import NotFound, PermissionDenied
from ecity.core.masking import mask_name
from ecity.identity.errors import EnterpriseNotVerified, IdentityLevelRequired
from ecity.identity.models import (
    MANAGER_ROLES,
    AgentAuthorisation,
    ContactChange,
    IdentityLevel,
    LegalEntity,
    User,
)
from ecity.org.models import StaffRole
from ecity.org.selectors import (
    departments_where,
    is_platform_admin,
    is_staff_member,
    user_has_role,
)

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


# --- real-name levels: what each act needs ---------------------------------------------------

#: The acts that need a verified identity (keys of ``settings.ECITY_IDENTITY_LEVELS_REQUIRED``).
APPLY = "apply"
ACT_FOR_ENTERPRISE = "act_for_enterprise"
CASE_DATA = "case_data"


def identity_level_required(purpose: str) -> int:
    """The level ``purpose`` needs (``ECITY_IDENTITY_LEVELS_REQUIRED``; real-name if unset)."""
    required = getattr(settings, "ECITY_IDENTITY_LEVELS_REQUIRED", {}) or {}
    return int(required.get(purpose, IdentityLevel.REAL_NAME))


def identity_level_meets(*, user: User | Any, purpose: str) -> bool:
    """Whether ``user``'s real-name level is enough for ``purpose`` (False when anonymous)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return int(user.identity_level) >= identity_level_required(purpose)


def _purpose_text(purpose: str) -> str:
    return {
        APPLY: _("To apply for a service"),
        ACT_FOR_ENTERPRISE: _("To act for an enterprise"),
        CASE_DATA: _("To see your applications"),
    }.get(purpose, _("To do this"))


def identity_level_check(*, user: User | Any, purpose: str) -> None:
    """Raise ``IdentityLevelRequired`` unless ``user``'s level is enough for ``purpose``.

    The message says what is needed and where to get verified (online or at a counter).
    """
    if identity_level_meets(user=user, purpose=purpose):
        return
    required = IdentityLevel(identity_level_required(purpose))
    raise IdentityLevelRequired(
        _(
            "%(purpose)s, your identity must be verified (%(level)s). Get verified online or "
            "at a service counter with your ID card: %(url)s"
        )
        % {
            "purpose": _purpose_text(purpose),
            "level": required.label,
            "url": reverse("identity:verify"),
        }
    )


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


def can_act_for(*, user: User | Any, legal_entity: LegalEntity) -> bool:
    """Whether ``user`` may act for ``legal_entity`` now.

    Rules: the enterprise is verified, ``user`` holds a current authorisation for it, and
    ``user``'s real-name level is enough to act for an enterprise.
    """
    return (
        legal_entity.is_verified
        and identity_level_meets(user=user, purpose=ACT_FOR_ENTERPRISE)
        and authorisation_for(user=user, legal_entity=legal_entity) is not None
    )


def act_for_check(*, user: User | Any, legal_entity: LegalEntity) -> AgentAuthorisation:
    """Return ``user``'s authorisation for ``legal_entity`` if they may act for it now.

    Raises ``PermissionDenied`` (not an agent), ``EnterpriseNotVerified`` or
    ``IdentityLevelRequired``, each with a message that says what to do.
    """
    authorisation = authorisation_for(user=user, legal_entity=legal_entity)
    if authorisation is None:
        raise PermissionDenied(_("You are not an authorised agent of this enterprise."))
    if not legal_entity.is_verified:
        raise EnterpriseNotVerified(
            _(
                "%(name)s is not verified yet: nobody can act for it until it is. Its legal "
                "representative or administrator brings the business licence to a service "
                "counter (see the enterprise's page)."
            )
            % {"name": legal_entity.name}
        )
    identity_level_check(user=user, purpose=ACT_FOR_ENTERPRISE)
    return authorisation


def can_manage_agents(*, user: User | Any, legal_entity: LegalEntity) -> bool:
    """Whether ``user`` may grant and revoke agents of ``legal_entity``.

    Its legal representative and administrators may (not its agents, not platform
    administrators), once the enterprise is verified and while they may act for it.
    """
    authorisation = authorisation_for(user=user, legal_entity=legal_entity)
    return (
        authorisation is not None
        and authorisation.role in MANAGER_ROLES
        and can_act_for(user=user, legal_entity=legal_entity)
    )


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
    """List every identity ``user`` may act as: themselves first, then their enterprises.

    Unverified enterprises are left out, and all enterprises while ``user``'s own real-name
    level is too low to act for one (``can_act_for``).
    """
    if not identity_level_meets(user=user, purpose=ACT_FOR_ENTERPRISE):
        return [_citizen_identity(user)]
    return [_citizen_identity(user)] + [
        _enterprise_identity(a)
        for a in legal_entities_for(user=user).filter(legal_entity__is_verified=True)
    ]


def acting_identity(*, user: User | Any, session: Mapping[str, Any]) -> ActingIdentity | None:
    """Return who ``user`` acts as in this session (None for anonymous users).

    The enterprise stored in the session is re-checked on every call: once an authorisation is
    revoked or expires (or the enterprise or the user's level no longer allows acting for it,
    ``can_act_for``), the user acts as themselves again.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    key = session.get(ACTING_SESSION_KEY) or ""
    if key and identity_level_meets(user=user, purpose=ACT_FOR_ENTERPRISE):
        authorisation = (
            legal_entities_for(user=user)
            .filter(legal_entity__public_id=key, legal_entity__is_verified=True)
            .first()
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
