"""Hooks for the base registries that verification matches against (persons, legal entities).

The base registries (人口库, 法人库; issue 9) live in a domain app above identity, so identity
cannot import them: it loads the classes named in ``settings.ECITY_PERSON_REGISTRY`` and
``settings.ECITY_LEGAL_ENTITY_REGISTRY``. The defaults here answer ``UNKNOWN`` to everything,
so until a registry plugs in, verification goes through a counter or an identity provider.

A registry answers one question about a record and never writes to identity:

- ``PersonRegistry.person_match(real_name=…, id_number=…, phone=…)``: does the registry hold
  this person with this name? Answer ``MATCH`` only when the record proves the person is the
  one who registered, not merely that the name and ID number exist (anyone can learn those):
  e.g. the mobile number registered for that person in the registry (or with the telecom
  operator) is the account's. A ``MATCH`` raises the account to level 2 (method ``registry``).
- ``LegalEntityRegistry.legal_entity_match(uscc=…, name=…, legal_representative_name=…,
  legal_representative_id_number=…)``: is this the enterprise's record, with this legal
  representative? A ``MATCH`` verifies the enterprise when its legal representative, verified
  themselves, asks for it (``identity.services.legal_entity_verify_by_registry``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from django.conf import settings
from django.utils.module_loading import import_string


class Match(Enum):
    MATCH = "match"
    MISMATCH = "mismatch"
    UNKNOWN = "unknown"  # no registry, no record, or the registry could not be reached


@dataclass(frozen=True)
class MatchResult:
    outcome: Match
    reference: str = ""  # the registry's record or transaction ID, kept in the audit entry


class PersonRegistry:
    """Interface of the person registry hook; this default knows nobody."""

    is_connected = False

    def person_match(self, *, real_name: str, id_number: str, phone: str) -> MatchResult:
        return MatchResult(Match.UNKNOWN)


class LegalEntityRegistry:
    """Interface of the legal-entity registry hook; this default knows no enterprise."""

    is_connected = False

    def legal_entity_match(
        self,
        *,
        uscc: str,
        name: str,
        legal_representative_name: str,
        legal_representative_id_number: str,
    ) -> MatchResult:
        return MatchResult(Match.UNKNOWN)


class NoPersonRegistry(PersonRegistry):
    """The default until a person registry is connected: every answer is ``UNKNOWN``."""


class NoLegalEntityRegistry(LegalEntityRegistry):
    """The default until a legal-entity registry is connected: every answer is ``UNKNOWN``."""


def person_registry() -> PersonRegistry:
    """The configured person registry (``settings.ECITY_PERSON_REGISTRY``)."""
    path = getattr(settings, "ECITY_PERSON_REGISTRY", "") or f"{__name__}.NoPersonRegistry"
    return import_string(path)()


def legal_entity_registry() -> LegalEntityRegistry:
    """The configured legal-entity registry (``settings.ECITY_LEGAL_ENTITY_REGISTRY``)."""
    path = (
        getattr(settings, "ECITY_LEGAL_ENTITY_REGISTRY", "") or f"{__name__}.NoLegalEntityRegistry"
    )
    return import_string(path)()
