"""Importing certificates issued outside ecity (another city, a national system) into the store,
with how the recording department verified them."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.certificates.identifiers import certificate_identifier
from ecity.certificates.models import Certificate, CertificateType
from ecity.certificates.selectors import certificate_holder_account
from ecity.certificates.services.issuing import Holder
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.core.events import event_publish
from ecity.core.files import field_file_save_in_transaction
from ecity.core.validators import (
    normalise_id_number,
    normalise_uscc,
    validate_id_number,
    validate_uscc,
)
from ecity.identity.models import LegalEntity, User
from ecity.org.models import Department, StaffRole
from ecity.org.selectors import user_has_role

IMPORT_NUMBER_RE = re.compile(r"^[0-9A-Z]{1,40}$")


def _import_errors(
    *,
    holder: Holder,
    issuer_name: str,
    issuer_uscc: str,
    number: str,
    issued_on: dt.date | None,
    valid_until: dt.date | None,
    verification: str,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not issuer_name:
        errors["issuer_name"] = [_("Enter the issuer's name.")]
    try:
        validate_uscc(issuer_uscc)
    except DjangoValidationError as exc:
        errors["issuer_uscc"] = list(exc.messages)
    if not IMPORT_NUMBER_RE.match(number):
        errors["number"] = [
            _("A certificate number has 1 to 40 digits and capital letters (A-Z), no spaces.")
        ]
    if issued_on is None:
        errors["issued_on"] = [_("Enter the date of issue.")]
    elif valid_until is not None and valid_until < issued_on:
        errors["valid_until"] = [_("The end of validity cannot be before the date of issue.")]
    if verification not in Certificate.Verification.values:
        errors["verification"] = [_("Choose how the certificate was verified.")]
    if not holder.name.strip():
        errors["holder_name"] = [_("Enter the holder's name.")]
    check = validate_id_number if holder.kind == Certificate.HolderKind.CITIZEN else validate_uscc
    if holder.kind not in Certificate.HolderKind.values:
        errors["holder_kind"] = [_("Choose a citizen or an enterprise.")]
    else:
        try:
            check(holder.identifier)
        except DjangoValidationError as exc:
            errors["holder_identifier"] = list(exc.messages)
    return errors


def certificate_import(
    *,
    actor: User,
    department: Department,
    certificate_type: CertificateType,
    holder: Holder,
    issuer_name: str,
    issuer_uscc: str,
    number: str,
    issued_on: dt.date | None,
    valid_until: dt.date | None = None,
    verification: str = Certificate.Verification.UNVERIFIED,
    data: dict[str, str] | None = None,
    file: File | None = None,
) -> Certificate:
    """Record a certificate issued outside ecity (by another city or a national system).

    Rules: the certificate gets the national identifier built from the type code, the outside
    issuer's USCC and its ``number`` (version 001); recording the same identifier again returns
    the certificate already recorded, unchanged. ``verification`` says how the recording
    department checked it (the issuer's signature, the issuer's registry, or not at all); it is
    shown to the holder and to reviewers. ``valid_until`` empty means no expiry. An enterprise
    holder is linked to its verified ecity account by USCC, so its agents see it in their
    wallet; a citizen's is found by the ID number. ``file`` is the issuer's own document.
    Permissions: administrators of ``department`` (the department that records it and may revoke
    it) or platform administrators, else ``PermissionDenied``. Errors: ``ValidationFailed``
    with a message per field (nothing written). Side effects: audit entry
    ``certificate.imported`` (subject the holder's account) and the event
    ``certificate.imported``.
    """
    if not user_has_role(user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN, department=department):
        raise PermissionDenied(_("Only administrators of this department can do this."))
    issuer_name = (issuer_name or "").strip()
    issuer_uscc = normalise_uscc(issuer_uscc or "")
    number = (number or "").strip().upper()
    holder = Holder(
        kind=holder.kind,
        name=holder.name.strip(),
        identifier=(
            normalise_id_number(holder.identifier)
            if holder.kind == Certificate.HolderKind.CITIZEN
            else normalise_uscc(holder.identifier)
        ),
        account=holder.account,
        legal_entity=holder.legal_entity,
    )
    errors = _import_errors(
        holder=holder,
        issuer_name=issuer_name,
        issuer_uscc=issuer_uscc,
        number=number,
        issued_on=issued_on,
        valid_until=valid_until,
        verification=verification,
    )
    if errors:
        raise ValidationFailed(fields=errors)
    assert issued_on is not None  # checked above
    identifier = certificate_identifier(
        type_code=certificate_type.code, issuer_uscc=issuer_uscc, serial=number, version=1
    )
    legal_entity = holder.legal_entity
    if legal_entity is None and holder.kind == Certificate.HolderKind.ENTERPRISE:
        legal_entity = LegalEntity.objects.filter(uscc=holder.identifier, is_verified=True).first()
    with transaction.atomic():
        existing = Certificate.objects.filter(identifier=identifier).first()
        if existing is not None:
            return existing
        certificate = Certificate(
            identifier=identifier,
            origin=Certificate.Origin.IMPORTED,
            verification=verification,
            type=certificate_type,
            source_type="import",
            source_label=issuer_name,
            issue_key=f"import:{identifier}",
            type_code=certificate_type.code,
            type_name=certificate_type.name_zh,
            issuer=department,
            issuer_name=issuer_name,
            issuer_uscc=issuer_uscc,
            holder_kind=holder.kind,
            holder_name=holder.name,
            holder_identifier=holder.identifier,
            holder_account=holder.account,
            holder_legal_entity=legal_entity,
            data=dict(data or {}),
            data_labels=[
                [str(e["name"]), str(e.get("label_zh", e["name"])), str(e.get("label_en", ""))]
                for e in certificate_type.data_schema
            ],
            serial=number,
            version=1,
            issued_on=issued_on,
            valid_until=valid_until,
            issued_by=actor,
        )
        certificate.save()
        if file is not None:
            field_file_save_in_transaction(certificate.pdf, f"{certificate.public_id}.pdf", file)
        audit_record(
            actor=actor,
            action="certificate.imported",
            obj=certificate,
            subject=certificate_holder_account(certificate=certificate),
            data={
                "type": certificate.type_code,
                "issuer": issuer_name,
                "verification": verification,
            },
        )
        event_publish(
            name="certificate.imported",
            subject=f"certificates.certificate:{certificate.public_id}",
            data={
                "identifier": certificate.identifier,
                "type_code": certificate.type_code,
                "issuer_name": issuer_name,
                "verification": verification,
            },
            key=str(certificate.public_id),
        )
        return certificate
