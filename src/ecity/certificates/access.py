"""Audit entries for reads of certificates by anyone but their holder.

A one-line call from the download view: ``certificate_read_record`` (``certificate.read``). The
holder's own downloads are not recorded; staff downloads are, with the holder as the subject, so
they appear on "who looked at my data".
"""

from __future__ import annotations

from django.http import HttpRequest

from ecity.audit.services import audit_record
from ecity.certificates.models import Certificate
from ecity.certificates.selectors import certificate_holder_account, is_holder


def certificate_read_record(*, request: HttpRequest, certificate: Certificate) -> None:
    """Record that someone other than the holder downloaded the certificate's PDF."""
    if is_holder(user=request.user, certificate=certificate):
        return
    audit_record(
        actor=request.user,  # type: ignore[arg-type]
        action="certificate.read",
        obj=certificate,
        subject=certificate_holder_account(certificate=certificate),
        fields=["holder_name", "holder_identifier", "data"],
        request=request,
    )
