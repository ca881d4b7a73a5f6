"""Verifying a certificate: by identifier, by the QR payload, or by presented data + signature.

QR payload: the verification URL

    {ECITY_SITE_URL}/certificates/verify/?id={identifier}&sig={signature prefix}

where the signature prefix is the first 16 characters of the base64url form (no padding) of the
certificate's Ed25519 signature (96 bits). Any phone camera opens the URL and lands on the
result; the prefix ties the printed QR to one issuance, so a QR code pointing a fake paper at a
real identifier, or an old version's QR code, is reported as forged. The verification form and
the API also accept a pasted identifier alone.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.certificates import signing
from ecity.certificates.identifiers import ROOT, IdentifierError, identifier_parse
from ecity.certificates.models import Certificate
from ecity.core.masking import mask_id_number

SIGNATURE_PREFIX_LENGTH = 16


class VerificationStatus:
    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"
    FORGED = "forged"
    NOT_FOUND = "not_found"

    ALL = (VALID, REVOKED, EXPIRED, FORGED, NOT_FOUND)


def mask_name(name: str) -> str:
    """Keep the first and last character of a person's name: 王*明, 欧**丽, 李*."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


@dataclass
class VerificationResult:
    """What a verification found. ``certificate`` is set whenever the certificate exists."""

    status: str
    message: str
    certificate: Certificate | None = None
    public: dict[str, Any] | None = field(default=None)

    @property
    def is_valid(self) -> bool:
        return self.status == VerificationStatus.VALID


def certificate_payload(certificate: Certificate) -> dict[str, Any]:
    """The signed content of a certificate (``key_id`` is added by ``signing``)."""
    return {
        "identifier": certificate.identifier,
        "type_code": certificate.type_code,
        "type_name": certificate.type_name,
        "issuer": {"name": certificate.issuer_name, "uscc": certificate.issuer_uscc},
        "holder": {
            "kind": certificate.holder_kind,
            "name": certificate.holder_name,
            "identifier": certificate.holder_identifier,
        },
        "data": certificate.data,
        "issued_on": certificate.issued_on.isoformat(),
        "valid_until": certificate.valid_until.isoformat() if certificate.valid_until else None,
        "version": certificate.version,
    }


def signature_prefix(signature: str) -> str:
    """The first characters of the signature in base64url, as printed in the QR code."""
    raw = base64.b64decode(signature)
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")[:SIGNATURE_PREFIX_LENGTH]


def qr_payload(certificate: Certificate) -> str:
    """The text encoded in the certificate's QR code: its verification URL."""
    query = urlencode(
        {"id": certificate.identifier, "sig": signature_prefix(certificate.signature)}
    )
    return f"{settings.ECITY_SITE_URL.rstrip('/')}/certificates/verify/?{query}"


def public_info(certificate: Certificate) -> dict[str, Any]:
    """What anyone may see about a certificate: holder masked, no signature or raw data."""
    holder_name = certificate.holder_name
    if certificate.holder_kind == Certificate.HolderKind.CITIZEN:
        holder_name = mask_name(holder_name)
    return {
        "identifier": certificate.identifier,
        "type_code": certificate.type_code,
        "type_name": certificate.type_name,
        "holder_name": holder_name,
        "holder_identifier": mask_id_number(certificate.holder_identifier),
        "issuer_name": certificate.issuer_name,
        "issued_on": certificate.issued_on,
        "valid_until": certificate.valid_until,
        "version": certificate.version,
        "status": certificate.status,
        "revoked_at": certificate.revoked_at,
        "revocation_reason": certificate.revocation_reason if certificate.is_revoked else "",
    }


def _result(
    status: str, message: str, certificate: Certificate | None = None
) -> VerificationResult:
    return VerificationResult(
        status=status,
        message=message,
        certificate=certificate,
        public=public_info(certificate) if certificate is not None else None,
    )


def _not_a_number() -> VerificationResult:
    return _result(
        VerificationStatus.NOT_FOUND,
        _("This is not a certificate number or a certificate QR code."),
    )


def _forged(certificate: Certificate | None = None) -> VerificationResult:
    return _result(
        VerificationStatus.FORGED,
        _(
            "Verification failed: the certificate or its QR code does not match what was issued. "
            "It may have been altered."
        ),
        certificate,
    )


def _split_payload(payload: str) -> tuple[str, str | None] | None:
    """``(identifier, signature prefix or None)`` from a QR payload or a bare identifier."""
    text = payload.strip()
    if text.upper().startswith(ROOT + "."):
        return text, None
    query = parse_qs(urlsplit(text).query)
    identifier = (query.get("id") or [""])[0]
    if not identifier:
        return None
    signatures = query.get("sig") or []
    return identifier, signatures[0] if signatures else None


def _check(certificate: Certificate, presented_signature: str | None) -> VerificationResult:
    if certificate.is_imported:
        # No ecity signature to check: the record says how it was verified when imported, and
        # any signature presented for it cannot be ecity's.
        if presented_signature is not None:
            return _forged(certificate)
    elif not signing.verify(
        certificate_payload(certificate),
        certificate.signature,
        certificate.key.kid if certificate.key else "",
    ) or (
        presented_signature is not None
        and not (
            presented_signature == certificate.signature
            or (
                len(presented_signature) >= SIGNATURE_PREFIX_LENGTH
                and signature_prefix(certificate.signature).startswith(presented_signature)
            )
        )
    ):
        return _forged(certificate)
    if certificate.is_revoked:
        return _result(
            VerificationStatus.REVOKED,
            _("This certificate was revoked on %(date)s. Reason: %(reason)s")
            % {
                "date": timezone.localtime(certificate.revoked_at).date().isoformat()
                if certificate.revoked_at
                else "",
                "reason": certificate.revocation_reason,
            },
            certificate,
        )
    if certificate.valid_until is not None and certificate.valid_until < timezone.localdate():
        return _result(
            VerificationStatus.EXPIRED,
            _("This certificate expired on %(date)s.")
            % {"date": certificate.valid_until.isoformat()},
            certificate,
        )
    if certificate.is_imported:
        return _result(
            VerificationStatus.VALID,
            _(
                "This certificate was issued by %(issuer)s and recorded in the e-licence store; "
                "verification: %(verification)s."
            )
            % {
                "issuer": certificate.issuer_name,
                "verification": certificate.get_verification_display(),
            },
            certificate,
        )
    return _result(
        VerificationStatus.VALID,
        _("This certificate is valid: it was issued by %(issuer)s and has not been altered.")
        % {"issuer": certificate.issuer_name},
        certificate,
    )


def _by_identifier(identifier: str, presented_signature: str | None) -> VerificationResult:
    try:
        parts = identifier_parse(identifier)
    except IdentifierError as error:
        if error.code == "wrong_check_character":
            return _result(
                VerificationStatus.FORGED,
                _(
                    "Verification failed: the check character of this certificate number does "
                    "not match. The number was mistyped or altered."
                ),
            )
        return _not_a_number()
    certificate = (
        Certificate.objects.select_related("key", "type")
        .filter(identifier=parts.identifier)
        .first()
    )
    if certificate is None:
        return _result(
            VerificationStatus.NOT_FOUND, _("No certificate with this number has been issued.")
        )
    return _check(certificate, presented_signature)


def certificate_verify(
    *,
    identifier: str | None = None,
    payload: str | None = None,
    data: dict[str, Any] | None = None,
    signature: str | None = None,
) -> VerificationResult:
    """Tell whether a certificate is valid, revoked, expired, forged or unknown.

    Give one of: ``identifier`` (optionally with ``signature``: the full signature or the QR
    prefix), ``payload`` (the scanned QR text or a pasted identifier), or ``data`` + ``signature``
    (a certificate's signed content, with its ``key_id``, as presented by a third party).
    Forged means: the stored data no longer matches its signature, the presented signature or
    QR prefix is not the certificate's, the presented data does not verify, or the check
    character is wrong. Anyone may verify; nothing is written.
    """
    if data is not None:
        if not isinstance(data, dict) or not signature or not data.get("key_id"):
            return _forged()
        content = {k: v for k, v in data.items() if k != "key_id"}
        if not signing.verify(content, signature, str(data["key_id"])):
            return _forged()
        return _by_identifier(str(data.get("identifier", "")), signature)
    if payload is not None:
        split = _split_payload(payload)
        if split is None:
            return _not_a_number()
        return _by_identifier(*split)
    return _by_identifier(identifier or "", signature or None)
