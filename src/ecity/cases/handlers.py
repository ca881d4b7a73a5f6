"""Events the cases app handles: its own ``case.decided`` (the decision document, the invitation
to rate) and ``certificate.issued`` for certificates issued from a case (the timeline entry)."""

from __future__ import annotations

from ecity.cases.models import Case
from ecity.cases.services.decisions import (
    CASE_DECIDED,
    certificate_issued_record,
    decision_document_issue,
)
from ecity.cases.services.ratings import rating_invite
from ecity.core.events import PublishedEvent, register_handler
from ecity.identity.models import User

_CASE_REF = "cases.case:"


def _case_of(reference: str) -> Case | None:
    if not reference.startswith(_CASE_REF):
        return None
    return (
        Case.objects.select_related("department", "service_version")
        .filter(public_id=reference.removeprefix(_CASE_REF))
        .first()
    )


def _user(public_id: str | None) -> User | None:
    return User.objects.filter(public_id=public_id).first() if public_id else None


def decision_document_for_decided_case(event: PublishedEvent) -> None:
    """Issue the decision document of the decided case."""
    case = _case_of(event.subject)
    if case is None:
        raise LookupError(f"no case for {event.subject}")
    decision_document_issue(case=case, actor=_user(event.data.get("decided_by")))


def rating_invitation_for_decided_case(event: PublishedEvent) -> None:
    """Invite the applicant of the decided case to rate it (好差评)."""
    case = _case_of(event.subject)
    if case is None:
        raise LookupError(f"no case for {event.subject}")
    rating_invite(case=case)


def timeline_entry_for_issued_certificate(event: PublishedEvent) -> None:
    """Record "certificate issued" on the timeline of the case the certificate came from."""
    case = _case_of(str(event.data.get("source_ref") or ""))
    if case is None:
        return  # a certificate from another source
    certificate_issued_record(case=case, actor=_user(event.data.get("issued_by")))


register_handler(
    CASE_DECIDED, decision_document_for_decided_case, name="cases.issue_decision_document"
)
register_handler(CASE_DECIDED, rating_invitation_for_decided_case, name="cases.invite_rating")
register_handler(
    "certificate.issued",
    timeline_entry_for_issued_certificate,
    name="cases.record_certificate_issued",
)
