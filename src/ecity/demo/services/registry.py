"""The demo city's metadata: data elements, code lists, its regions and a subject thesaurus.

The data elements the demo catalogue needs beyond the shipped ones are in ``data.resources``.

Written through ``ecity.registry`` services as the demo's platform administrator.
"""

from __future__ import annotations

import csv
import io

from ecity.demo.data import regions, resources, thesaurus
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.models import DataElement, SubjectTerm
from ecity.registry.services.codes import code_list_load
from ecity.registry.services.metadata import (
    data_element_put_in_force,
    data_element_save_draft,
    data_elements_load_shipped,
)
from ecity.registry.services.thesaurus import subject_term_save

#: The regions' code list (GB/T 2260 covers county level and above: the 6-digit codes only).
REGION_CODE_LIST = "region"


def _region_rows() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["code", "name", "name_en", "parent"])
    for code, name_zh, name_en, _level, parent in regions.REGIONS:
        if len(code) == 6:
            writer.writerow([code, name_zh, name_en, parent or ""])
    return buffer.getvalue().encode()


def _demo_elements_ensure(*, actor: User) -> int:
    """Put the demo catalogue's own data elements (DE10xx) in force; return how many."""
    existing = set(
        DataElement.objects.filter(
            identifier__in=[e.identifier for e in resources.ELEMENTS]
        ).values_list("identifier", flat=True)
    )
    departments = {d.code: d for d in Department.objects.all()}
    created = 0
    for element in resources.ELEMENTS:
        if element.identifier in existing:
            continue
        draft = data_element_save_draft(
            actor=actor,
            identifier=element.identifier,
            name=element.name,
            name_en=element.name_en,
            definition=element.definition,
            data_type=element.data_type,
            format=element.format,
            unit=element.unit,
            authority=departments[element.authority],
        )
        data_element_put_in_force(actor=actor, element=draft)
        created += 1
    return created


def registry_metadata_ensure(*, actor: User) -> int:
    """Load the data elements (with the shipped code lists, and the demo catalogue's own), the
    demo city's region codes and the demo thesaurus (missing terms only); return how many data
    elements were created. Idempotent."""
    result = data_elements_load_shipped(actor=actor)
    report = code_list_load(
        actor=actor,
        identifier=REGION_CODE_LIST,
        file_name="demo-regions.csv",
        content=_region_rows(),
    )
    if report.problems:
        raise ValueError(f"demo regions: {report.problems}")
    terms = {
        t.term: t for t in SubjectTerm.objects.filter(term__in=[i.term for i in thesaurus.TERMS])
    }
    for item in thesaurus.TERMS:
        if item.term in terms:  # left as an administrator left it
            continue
        terms[item.term] = subject_term_save(
            actor=actor,
            term=item.term,
            term_en=item.term_en,
            synonyms=item.synonyms,
            broader=[terms[name] for name in item.broader],
            related=[terms[name] for name in item.related],
        )
    return len(result.created) + _demo_elements_ensure(actor=actor)
