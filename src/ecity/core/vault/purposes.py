"""How each purpose uses the vault, and the checks an app runs before a rotation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ecity.core.models import SigningKey

Purpose = SigningKey.Purpose
Status = SigningKey.Status


@dataclass(frozen=True)
class PurposeRules:
    """How one purpose uses the vault."""

    algorithm: str
    verifies_retired: bool  # whether a retired key still verifies what it signed


PURPOSES: dict[str, PurposeRules] = {
    Purpose.OIDC: PurposeRules(algorithm="RS256", verifies_retired=False),
    Purpose.CERTIFICATES: PurposeRules(algorithm="Ed25519", verifies_retired=True),
    Purpose.EXCHANGE: PurposeRules(algorithm="Ed25519", verifies_retired=True),
    # Checkpoints of the audit chain are verified for as long as the trail is kept.
    Purpose.AUDIT: PurposeRules(algorithm="Ed25519", verifies_retired=True),
    # Anti-tampering records of published pages (ecity.cms) are verified while the page is live.
    Purpose.CONTENT: PurposeRules(algorithm="Ed25519", verifies_retired=True),
}


# Checks an app runs before a rotation of its purpose (OIDC: refused while the environment
# supplies the key). A guard raises an ApplicationError to refuse.
_rotation_guards: dict[str, list[Callable[[], None]]] = {}


def rotation_guard_register(purpose: str, guard: Callable[[], None]) -> None:
    """Run ``guard`` before every rotation of ``purpose``; it raises to refuse. Once only."""
    guards = _rotation_guards.setdefault(purpose, [])
    if guard not in guards:
        guards.append(guard)


def _rules(purpose: str) -> PurposeRules:
    try:
        return PURPOSES[purpose]
    except KeyError:
        raise ValueError(f"unknown signing-key purpose {purpose!r}") from None
