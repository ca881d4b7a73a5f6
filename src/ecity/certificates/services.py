"""Writes of the e-licence store: issuing certificates from plain data, importing certificates
issued elsewhere (``certificate_import``), revoking them.

``certificate_issue`` is the one way a certificate comes into the store, whatever its source:
the ``case.decided`` handler (``handlers.py``) calls it for approved cases, and the coming
registry and exchange imports will call it for certificates issued elsewhere. It is
idempotent by its ``key``, renders and signs outside any case's row locks, and records
``certificate.issued`` in the audit trail and publishes ``certificate.issued`` (so that the
source, e.g. the case timeline, can record it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.catalogue.form_answers import form_answer_text
from ecity.catalogue.models import ServiceItem
from ecity.certificates import signing
from ecity.certificates.errors import CertificatesErrorCode
from ecity.certificates.identifiers import certificate_identifier
from ecity.certificates.models import Certificate, CertificateType
from ecity.certificates.pdf import certificate_pdf
from ecity.certificates.selectors import can_revoke, certificate_holder_account
from ecity.certificates.verification import (
    VerificationResult,
    certificate_payload,
    qr_payload,
)
from ecity.certificates.verification import certificate_verify as _certificate_verify
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.core.events import event_publish
from ecity.core.files import field_file_save_in_transaction
from ecity.core.sequences import sequence_next
from ecity.core.validators import (
    normalise_id_number,
    normalise_uscc,
    validate_id_number,
    validate_uscc,
)
from ecity.identity.models import LegalEntity, User
from ecity.org.models import Department, StaffRole
from ecity.org.selectors import user_has_role


@dataclass(frozen=True)
class Holder:
    """Who a certificate is issued to, and which accounts may act as the holder."""

    kind: str  # Certificate.HolderKind
    name: str
    identifier: str  # resident ID number or USCC
    account: User | None = None
    legal_entity: LegalEntity | None = None


@dataclass(frozen=True)
class Source:
    """Where a certificate comes from: ``ref`` "<type>:<id>", a human ``label``."""

    type: str
    ref: str
    label: str = ""


def serial_allocate(*, scope: str) -> int:
    """Hand out the next number (1, 2, …) of ``scope``; never the same number twice.

    The platform's gap-free sequence (``ecity.core.sequences``): concurrent issuances get
    distinct numbers, and a rolled-back issuance gives its number back.
    """
    with transaction.atomic():
        return sequence_next(scope=scope)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def _valid_until(certificate_type: CertificateType, issued_on: dt.date) -> dt.date | None:
    """The last day of validity: issued on 2025-03-01 for 5 years → valid until 2030-02-28."""
    if not certificate_type.has_expiry:
        return None
    end = _add_years(issued_on, certificate_type.validity_years or 0)
    end += dt.timedelta(days=certificate_type.validity_days or 0)
    return end - dt.timedelta(days=1)


def certificate_data_build(
    *,
    certificate_type: CertificateType,
    form_data: dict[str, Any],
    form_schema: dict[str, Any] | None,
    case_values: dict[str, Any],
) -> dict[str, str]:
    """Build a certificate's data following the type's field mapping.

    ``form.<key>`` sources read ``form_data`` (choice values become their Chinese labels from
    ``form_schema``); ``case.<attr>`` sources read ``case_values`` (the plain case facts of the
    ``case.decided`` event). Every value becomes text, so the signed form is the same on every
    database.
    """
    schema = form_schema or {}
    data: dict[str, str] = {}
    properties = schema.get("properties") or {}
    for entry in certificate_type.data_schema:
        kind, _dot, key = str(entry["source"]).partition(".")
        prop, value = (
            (properties.get(key), (form_data or {}).get(key))
            if kind == "form"
            else (None, case_values.get(key, ""))
        )
        data[str(entry["name"])] = form_answer_text(prop, value, language="zh-hans")
    return data


def certificate_issue(
    *,
    certificate_type: CertificateType,
    holder: Holder,
    data: dict[str, str],
    source: Source,
    key: str,
    issued_on: dt.date | None = None,
    issued_by: User | None = None,
) -> Certificate:
    """Issue an e-certificate of ``certificate_type`` to ``holder`` with ``data``; idempotent.

    Rules: ``key`` identifies the issuance: issuing again with the same key returns the
    certificate already issued (never two). The issuing department (the type's) must have a
    USCC (else ``Conflict`` ``issuer_without_uscc``). Allocates the serial of (type, issuer),
    builds the identifier, signs the canonical data with the active Ed25519 key (generating the
    first key if none exists) and stores a PDF with a QR code holding the verification URL (the
    file is removed again if the transaction rolls back). ``issued_on`` defaults to today.
    Permissions: none here; the caller is a trusted source (a handler of a decided case, an
    import), not a user-facing view. Side effects: audit entry ``certificate.issued`` (actor
    ``issued_by``, subject the holder's account) and the event ``certificate.issued``.
    """
    with transaction.atomic():
        existing = Certificate.objects.filter(issue_key=key).first()
        if existing is not None:
            return existing
        issuer = certificate_type.department
        if not issuer.uscc:
            raise Conflict(
                _(
                    "The issuing department %(department)s has no unified social credit code; "
                    "an administrator must enter it before certificates can be issued."
                )
                % {"department": issuer.name_zh},
                code=CertificatesErrorCode.ISSUER_WITHOUT_USCC,
            )
        issued_on = issued_on or timezone.localdate()
        number = serial_allocate(scope=f"certificate:{certificate_type.code}:{issuer.uscc}")
        serial = f"{issued_on.year}{number:08d}"
        version = 1
        certificate = Certificate(
            identifier=certificate_identifier(
                type_code=certificate_type.code,
                issuer_uscc=issuer.uscc,
                serial=serial,
                version=version,
            ),
            type=certificate_type,
            source_type=source.type,
            source_ref=source.ref,
            source_label=source.label,
            issue_key=key,
            type_code=certificate_type.code,
            type_name=certificate_type.name_zh,
            issuer=issuer,
            issuer_name=issuer.name_zh,
            issuer_uscc=issuer.uscc,
            holder_kind=holder.kind,
            holder_name=holder.name,
            holder_identifier=holder.identifier,
            holder_account=holder.account,
            holder_legal_entity=holder.legal_entity,
            data=data,
            data_labels=[
                [str(e["name"]), str(e.get("label_zh", e["name"])), str(e.get("label_en", ""))]
                for e in certificate_type.data_schema
            ],
            serial=serial,
            version=version,
            issued_on=issued_on,
            valid_until=_valid_until(certificate_type, issued_on),
            issued_by=issued_by if getattr(issued_by, "pk", None) else None,
        )
        certificate.signature, certificate.key = signing.sign(certificate_payload(certificate))
        try:
            with transaction.atomic():
                certificate.save()
        except IntegrityError:
            # Issued concurrently under the same key (or for the same source): that one counts.
            existing = Certificate.objects.filter(issue_key=key).first()
            if existing is None:
                raise
            return existing
        field_file_save_in_transaction(
            certificate.pdf,
            f"{certificate.public_id}.pdf",
            ContentFile(certificate_pdf(certificate, qr_payload(certificate))),
        )
        audit_record(
            actor=certificate.issued_by,
            action="certificate.issued",
            obj=certificate,
            subject=certificate_holder_account(certificate=certificate),
            data={"type": certificate.type_code, "source": source.label or source.type},
        )
        event_publish(
            name="certificate.issued",
            subject=f"certificates.certificate:{certificate.public_id}",
            data={
                "identifier": certificate.identifier,
                "type_code": certificate.type_code,
                "type_name": certificate.type_name,
                "source_type": certificate.source_type,
                "source_ref": certificate.source_ref,
                "source_label": certificate.source_label,
                "issued_by": str(certificate.issued_by.public_id)
                if certificate.issued_by
                else None,
            },
            key=str(certificate.public_id),
        )
        return certificate


def certificate_revoke(
    *,
    actor: User,
    certificate: Certificate,
    reason: str,
    request: HttpRequest | None = None,
) -> Certificate:
    """Revoke a certificate, with the reason shown to everyone who verifies it.

    Permissions: an approver or department administrator of the issuing department (or of a
    parent department), or a platform administrator (else ``PermissionDenied``). The reason is
    required (``ValidationFailed`` on ``reason``). Revoking a revoked certificate changes
    nothing and returns it (safe to retry). Records ``certificate.revoked`` in the audit trail
    (with the reason; the holder is the subject), ``request`` supplying the address.
    """
    if not can_revoke(user=actor, certificate=certificate):
        raise PermissionDenied(
            _("Only approvers of the issuing department may revoke this certificate.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Give the reason for the revocation.")]})
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.is_revoked:
            return certificate
        certificate.status = Certificate.Status.REVOKED
        certificate.revoked_at = timezone.now()
        certificate.revoked_by = actor
        certificate.revocation_reason = reason
        certificate.save(
            update_fields=["status", "revoked_at", "revoked_by", "revocation_reason", "updated_at"]
        )
        audit_record(
            actor=actor,
            action="certificate.revoked",
            obj=certificate,
            subject=certificate_holder_account(certificate=certificate),
            fields=["status"],
            reason=reason,
            request=request,
        )
        return certificate


def certificate_verify(
    *,
    identifier: str | None = None,
    payload: str | None = None,
    data: dict[str, Any] | None = None,
    signature: str | None = None,
) -> VerificationResult:
    """Tell whether a certificate is valid, revoked, expired, forged or not found.

    See ``ecity.certificates.verification.certificate_verify`` for the inputs and rules. Public:
    no permission needed; nothing is written.
    """
    return _certificate_verify(
        identifier=identifier, payload=payload, data=data, signature=signature
    )


_TYPE_FIELDS = ("name_zh", "name_en", "department_id", "validity_years", "validity_days")


@transaction.atomic
def certificate_type_ensure(
    *,
    actor: User,
    code: str,
    name_zh: str,
    department: Department,
    name_en: str = "",
    validity_years: int | None = None,
    validity_days: int | None = None,
    data_schema: list[dict[str, str]],
    service_items: Iterable[ServiceItem] = (),
) -> tuple[CertificateType, bool]:
    """Define the certificate type ``code``, or bring it up to date; return it and created.

    Rules: idempotent by code (the national licence type code); the type is (re)activated;
    ``service_items`` are added to the services that issue it (never removed here); the model
    validates the code, the data schema and that the issuing department has a USCC.
    Permissions: platform administrators, or administrators of ``department``. Side effects: a
    ``certificate_type.defined`` audit entry when anything changed. Errors: ``PermissionDenied``,
    ``ValidationFailed`` (field messages).
    """
    if not user_has_role(user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN, department=department):
        raise PermissionDenied(_("Only administrators of this department can do this."))
    code = code.strip()
    certificate_type = CertificateType.objects.select_for_update().filter(code=code).first()
    is_new = certificate_type is None
    if certificate_type is None:
        certificate_type = CertificateType(code=code)
    before = (
        [getattr(certificate_type, name) for name in _TYPE_FIELDS],
        certificate_type.data_schema,
        certificate_type.is_active,
    )
    certificate_type.name_zh = name_zh.strip()
    certificate_type.name_en = name_en.strip()
    certificate_type.department = department
    certificate_type.validity_years = validity_years
    certificate_type.validity_days = validity_days
    certificate_type.data_schema = data_schema
    certificate_type.is_active = True
    try:
        certificate_type.full_clean(validate_unique=is_new)
    except DjangoValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict) from exc
    after = (
        [getattr(certificate_type, name) for name in _TYPE_FIELDS],
        certificate_type.data_schema,
        certificate_type.is_active,
    )
    linked = set() if is_new else set(certificate_type.service_items.values_list("pk", flat=True))
    new_items = [item for item in service_items if item.pk not in linked]
    if not (is_new or before != after or new_items):
        return certificate_type, False
    certificate_type.save()
    certificate_type.service_items.add(*new_items)
    audit_record(
        actor=actor,
        action="certificate_type.defined",
        obj=certificate_type,
        data={"code": certificate_type.code, "created": is_new},
    )
    return certificate_type, is_new


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
