"""Enterprises: the authorisations of their agents, who may act for and manage them."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.errors import NotFound, PermissionDenied
from ecity.identity.errors import EnterpriseNotVerified
from ecity.identity.models import MANAGER_ROLES, AgentAuthorisation, LegalEntity, User
from ecity.identity.selectors.identity_levels import (
    ACT_FOR_ENTERPRISE,
    identity_level_check,
    identity_level_meets,
)
from ecity.org.selectors import is_platform_admin


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
    if not is_uuid(public_id):
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


def is_uuid(value: Any) -> bool:
    """Whether ``value`` reads as a UUID (a public ID), so that lookups never fail on junk."""
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
