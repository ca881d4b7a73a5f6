"""A certificate's validity: revoking it (with a reason everyone who verifies it sees) and
verifying it (valid, revoked, expired, forged or not found)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.certificates.models import Certificate
from ecity.certificates.selectors import can_revoke, certificate_holder_account
from ecity.certificates.verification import (
    VerificationResult,
)
from ecity.certificates.verification import certificate_verify as _certificate_verify
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.identity.models import User


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
