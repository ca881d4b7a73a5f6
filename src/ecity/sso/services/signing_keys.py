"""The OIDC signing keys: rotation check at start-up, rotate, retire, keep the environment's key.

Also ``describe_claims``, the names of claim groups for messages.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from ecity.core import vault
from ecity.core.errors import Conflict
from ecity.core.models import SigningKey
from ecity.identity.models import User
from ecity.sso import keys
from ecity.sso.claims import ClaimGroup, known_groups


def signing_key_rotation_check() -> None:
    """Refuse to rotate the ID-token key while ECITY_OIDC_PRIVATE_KEY decides which key signs.

    Registered as the vault's rotation guard for purpose ``oidc`` (``SsoConfig.ready``), so the
    ``keys`` command, the admin and ``signing_key_rotate`` all refuse alike. Raises ``Conflict``.
    """
    if keys.env_private_pem():
        raise Conflict(
            _(
                "ECITY_OIDC_PRIVATE_KEY is set, so the environment chooses the signing key. Run "
                "“keys import --purpose oidc --from-setting ECITY_OIDC_PRIVATE_KEY”, then change "
                "the variable and restart."
            )
        )


def signing_key_rotate(*, actor: User | None = None, retire_previous: bool = False) -> SigningKey:
    """Make a new ID-token key current; the old current key stays published as "previous".

    With ``retire_previous`` the keys that were already "previous" stop being published (do it
    once every token they signed has expired and clients have refreshed their JWKS cache).
    Audited as ``keys.rotated`` by the vault. Raises ``Conflict`` when ECITY_OIDC_PRIVATE_KEY
    is set, because then the environment decides which key signs.
    """
    signing_key_rotation_check()
    return vault.key_rotate(purpose=keys.PURPOSE, actor=actor, retire_previous=retire_previous)


def signing_key_retire(*, kid: str, actor: User | None = None) -> SigningKey:
    """Stop publishing a previous key. Raises ``NotFound``, or ``Conflict`` for the current key."""
    return vault.key_retire(purpose=keys.PURPOSE, kid=kid, actor=actor)


def signing_key_keep_env(*, actor: User | None = None) -> SigningKey:
    """Store the ECITY_OIDC_PRIVATE_KEY key in the vault as "previous" so it stays published.

    Run before changing the variable: tokens signed with the old key keep verifying. Raises
    ``Conflict`` when the variable is not set. Audited as ``keys.rotated`` when new.
    """
    pem = keys.env_private_pem()
    if not pem:
        raise Conflict(_("ECITY_OIDC_PRIVATE_KEY is not set."))
    keys.current_signing_key()  # fails clearly on a malformed variable
    record, _created = vault.key_import(purpose=keys.PURPOSE, private_pem=pem, actor=actor)
    return record


def describe_claims(groups: Iterable[str]) -> list[str]:
    """Human-readable names of claim groups (for messages)."""
    return [str(ClaimGroup(group).label) for group in known_groups(groups)]
