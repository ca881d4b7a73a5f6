"""Materials satisfied by reference (免提交): the applicant's e-certificates and registry records.

A required material bound to a certificate type (``RequiredMaterial.certificate_type``) is
satisfied when the identity applying holds a certificate of that type that is valid on the day
(not revoked, not expired: ``certificates.selectors.certificate_valid_held``). One bound to a
base registry (``registry_source``) is satisfied by the applicant's own record: the person
record linked to their account, or the legal-entity record of the enterprise they act for
(registered and active), holding a value of ``registry_element`` when one is named. Never
anyone else's: the sources are found from the acting identity only.

The same records prefill the application form (``registry_prefill``), each prefilled field
marked as coming from the registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from ecity.cases.models import Case, CaseMaterialReference
from ecity.catalogue.models import RegistrySource, RequiredMaterial
from ecity.certificates.models import Certificate
from ecity.certificates.selectors import certificate_valid_held
from ecity.core.masking import mask
from ecity.identity.models import User
from ecity.identity.selectors import ActingIdentity
from ecity.registry.attributes import (
    LEGAL_ENTITY_ATTRIBUTES,
    LEGAL_ENTITY_KEY,
    PERSON_ATTRIBUTES,
    PERSON_KEY,
)
from ecity.registry.models import LegalEntityRecord, Person


@dataclass(frozen=True)
class MaterialSource:
    """What stands for a material: a certificate, or a registry record of the applicant."""

    material: RequiredMaterial
    certificate: Certificate | None = None
    person: Person | None = None
    legal_entity_record: LegalEntityRecord | None = None

    @property
    def label(self) -> str:
        """The certificate number, or the registry and the record's key (masked for a person)."""
        if self.certificate is not None:
            return self.certificate.identifier
        if self.person is not None:
            return _("Person registry: %(key)s") % {"key": mask(self.person.id_number, "id_number")}
        assert self.legal_entity_record is not None
        return _("Legal-entity registry: %(key)s") % {"key": self.legal_entity_record.uscc}


def own_person_record(*, user: User) -> Person | None:
    """The person record linked to ``user``'s account (linked once real-name verified)."""
    if not getattr(user, "pk", None):
        return None
    return Person.objects.filter(account=user).first()


def own_legal_entity_record(*, identity: ActingIdentity | None) -> LegalEntityRecord | None:
    """The registered, active record of the enterprise ``identity`` acts for, if any."""
    entity = getattr(identity, "legal_entity", None)
    if entity is None:
        return None
    return LegalEntityRecord.objects.filter(
        enterprise=entity, status=LegalEntityRecord.Status.ACTIVE
    ).first()


def _holds_element(record: Person | LegalEntityRecord, kind: str, element: str) -> bool:
    if not element:
        return True
    key, attributes = (
        (PERSON_KEY, PERSON_ATTRIBUTES)
        if kind == RegistrySource.PERSON
        else (LEGAL_ENTITY_KEY, LEGAL_ENTITY_ATTRIBUTES)
    )
    for attribute in (key, *attributes.values()):
        if attribute.data_element == element:
            return getattr(record, attribute.name, None) not in (None, "")
    return False


def material_sources(
    *,
    user: User,
    identity: ActingIdentity | None,
    materials: Mapping[str, RequiredMaterial],
    on: dt.date,
) -> dict[str, MaterialSource]:
    """The materials (by ``material:<id>`` key) that the identity's own sources satisfy ``on``.

    Nothing for a walk-in applicant (no identity). Reads only; the certificate or record is the
    identity's own (see the module docstring).
    """
    if identity is None or not getattr(user, "is_authenticated", False):
        return {}
    found: dict[str, MaterialSource] = {}
    person: Any = False  # looked up at most once
    entity_record: Any = False
    for key, material in materials.items():
        if material.certificate_type_id is not None:
            certificate = certificate_valid_held(
                user=user,
                identity=identity,
                certificate_type_id=material.certificate_type_id,
                on=on,
            )
            if certificate is not None:
                found[key] = MaterialSource(material=material, certificate=certificate)
                continue
        if material.registry_source == RegistrySource.PERSON and identity.legal_entity is None:
            if person is False:
                person = own_person_record(user=user)
            if person is not None and _holds_element(
                person, material.registry_source, material.registry_element
            ):
                found[key] = MaterialSource(material=material, person=person)
        elif material.registry_source == RegistrySource.LEGAL_ENTITY:
            if entity_record is False:
                entity_record = own_legal_entity_record(identity=identity)
            if entity_record is not None and _holds_element(
                entity_record, material.registry_source, material.registry_element
            ):
                found[key] = MaterialSource(material=material, legal_entity_record=entity_record)
    return found


def case_material_references(*, case: Case) -> list[CaseMaterialReference]:
    """The materials of ``case`` satisfied by reference, with their certificate or record."""
    return list(
        CaseMaterialReference.objects.filter(case=case)
        .select_related("material", "certificate", "person", "legal_entity_record")
        .order_by("material__sort_order", "pk")
    )


# Form fields that the applicant's own registry record fills in (field name -> attribute).
_PERSON_FIELDS = {
    "applicant_name": "name",
    "name": "name",
    "real_name": "name",
    "contact_name": "name",
    "id_number": "id_number",
    "address": "address",
    "phone": "phone",
    "mobile": "phone",
    "contact_phone": "phone",
}
_ENTITY_FIELDS = {
    "enterprise_name": "name",
    "company_name": "name",
    "unit_name": "name",
    "uscc": "uscc",
    "legal_representative": "legal_representative_name",
    "legal_representative_name": "legal_representative_name",
    "registered_address": "registered_address",
}


def registry_prefill(
    schema: Mapping[str, Any], *, user: User, identity: ActingIdentity | None
) -> dict[str, str]:
    """Values of the applicant's own base-registry record for the form's text fields.

    Acting as themselves: the person record linked to their account; acting for an enterprise:
    its registered record (and nothing from the agent's own person record, which is not the
    applicant's). Only non-empty text values; never another person's or enterprise's.
    """
    entity_record = own_legal_entity_record(identity=identity)
    if getattr(identity, "legal_entity", None) is not None:
        record: Any = entity_record
        fields = _ENTITY_FIELDS
    else:
        record = own_person_record(user=user)
        fields = _PERSON_FIELDS
    if record is None:
        return {}
    values: dict[str, str] = {}
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict) or prop.get("type") != "string" or "enum" in prop:
            continue
        attribute = fields.get(name)
        value = str(getattr(record, attribute, "") or "") if attribute else ""
        if value:
            values[name] = value
    return values
