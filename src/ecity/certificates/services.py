"""Writes of the certificates app: decision documents, certificate issuance and revocation.

The workbench calls ``decision_document_issue`` and ``certificate_issue`` inside the
transaction that closes a case; both are idempotent per case. They write no case event and
queue no notification: the caller records ``certificate_issued`` on the case timeline and
notifies the applicant when ``certificate_issue`` returns a certificate.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.cases.models import Case
from ecity.catalogue.models import ServiceItemVersion
from ecity.certificates import signing
from ecity.certificates.identifiers import certificate_identifier
from ecity.certificates.models import (
    Certificate,
    CertificateType,
    DecisionDocument,
)
from ecity.certificates.pdf import certificate_pdf, decision_pdf
from ecity.certificates.selectors import certificate_holder_account
from ecity.certificates.verification import (
    VerificationResult,
    certificate_payload,
    qr_payload,
)
from ecity.certificates.verification import certificate_verify as _certificate_verify
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.core.sequences import sequence_next
from ecity.identity.models import StaffRole, User
from ecity.identity.selectors import user_has_role

REVOKING_ROLES = (StaffRole.Role.APPROVER, StaffRole.Role.DEPARTMENT_ADMIN)
_DECISION_KINDS = {
    Case.Status.APPROVED: DecisionDocument.Kind.APPROVED,
    Case.Status.REJECTED: DecisionDocument.Kind.REJECTED,
    Case.Status.REFUSED: DecisionDocument.Kind.REFUSED,
}


def serial_allocate(*, scope: str) -> int:
    """Hand out the next number (1, 2, …) of ``scope``; never the same number twice.

    The platform's gap-free sequence (``ecity.core.sequences``): concurrent issuances get
    distinct numbers, and a rolled-back issuance gives its number back.
    """
    with transaction.atomic():
        return sequence_next(scope=scope)


def _lock_case(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("department").get(pk=case.pk)


def _decision_title(kind: str, version: ServiceItemVersion) -> str:
    is_licensing = version.kind == ServiceItemVersion.Kind.LICENSING
    if kind == DecisionDocument.Kind.REFUSED:
        return _("Decision not to accept the application")  # 不予受理决定书
    if kind == DecisionDocument.Kind.APPROVED:
        return _("Administrative licensing decision") if is_licensing else _("Decision to grant")
    return _("Decision not to grant the licence") if is_licensing else _("Decision not to grant")


def _decision_text(kind: str, case: Case) -> str:
    if case.decision_text.strip():
        return case.decision_text.strip()
    name = case.service_version.name_zh
    if kind == DecisionDocument.Kind.APPROVED:
        return _(
            "Your application for %(service)s (case %(number)s) meets the statutory conditions "
            "and standards. It is granted."
        ) % {"service": name, "number": case.number}
    if kind == DecisionDocument.Kind.REJECTED:
        return _(
            "Your application for %(service)s (case %(number)s) does not meet the statutory "
            "conditions and standards. It is not granted."
        ) % {"service": name, "number": case.number}
    return _(
        "Your application for %(service)s (case %(number)s) is not accepted because it does not "
        "fall within the competence of this department or does not meet the requirements."
    ) % {"service": name, "number": case.number}


def decision_document_issue(*, case: Case, actor: User | None) -> DecisionDocument:
    """Write the decision document of a closed case and its PDF; return the existing one if any.

    Rules: the case must be approved, rejected or refused (else ``Conflict``). The title depends
    on the outcome and on whether the service is an administrative licence (行政许可决定书,
    不予许可决定书, 不予受理决定书). The text is the case's decision text, or a standard
    sentence. Numbering: ``{department code}〔{year}〕{n}号``, one sequence per department and
    year. The PDF is rendered in Chinese and stored under a random (public ID) name.
    """
    with transaction.atomic():
        case = _lock_case(case)
        existing = DecisionDocument.objects.filter(case=case).first()
        if existing is not None:
            return existing
        kind = _DECISION_KINDS.get(case.status)  # type: ignore[call-overload]
        if kind is None:
            raise Conflict(_("This case has no decision yet."), code="case_not_decided")
        issued_at = case.decided_at or timezone.now()
        year = timezone.localtime(issued_at).year
        department = case.department
        number = serial_allocate(scope=f"decision:{department.code}:{year}")
        with translation.override("zh-hans"):
            title = _decision_title(kind, case.service_version)
            text = _decision_text(kind, case)
        document = DecisionDocument.objects.create(
            case=case,
            number=f"{department.code}〔{year}〕{number}号",
            kind=kind,
            title=title,
            text=text,
            issued_at=issued_at,
            issued_by=actor if getattr(actor, "pk", None) else None,
        )
        document.pdf.save(f"{document.public_id}.pdf", ContentFile(decision_pdf(document, case)))
        return document


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


def _enum_label(schema: dict[str, Any], key: str, value: Any) -> Any:
    """The Chinese label of a choice field's value, when the form schema has one."""
    prop = (schema.get("properties") or {}).get(key) or {}
    values, names = prop.get("enum"), prop.get("enumNames")
    if isinstance(values, list) and isinstance(names, list) and value in values:
        return names[values.index(value)]
    return value


def _case_value(case: Case, attribute: str) -> Any:
    entity = case.legal_entity
    return {
        "number": lambda: case.number,
        "applicant_name": lambda: case.applicant_name,
        "applicant_identifier": lambda: case.applicant_identifier,
        "decided_on": lambda: timezone.localtime(case.decided_at).date().isoformat()
        if case.decided_at
        else "",
        "service_name": lambda: case.service_version.name_zh,
        "department_name": lambda: case.department.name_zh,
        "legal_entity_name": lambda: entity.name if entity else "",
        "legal_entity_uscc": lambda: entity.uscc if entity else "",
    }[attribute]()


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "、".join(_as_text(v) for v in value)
    return str(value)


def certificate_data(*, certificate_type: CertificateType, case: Case) -> dict[str, str]:
    """Build a certificate's data from the case, following the type's field mapping.

    Every value becomes text (choice values become their Chinese labels), so the signed form
    is the same on every database.
    """
    schema = case.service_version.form_schema or {}
    data: dict[str, str] = {}
    with translation.override("zh-hans"):
        for entry in certificate_type.data_schema:
            kind, _dot, key = str(entry["source"]).partition(".")
            if kind == "form":
                value = _enum_label(schema, key, (case.form_data or {}).get(key))
            else:
                value = _case_value(case, key)
            data[str(entry["name"])] = _as_text(value)
    return data


def certificate_type_for(*, case: Case) -> CertificateType | None:
    """The active certificate type issued by the case's service item, if any."""
    return (
        CertificateType.objects.filter(is_active=True, service_items=case.service_version.item_id)
        .select_related("department")
        .order_by("code")
        .first()
    )


def certificate_issue(*, case: Case, actor: User | None) -> Certificate | None:
    """Issue the e-certificate of an approved case; None when its service issues none.

    Rules: only for approved cases (else ``Conflict``); idempotent (a second call returns the
    certificate already issued for the case). The issuing department must have a USCC (else
    ``Conflict``). Allocates the serial of (type, issuer), builds the identifier, signs the
    canonical data with the active Ed25519 key (generating the first key if none exists) and
    stores a PDF with a QR code holding the verification URL.
    """
    certificate_type = certificate_type_for(case=case)
    if certificate_type is None:
        return None
    with transaction.atomic():
        case = _lock_case(case)
        existing = Certificate.objects.filter(case=case).order_by("-version").first()
        if existing is not None:
            return existing
        if case.status != Case.Status.APPROVED:
            raise Conflict(
                _("A certificate is issued only for an approved case."), code="case_not_approved"
            )
        issuer = certificate_type.department
        if not issuer.uscc:
            raise Conflict(
                _(
                    "The issuing department %(department)s has no unified social credit code; "
                    "an administrator must enter it before certificates can be issued."
                )
                % {"department": issuer.name_zh},
                code="issuer_without_uscc",
            )
        issued_on = (
            timezone.localtime(case.decided_at).date() if case.decided_at else timezone.localdate()
        )
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
            case=case,
            type_code=certificate_type.code,
            type_name=certificate_type.name_zh,
            issuer=issuer,
            issuer_name=issuer.name_zh,
            issuer_uscc=issuer.uscc,
            holder_kind=case.applicant_kind,
            holder_name=case.applicant_name,
            holder_identifier=case.applicant_identifier,
            data=certificate_data(certificate_type=certificate_type, case=case),
            data_labels=[
                [str(e["name"]), str(e.get("label_zh", e["name"])), str(e.get("label_en", ""))]
                for e in certificate_type.data_schema
            ],
            serial=serial,
            version=version,
            issued_on=issued_on,
            valid_until=_valid_until(certificate_type, issued_on),
            issued_by=actor if getattr(actor, "pk", None) else None,
        )
        certificate.signature, certificate.key = signing.sign(certificate_payload(certificate))
        certificate.save()
        certificate.pdf.save(
            f"{certificate.public_id}.pdf",
            ContentFile(certificate_pdf(certificate, qr_payload(certificate))),
        )
        return certificate


def can_revoke(*, user: User | Any, certificate: Certificate) -> bool:
    """Approvers and department administrators of the issuing department, platform admins."""
    return any(
        user_has_role(user=user, role=role, department=certificate.issuer)
        for role in REVOKING_ROLES
    )


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
