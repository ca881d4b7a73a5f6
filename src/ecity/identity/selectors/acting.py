"""Acting identities: who a user acts as right now, themselves or an enterprise they represent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ecity.identity.models import AgentAuthorisation, LegalEntity, User
from ecity.identity.selectors.enterprises import is_uuid, legal_entities_for
from ecity.identity.selectors.identity_levels import ACT_FOR_ENTERPRISE, identity_level_meets

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
            if is_uuid(key)
            else None
        )
        if authorisation is not None:
            return _enterprise_identity(authorisation)
    return _citizen_identity(user)
