"""Which values of a record a department may export in full (no export of personal data
without a grant).

A personal attribute (one with a mask, ``Attribute.mask_kind``) leaves the platform in full
only to the authority department of its data element (一数一源) or to a department holding an
active sharing grant (not revoked, within its period) that covers the data element; everyone
else gets it masked as pages show it. Public attributes (a legal entity's name, a sex code)
go out as they are. Used by every export of registry records (``services.record_exports``);
the sharing API filters by grant itself (``selectors.shared_data``).
"""

from __future__ import annotations

from django.utils import timezone

from ecity.core.errors import NotFound
from ecity.org.models import Department
from ecity.registry.attributes import (
    LEGAL_ENTITY_ATTRIBUTES,
    LEGAL_ENTITY_KEY,
    PERSON_ATTRIBUTES,
    PERSON_KEY,
    Attribute,
)
from ecity.registry.models import SharingGrant
from ecity.registry.selectors.metadata import data_element_authority


def export_attributes(kind: str) -> list[Attribute]:
    """The attributes of a ``person`` or ``legal_entity`` record, key first."""
    if kind == "person":
        return [PERSON_KEY, *PERSON_ATTRIBUTES.values()]
    return [LEGAL_ENTITY_KEY, *LEGAL_ENTITY_ATTRIBUTES.values()]


def granted_data_elements(*, department: Department) -> set[str]:
    """The data elements ``department`` holds an active sharing grant for today."""
    today = timezone.localdate()
    return set(
        SharingGrant.objects.filter(
            grantee=department,
            revoked_at__isnull=True,
            starts_on__lte=today,
            expires_on__gte=today,
        ).values_list("items__data_element__identifier", flat=True)
    ) - {None}


def record_export_access(*, department: Department | None, kind: str) -> dict[str, bool]:
    """Attribute name → whether ``department`` may export its values in full (else masked).

    Rules in the module docstring; without a department (a platform administrator acting for
    none) every personal attribute is masked.
    """
    granted = granted_data_elements(department=department) if department is not None else set()
    access: dict[str, bool] = {}
    for attribute in export_attributes(kind):
        if not attribute.mask_kind:
            access[attribute.name] = True
            continue
        if department is None:
            access[attribute.name] = False
            continue
        try:
            authority = data_element_authority(identifier=attribute.authority_identifier)
        except NotFound:
            authority = None
        is_authority = authority is not None and authority.pk == department.pk
        access[attribute.name] = is_authority or attribute.data_element in granted
    return access
