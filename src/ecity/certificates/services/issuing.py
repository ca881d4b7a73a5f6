"""Issuing e-certificates: who holds them, where they come from, their data and validity.

``certificate_issue`` is the one way an ecity-issued certificate comes into the store, whatever
its source: the ``case.decided`` handler (``handlers.py``) calls it for approved cases, the demo
issues its holders' certificates with it. It is idempotent by its ``key``, renders and signs
outside any case's row locks, records ``certificate.issued`` in the audit trail and publishes
``certificate.issued`` (so that the source, e.g. the case timeline, can record it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.catalogue.form_answers import form_answer_text
from ecity.certificates import signing
from ecity.certificates.errors import CertificatesErrorCode
from ecity.certificates.identifiers import certificate_identifier
from ecity.certificates.models import Certificate, CertificateType
from ecity.certificates.pdf import certificate_pdf
from ecity.certificates.selectors import certificate_holder_account
from ecity.certificates.verification import (
    certificate_payload,
    qr_payload,
)
from ecity.core.errors import Conflict
from ecity.core.events import event_publish
from ecity.core.files import field_file_save_in_transaction
from ecity.core.sequences import sequence_next
from ecity.identity.models import LegalEntity, User


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
