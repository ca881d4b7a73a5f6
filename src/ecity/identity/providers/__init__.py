"""Online identity providers: the interface a city implements to plug in real-name verification.

A provider is an outside service that vouches for a person's identity: a national e-ID app
(a live face check against the ID photo: level 3), a bank-card or telecom check (name, ID
number and a card or phone registered to them: level 2). ecity names the providers it uses in
``settings.ECITY_IDENTITY_PROVIDERS`` (dotted paths of subclasses of ``IdentityProvider``);
none by default. The citizen starts on "Get verified" (``/accounts/verify/``).

The flow, driven by ``identity.services.citizen_verification_start`` / ``_complete``:

1. ``start(user=…, state=…, callback_url=…)`` begins a verification for ``user``. ``state`` is a
   random one-time value ecity keeps in the session; the provider must hand it back unchanged.
   It returns a ``VerificationStart``: either a ``redirect_url`` (the browser goes to the
   provider, which later sends it back to ``callback_url`` with its answer as query or form
   parameters), or no redirect, for a provider that checks synchronously: ecity then calls
   ``complete`` at once with the parameters given to ``start``.
2. ``complete(user=…, state=…, params=…)`` reads the provider's answer (``params``: the callback
   request's parameters), checks it really comes from the provider (a signature, or a
   server-to-server call with the provider's transaction reference) and that it is about
   ``state``, and returns a ``VerificationResult``: whether the provider verified someone, and
   *whom* (the real name and ID number the provider vouches for), with its reference.

ecity itself then checks that the person vouched for is the account's registered person (same
ID number and name), raises the account to ``level`` with the method ``idp:<name>``, and
records it in the audit trail. A provider never writes to ecity.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.functional import Promise as StrPromise
from django.utils.module_loading import import_string

from ecity.identity.models import IdentityLevel, User


@dataclass(frozen=True)
class VerificationStart:
    """What to do after ``start``: send the browser to ``redirect_url``, or ("") finish now."""

    redirect_url: str = ""


@dataclass(frozen=True)
class VerificationResult:
    """The provider's answer: whether it verified a person, whom, and its own reference."""

    is_verified: bool
    real_name: str = ""
    id_number: str = ""
    reference: str = ""  # the provider's transaction ID, kept in the audit entry
    message: str = ""  # why not, in words the citizen understands (already translated)


class IdentityProvider:
    """Base class of an online identity provider (see the module docstring for the flow)."""

    #: Short, stable name: recorded as the method ``idp:<name>`` (letters, digits, "-", "_").
    name: str = ""
    #: Shown to the citizen on "Get verified" (translated with gettext_lazy).
    label: str | StrPromise = ""
    #: One line on what the citizen will do at the provider.
    description: str | StrPromise = ""
    #: The level a successful verification gives (``IdentityLevel.REAL_NAME`` or ``IN_PERSON``).
    level: int = IdentityLevel.REAL_NAME

    def start(
        self, *, user: User, state: str, callback_url: str, params: Mapping[str, str]
    ) -> VerificationStart:
        raise NotImplementedError

    def complete(self, *, user: User, state: str, params: Mapping[str, str]) -> VerificationResult:
        raise NotImplementedError


@cache
def _load(path: str) -> IdentityProvider:
    provider = import_string(path)()
    if not isinstance(provider, IdentityProvider) or not provider.name:
        raise TypeError(f"{path} is not an IdentityProvider with a name")
    if provider.level not in (IdentityLevel.REAL_NAME, IdentityLevel.IN_PERSON):
        raise TypeError(f"{path}: level must be 2 or 3")
    return provider


def providers_enabled() -> list[IdentityProvider]:
    """The providers named in ``settings.ECITY_IDENTITY_PROVIDERS``, in that order."""
    return [_load(path) for path in getattr(settings, "ECITY_IDENTITY_PROVIDERS", [])]


def provider_get(name: str) -> IdentityProvider | None:
    """The enabled provider called ``name``, or None (also for a provider not enabled)."""
    return next((p for p in providers_enabled() if p.name == name), None)
