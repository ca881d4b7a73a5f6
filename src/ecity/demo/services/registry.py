"""The demo city's metadata: data elements, code lists, its regions and a subject thesaurus.

Written through ``ecity.registry`` services as the demo's platform administrator.
"""

from __future__ import annotations

import csv
import io

from ecity.demo.data import regions, thesaurus
from ecity.identity.models import User
from ecity.registry.models import SubjectTerm
from ecity.registry.services.codes import code_list_load
from ecity.registry.services.metadata import data_elements_load_shipped
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


def registry_metadata_ensure(*, actor: User) -> int:
    """Load the data elements (with the shipped code lists), the demo city's region codes and
    the demo thesaurus (missing terms only); return how many data elements were created.
    Idempotent."""
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
    return len(result.created)
