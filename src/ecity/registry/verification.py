"""The base registries as identity's verification registries (``ecity.identity.registries``).

Identity sits below the registry and cannot import it; it loads these classes from the settings
``ECITY_PERSON_REGISTRY`` and ``ECITY_LEGAL_ENTITY_REGISTRY`` (their defaults). They read the
records and never write, to identity or to the registry.

- A person MATCHes when the registry holds the ID number with the same name and the same
  mobile number: the phone number, registered for that person by a department, proves that the
  account's holder is the person (name and ID number alone are no proof, anyone may know them).
  Another name is a MISMATCH (someone registered with this ID number); no record, or no phone
  number or another one in the record, is UNKNOWN: the person goes to a counter.
- A legal entity MATCHes when its record has the USCC, the name and the legal representative
  (name, and ID number when the record holds one) and is active; no record is UNKNOWN, anything
  else a MISMATCH.
"""

from __future__ import annotations

from ecity.core.validators import normalise_mobile
from ecity.identity.registries import LegalEntityRegistry, Match, MatchResult, PersonRegistry
from ecity.identity.services.verification import same_id_number, same_name
from ecity.registry.models import LegalEntityRecord
from ecity.registry.selectors.records import (
    legal_entity_record_get_by_uscc,
    person_get_by_id_number,
)


class PersonRecords(PersonRegistry):
    """Person matching against the person registry's records."""

    is_connected = True

    def person_match(self, *, real_name: str, id_number: str, phone: str) -> MatchResult:
        person = person_get_by_id_number(id_number=id_number)
        if person is None:
            return MatchResult(Match.UNKNOWN)
        reference = f"person:{person.public_id}:v{person.version}"
        if not same_name(real_name, person.name):
            return MatchResult(Match.MISMATCH, reference=reference)
        if phone and person.phone and normalise_mobile(phone) == normalise_mobile(person.phone):
            return MatchResult(Match.MATCH, reference=reference)
        return MatchResult(Match.UNKNOWN, reference=reference)


class LegalEntityRecords(LegalEntityRegistry):
    """Legal-entity matching against the legal-entity registry's records."""

    is_connected = True

    def legal_entity_match(
        self,
        *,
        uscc: str,
        name: str,
        legal_representative_name: str,
        legal_representative_id_number: str,
    ) -> MatchResult:
        record = legal_entity_record_get_by_uscc(uscc=uscc)
        if record is None:
            return MatchResult(Match.UNKNOWN)
        reference = f"legal_entity:{record.public_id}:v{record.version}"
        registered_id = record.legal_representative_id_number
        matches = (
            record.status == LegalEntityRecord.Status.ACTIVE
            and same_name(name, record.name)
            and same_name(legal_representative_name, record.legal_representative_name)
            and (not registered_id or same_id_number(legal_representative_id_number, registered_id))
        )
        return MatchResult(Match.MATCH if matches else Match.MISMATCH, reference=reference)
