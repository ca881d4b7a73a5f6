"""Writes to the person registry (人口库)."""

from __future__ import annotations

from collections.abc import Mapping

from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.attributes import PERSON_ATTRIBUTES, PERSON_KEY
from ecity.registry.models import Person
from ecity.registry.selectors.records import person_get_by_id_number
from ecity.registry.services.records.rules import RecordWrite
from ecity.registry.services.records.write import _record_write


def person_write(
    *,
    actor: User,
    department: Department | None,
    source: str,
    source_reference: str = "",
    id_number: str,
    values: Mapping[str, str],
    expected_version: int | None = None,
) -> RecordWrite[Person]:
    """Create the person with ``id_number`` or change their attributes from ``values`` (text).

    Rules: the actor writes for ``department`` (``can_write_records``); values are validated
    by attribute and data element, errors per field, nothing written; one data one source as in
    the module's docstring. A new person needs a name. Side effects: the change log and the
    provenance of each attribute; on a change or a conflict a ``registry.person_changed`` audit
    entry (the person's account as subject); events ``registry.person_changed`` and
    ``registry.conflict_recorded``. ``expected_version`` (optional: the version the writer
    read, 0 for a new record) refuses a write over someone else's change.
    Errors: ``PermissionDenied``, ``ValidationFailed``, ``Conflict`` (version).
    """
    return _record_write(
        model=Person,
        found=lambda: person_get_by_id_number(id_number=id_number),
        key_spec=PERSON_KEY,
        key_text=id_number,
        specs=PERSON_ATTRIBUTES,
        action="registry.person_changed",
        subject=lambda person: person.account,
        actor=actor,
        department=department,
        source=source,
        source_reference=source_reference,
        values=values,
        expected_version=expected_version,
    )
