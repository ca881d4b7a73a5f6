"""Audit entries for reads of certificates and decision documents by anyone but their holder.

One-line calls from the download views: ``certificate_read_record`` (``certificate.read``) and
``decision_read_record`` (``case_file.download``). The holder's own downloads are not recorded;
staff downloads are, with the holder as the subject, so they appear on "who looked at my data".
"""

from __future__ import annotations

from django.http import HttpRequest

from ecity.audit.services import audit_record
from ecity.certificates.models import Certificate, DecisionDocument
from ecity.certificates.selectors import certificate_holder_account, is_case_party, is_holder


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


def decision_read_record(*, request: HttpRequest, document: DecisionDocument) -> None:
    """Record that someone other than the applicant downloaded a decision document."""
    case = document.case
    if is_case_party(user=request.user, case=case):
        return
    audit_record(
        actor=request.user,  # type: ignore[arg-type]
        action="case_file.download",
        obj=document,
        subject=case.applicant,
        fields=["decision"],
        request=request,
        data={"case": case.number},
    )
