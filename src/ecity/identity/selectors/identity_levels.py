"""Real-name levels: what each act needs, and whether a user has it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from ecity.identity.errors import IdentityLevelRequired
from ecity.identity.models import IdentityLevel, User

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
