"""The claim groups a department application may receive, and how each becomes OIDC claims.

A claim group is also an OAuth scope of the same name. A claim reaches a client only when the
group is allowed by the client's policy, consented to by the person (their ``Federation``) and
requested in the token's scopes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

OPENID_SCOPE = "openid"


class ClaimGroup(models.TextChoices):
    PROFILE = "profile", _("Real-name information")
    PHONE = "phone", _("Mobile phone number")
    ID_NUMBER = "id_number", _("Resident ID number")
    ENTERPRISE = "enterprise", _("Enterprise you act for")


# Which claim belongs to which group (scope); "sub" comes with "openid".
CLAIM_SCOPE = {
    "sub": OPENID_SCOPE,
    "name": ClaimGroup.PROFILE.value,
    "ecity_real_name_level": ClaimGroup.PROFILE.value,
    "ecity_identity_level": ClaimGroup.PROFILE.value,
    "phone_number": ClaimGroup.PHONE.value,
    "ecity_id_number": ClaimGroup.ID_NUMBER.value,
    "ecity_acting_for": ClaimGroup.ENTERPRISE.value,
}

REAL_NAME_VERIFIED = "verified"
REAL_NAME_UNVERIFIED = "unverified"


def known_groups(values: Iterable[str]) -> list[str]:
    """Keep the claim groups among ``values``, in the canonical order, without duplicates."""
    wanted = set(values)
    return [group.value for group in ClaimGroup if group.value in wanted]


def claims_for(*, user: Any, groups: Iterable[str], acting_for: dict | None) -> dict[str, Any]:
    """Build the claims of ``groups`` for ``user`` (empty values are left out).

    ``acting_for`` is the enterprise snapshot ``{"uscc", "name", "role"}`` taken at sign-in, already
    re-checked by the caller; None when the person acts as themselves.
    """
    groups = set(groups)
    claims: dict[str, Any] = {}
    if ClaimGroup.PROFILE in groups:
        if user.real_name:
            claims["name"] = user.real_name
        # 1 registered, 2 real-name verified, 3 verified in person (identity.IdentityLevel): a
        # department application decides which level its own acts need.
        claims["ecity_identity_level"] = int(user.identity_level)
        claims["ecity_real_name_level"] = (
            REAL_NAME_VERIFIED if user.is_real_name_verified else REAL_NAME_UNVERIFIED
        )
    if ClaimGroup.PHONE in groups and user.phone:
        claims["phone_number"] = user.phone
    if ClaimGroup.ID_NUMBER in groups and user.id_number:
        claims["ecity_id_number"] = user.id_number
    if ClaimGroup.ENTERPRISE in groups and acting_for:
        claims["ecity_acting_for"] = {
            "uscc": acting_for["uscc"],
            "name": acting_for["name"],
            "role": acting_for["role"],
        }
    return claims
