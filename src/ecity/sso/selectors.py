"""Reads about registered applications, federations and the data a sign-in releases."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import AbstractApplication, get_access_token_model

from ecity.core.errors import NotFound
from ecity.core.masking import mask_id_number, mask_phone
from ecity.identity import selectors as identity_selectors
from ecity.identity.models import AgentAuthorisation, User
from ecity.org.models import Department
from ecity.sso.claims import ClaimGroup, claims_for, known_groups
from ecity.sso.models import ClientPolicy, Federation


@dataclass(frozen=True)
class DataItem:
    """One line of the consent page: what is sent, and a (masked) preview of the value."""

    group: str
    label: str
    preview: str
    is_new: bool = False


def client_policy(*, application: AbstractApplication | None) -> ClientPolicy | None:
    """Return the policy of ``application`` (None when it has none)."""
    if application is None or application.pk is None:
        return None
    return ClientPolicy.objects.select_related("department").filter(application=application).first()


def client_is_usable(*, application: AbstractApplication) -> bool:
    """Whether ``application`` may sign people in: it has an active policy in an active department.

    Applications registered outside ecity's admin (no policy) are refused.
    """
    policy = client_policy(application=application)
    return policy is not None and policy.is_active and policy.department.is_active


def allowed_claim_groups(*, application: AbstractApplication | None) -> list[str]:
    """List the claim groups ``application`` may receive, in canonical order ([] without policy)."""
    policy = client_policy(application=application)
    if policy is None or not policy.is_active:
        return []
    return known_groups(policy.allowed_claims)


def requested_claim_groups(*, application: AbstractApplication, scopes: Iterable[str]) -> list[str]:
    """The claim groups among ``scopes`` that ``application`` may receive."""
    allowed = set(allowed_claim_groups(application=application))
    return [group for group in known_groups(scopes) if group in allowed]


def federation_active(
    *, user: User | Any, application: AbstractApplication | None
) -> Federation | None:
    """Return ``user``'s active link to ``application``, or None."""
    if application is None or not getattr(user, "is_authenticated", False):
        return None
    return Federation.objects.filter(
        user=user, application=application, revoked_at__isnull=True
    ).first()


def federation_list(*, user: User | Any) -> QuerySet[Federation]:
    """List ``user``'s active links, newest first, with application and department joined."""
    if not getattr(user, "is_authenticated", False):
        return Federation.objects.none()
    return (
        Federation.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("application", "application__ecity_policy__department")
        .order_by("-linked_at")
    )


def federation_get(*, user: User | Any, public_id: Any) -> Federation:
    """Return ``user``'s active link ``public_id``; raises ``NotFound`` for anyone else's."""
    try:
        uuid.UUID(str(public_id))
    except ValueError as exc:
        raise NotFound(_("No such linked application among yours.")) from exc
    federation = federation_list(user=user).filter(public_id=public_id).first()
    if federation is None:
        raise NotFound(_("No such linked application among yours."))
    return federation


def acting_for_snapshot(*, user: User | Any, session: Mapping[str, Any]) -> dict | None:
    """The enterprise ``user`` acts for in this session as ``{"uscc", "name", "role"}``, or None."""
    acting = identity_selectors.acting_identity(user=user, session=session)
    if acting is None or not acting.is_enterprise or acting.legal_entity is None:
        return None
    return {
        "uscc": acting.legal_entity.uscc,
        "name": acting.legal_entity.name,
        "role": acting.role,
    }


def _still_authorised(user: User, snapshot: dict | None) -> dict | None:
    """Drop the enterprise snapshot once the person may no longer act for it (authorisation
    ended, enterprise or person no longer verified)."""
    if not snapshot:
        return None
    current = (
        identity_selectors.legal_entities_for(user=user)
        .filter(legal_entity__uscc=snapshot.get("uscc", ""))
        .select_related("legal_entity")
        .first()
    )
    if current is None or not identity_selectors.can_act_for(
        user=user, legal_entity=current.legal_entity
    ):
        return None
    return snapshot


def released_claims(
    *, user: User | Any, application: AbstractApplication | None, scopes: Iterable[str]
) -> dict[str, Any]:
    """Return the claims ``application`` receives about ``user`` for a token with ``scopes``.

    Only groups allowed by the client's active policy, consented in the person's active
    federation and granted in the token's scopes are released; nothing without a federation.
    """
    federation = federation_active(user=user, application=application)
    if federation is None:
        return {}
    groups = (
        set(allowed_claim_groups(application=application))
        & set(federation.consented_claims)
        & set(scopes)
    )
    acting_for = (
        _still_authorised(user, federation.acting_for) if ClaimGroup.ENTERPRISE in groups else None
    )
    return claims_for(user=user, groups=groups, acting_for=acting_for)


def _role_label(role: str) -> str:
    try:
        return str(AgentAuthorisation.Role(role).label)
    except ValueError:
        return role


def data_items(
    *,
    user: User,
    groups: Iterable[str],
    acting_for: dict | None,
    already_consented: Iterable[str] = (),
) -> list[DataItem]:
    """Describe for the consent page exactly what each requested claim group sends.

    Identifiers are shown masked; groups consented earlier are marked as not new.
    """
    earlier = set(already_consented)
    items: list[DataItem] = []
    for group in known_groups(groups):
        if group == ClaimGroup.PROFILE:
            label = _("Real-name information and identity level (%(level)s)") % {
                "level": user.get_identity_level_display()
            }
            preview = user.real_name or _("(no real name recorded)")
        elif group == ClaimGroup.PHONE:
            label = _("Mobile phone number")
            preview = mask_phone(user.phone) or _("(none recorded)")
        elif group == ClaimGroup.ID_NUMBER:
            label = _("Resident ID number")
            preview = mask_id_number(user.id_number) or _("(none recorded)")
        else:
            label = _("Enterprise you act for")
            preview = (
                _("%(name)s (USCC %(uscc)s), as %(role)s")
                % {
                    "name": acting_for["name"],
                    "uscc": acting_for["uscc"],
                    "role": _role_label(acting_for["role"]),
                }
                if acting_for
                else _("None: you are acting as yourself, so no enterprise is sent.")
            )
        items.append(
            DataItem(group=group, label=label, preview=preview, is_new=group not in earlier)
        )
    return items


@dataclass(frozen=True)
class SystemClient:
    """A department system authenticated with client credentials (no user behind it)."""

    application: AbstractApplication
    department: Department
    scopes: tuple[str, ...] = ()

    @property
    def client_id(self) -> str:
        return str(self.application.client_id)

    @property
    def name(self) -> str:
        return str(self.application.name)


class _TokenCache:
    """The systems of recently seen access tokens, per process: SHA-256 of the token →
    (monotonic time until which the entry holds, the system, the token's expiry)."""

    clock = time.monotonic
    entries: dict[str, tuple[float, SystemClient, dt.datetime]] = {}
    #: Entries kept at most; the whole table is dropped when it is full (tokens are few).
    size = 1024


def system_client_for_token(*, token: str) -> SystemClient | None:
    """The department system an access token was issued to (client credentials), or None.

    None when the token is unknown or expired, was issued to a user (a sign-in), or belongs to
    an application that is not a usable client-credentials system (no policy, inactive policy or
    department). Rules: a system found for a token is remembered by this process for
    ``ECITY_API_TOKEN_CACHE_SECONDS`` (5 s; 0 looks up every call), so revoking the token,
    deactivating the system's policy or department takes effect within that bound; the token's
    own expiry is checked on every call. Unknown and refused tokens are never remembered.
    Side effects: none (the process's table of recent tokens).
    """
    if not token:
        return None
    checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
    seconds = settings.ECITY_API_TOKEN_CACHE_SECONDS
    if seconds > 0:
        now = _TokenCache.clock()
        hit = _TokenCache.entries.get(checksum)
        if hit is not None and hit[0] > now and hit[2] > timezone.now():
            return hit[1]
    found = _system_client_lookup(checksum=checksum)
    if found is None:
        _TokenCache.entries.pop(checksum, None)
        return None
    client, expires = found
    if seconds > 0:
        if len(_TokenCache.entries) >= _TokenCache.size:
            _TokenCache.entries.clear()
        _TokenCache.entries[checksum] = (now + seconds, client, expires)
    return client


def _system_client_lookup(*, checksum: str) -> tuple[SystemClient, dt.datetime] | None:
    access_token = (
        get_access_token_model()
        .objects.select_related("application")
        .filter(token_checksum=checksum)
        .first()
    )
    if access_token is None or access_token.is_expired() or access_token.user_id is not None:
        return None
    application = access_token.application
    if application is None or (
        application.authorization_grant_type != AbstractApplication.GRANT_CLIENT_CREDENTIALS
    ):
        return None
    policy = client_policy(application=application)
    if policy is None or not policy.is_active or not policy.department.is_active:
        return None
    client = SystemClient(
        application=application,
        department=policy.department,
        scopes=tuple(access_token.scope.split()),
    )
    return client, access_token.expires


def system_client_list(*, department: Department) -> QuerySet[ClientPolicy]:
    """List the active client-credentials systems registered for ``department``."""
    return (
        ClientPolicy.objects.filter(
            department=department,
            is_active=True,
            application__authorization_grant_type=AbstractApplication.GRANT_CLIENT_CREDENTIALS,
        )
        .select_related("application", "department")
        .order_by("application__name")
    )
