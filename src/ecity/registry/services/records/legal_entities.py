"""Writes to the legal-entity registry (法人库)."""

from __future__ import annotations

from collections.abc import Mapping

from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.attributes import LEGAL_ENTITY_ATTRIBUTES, LEGAL_ENTITY_KEY
from ecity.registry.models import LegalEntityRecord
from ecity.registry.selectors.records import legal_entity_record_get_by_uscc
from ecity.registry.services.records.rules import RecordWrite
from ecity.registry.services.records.write import _record_write


def legal_entity_record_write(
    *,
    actor: User,
    department: Department | None,
    source: str,
    source_reference: str = "",
    uscc: str,
    values: Mapping[str, str],
    expected_version: int | None = None,
) -> RecordWrite[LegalEntityRecord]:
    """Create the legal-entity record with ``uscc`` or change its attributes from ``values``.

    Rules, side effects and errors as ``person_write`` (audit action and event
    ``registry.legal_entity_changed``); a new record needs a name.
    """
    return _record_write(
        model=LegalEntityRecord,
        found=lambda: legal_entity_record_get_by_uscc(uscc=uscc),
        key_spec=LEGAL_ENTITY_KEY,
        key_text=uscc,
        specs=LEGAL_ENTITY_ATTRIBUTES,
        action="registry.legal_entity_changed",
        subject=lambda record: None,
        actor=actor,
        department=department,
        source=source,
        source_reference=source_reference,
        values=values,
        expected_version=expected_version,
    )
