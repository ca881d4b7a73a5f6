"""Writes to the base registries (persons, legal entities, addresses): one data one source.

``person_write``, ``legal_entity_record_write`` and ``address_write`` create a record or change
its attributes. For each attribute the rules are:

- the value is validated at the boundary: normalised, checked by the attribute's own check
  (ID number check digit, USCC check character, mobile number) and by its data element
  (type, pattern, code list); any error is reported per field and nothing is written;
- the authority department of the attribute's data element (``data_element_authority``) writes
  the authoritative value; a write by another department, or without a department (an import or
  an exchange message nobody vouches for), is provisional: it is written while the attribute has
  no authoritative value, and stored as a ``RecordConflict`` when it disagrees with one;
- every change is logged (``RecordChange``: version, old → new, source and reference, who and
  for which department), and the attribute's provenance (``RecordAttribute``) says where the
  current value came from and whether it is authoritative.

The package holds the rules (``rules``), the shared write path of one record (``write``) and
one module per registry (``persons``, ``legal_entities``, ``addresses``); import from here.
"""

from ecity.registry.services.records.addresses import address_write
from ecity.registry.services.records.legal_entities import legal_entity_record_write
from ecity.registry.services.records.persons import person_write
from ecity.registry.services.records.rules import (
    LIVE_ELEMENTS,
    RECORD_FKS,
    SETTLED_FIELDS,
    Decision,
    Elements,
    Record,
    RecordWrite,
    Value,
    authority_of,
    conflict_store,
    conflicts_settled_by,
    decide,
    is_authority_of,
    parse_values,
    record_kwargs,
)
from ecity.registry.services.records.write import after_write

__all__ = [
    "LIVE_ELEMENTS",
    "RECORD_FKS",
    "SETTLED_FIELDS",
    "Decision",
    "Elements",
    "Record",
    "RecordWrite",
    "Value",
    "address_write",
    "after_write",
    "authority_of",
    "conflict_store",
    "conflicts_settled_by",
    "decide",
    "is_authority_of",
    "legal_entity_record_write",
    "parse_values",
    "person_write",
    "record_kwargs",
]
