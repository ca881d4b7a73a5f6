"""The demo city's information resource catalogue, written through ``ecity.registry`` services.

Each resource is drafted and submitted by the loader (the operator, ``actor=None``) and reviewed and
published by ``admin``, so the four-eyes rule of the catalogue holds and every step is audited.
"""

from __future__ import annotations

from ecity.demo.data import resources as data
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.models import CodeList, DataElement, Resource, SubjectTerm
from ecity.registry.services.resources import (
    ResourceItemInput,
    resource_publish,
    resource_save_draft,
    resource_submit,
)


def resource_catalogue_ensure(*, actor: User) -> int:
    """Publish the demo catalogue's resources that do not exist yet; return how many.

    Idempotent: a resource whose code exists is left as its maintainers left it.
    Needs the data elements (``registry_metadata_ensure``), the demo thesaurus and the demo
    service items first.
    """
    existing = set(Resource.objects.values_list("code", flat=True))
    departments = {d.code: d for d in Department.objects.all()}
    elements = {e.identifier: e for e in DataElement.objects.all()}
    terms = {t.term: t for t in SubjectTerm.objects.all()}
    created = 0
    for entry in data.RESOURCES:
        if entry.code in existing:
            continue
        resource_save_draft(
            actor=None,
            code=entry.code,
            name=entry.name,
            name_en=entry.name_en,
            provider=departments[entry.provider],
            summary=entry.summary,
            summary_en=entry.summary_en,
            category=entry.category,
            format=entry.format,
            format_detail=entry.format_detail,
            share_type=entry.share_type,
            share_condition=entry.share_condition,
            share_method=entry.share_method,
            open_type=entry.open_type,
            open_condition=entry.open_condition,
            update_cycle=entry.update_cycle,
            subjects=[terms[t] for t in entry.subjects],
            service_codes=entry.services,
            code_list=(
                CodeList.objects.get(identifier=entry.code_list) if entry.code_list else None
            ),
            items=[
                ResourceItemInput(
                    data_element=elements[item.element],
                    name=item.name,
                    share_type=item.share_type,
                    is_masked_for_staff=item.is_masked_for_staff,
                )
                for item in entry.items
            ],
        )
        resource_submit(actor=None, code=entry.code)
        resource_publish(actor=actor, code=entry.code)
        created += 1
    return created
