"""After the decision (办结): the ``case.decided`` event, the decision document, the timeline.

Closing a case (``closing.py``; a refusal in ``handling.py``) publishes ``case.decided`` in its
transaction, with the case as plain data, so that other apps act on it without reading the case
(the e-licence store issues the certificate, see ``ecity.certificates.handlers``). The decision
document is issued by this app's own handler of that event (``ecity.cases.handlers``): outside
the case's row locks, so a department's decisions do not queue behind each other's PDF
rendering.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ecity.cases.decision_pdf import decision_pdf
from ecity.cases.models import Case, CaseEvent, DecisionDocument
from ecity.cases.services.timeline import event_record
from ecity.catalogue.form_answers import form_enterprise
from ecity.catalogue.models import ServiceItemVersion
from ecity.certificates.services import serial_allocate
from ecity.core.errors import Conflict
from ecity.core.events import event_publish
from ecity.core.files import field_file_save_in_transaction
from ecity.identity.models import LegalEntity, User

CASE_DECIDED = "case.decided"
_OUTCOMES = {
    Case.Status.APPROVED: "approved",
    Case.Status.REJECTED: "rejected",
    Case.Status.REFUSED: "refused",
}
_DECISION_KINDS = {
    Case.Status.APPROVED: DecisionDocument.Kind.APPROVED,
    Case.Status.REJECTED: DecisionDocument.Kind.REJECTED,
    Case.Status.REFUSED: DecisionDocument.Kind.REFUSED,
}


def case_source_ref(case: Case) -> str:
    """How other apps refer to a case (the subject of its events, a certificate's source)."""
    return f"cases.case:{case.public_id}"


def case_enterprise(case: Case) -> dict[str, Any] | None:
    """The enterprise an application is for, or None for a citizen's own application.

    It is the enterprise the applicant acted for; else, for a service only enterprises apply
    for, the business its form names (an individual business's owner applies as himself and
    names the business: the business, not the owner, is the licence holder). ``legal_entity``
    is the platform's verified record of that enterprise, when there is one.
    """
    entity = case.legal_entity
    if entity is not None:
        return {"name": entity.name, "uscc": entity.uscc, "legal_entity": str(entity.public_id)}
    version = case.service_version
    if not version.for_g2b or version.for_g2c:
        return None
    named = form_enterprise(version.form_schema, case.form_data)
    if named is None:
        return None
    name, uscc = named
    registered = LegalEntity.objects.filter(uscc=uscc, is_verified=True).first()
    return {
        "name": registered.name if registered else name,
        "uscc": uscc,
        "legal_entity": str(registered.public_id) if registered else None,
    }


def case_decided_data(*, case: Case, actor: User | None) -> dict[str, Any]:
    """The plain data of ``case.decided``: what a handler needs without reading the case."""
    decided_at = case.decided_at or timezone.now()
    entity = case.legal_entity
    version = case.service_version
    return {
        "case": {
            "public_id": str(case.public_id),
            "number": case.number,
            "outcome": _OUTCOMES[case.status],  # type: ignore[index]
            "decided_at": decided_at.isoformat(),
            "decided_on": timezone.localtime(decided_at).date().isoformat(),
        },
        "applicant": {
            "kind": case.applicant_kind,
            "name": case.applicant_name,
            "identifier": case.applicant_identifier,
            "account": str(case.applicant.public_id) if case.applicant else None,
            "legal_entity": str(entity.public_id) if entity else None,
            "legal_entity_name": entity.name if entity else "",
            "legal_entity_uscc": entity.uscc if entity else "",
        },
        "service": {
            "item_code": version.item.code,
            "version": str(version.public_id),
            "version_number": version.number,
            "name_zh": version.name_zh,
        },
        "enterprise": case_enterprise(case),
        "department": {"code": case.department.code, "name_zh": case.department.name_zh},
        "form_data": case.form_data or {},
        "decided_by": str(actor.public_id) if actor is not None and actor.pk else None,
    }


def case_decided_publish(*, case: Case, actor: User | None) -> None:
    """Publish ``case.decided`` for a case just closed (in the closing transaction).

    Rules: the case is approved, rejected or refused (else ``Conflict``). The event key is the
    case's public ID: a case is decided once. Side effects (by handlers, after commit): the
    decision document, the e-certificate of an approved case, the timeline entry.
    """
    if case.status not in _OUTCOMES:
        raise Conflict(_("This case has no decision yet."), code="case_not_decided")
    event_publish(
        name=CASE_DECIDED,
        subject=case_source_ref(case),
        data=case_decided_data(case=case, actor=actor),
        key=str(case.public_id),
    )


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
    year. The PDF is rendered in Chinese and stored under a random (public ID) name; it is
    removed again if the transaction rolls back. Takes no lock on the case: a closed case does
    not change, and the one-to-one row keeps a second document out.
    """
    with transaction.atomic():
        case = Case.objects.select_related("department", "service_version").get(pk=case.pk)
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
        # A concurrent issue for the same case fails on the one-to-one row and rolls back whole
        # (its decision number too, so numbers stay gap-free); its retry finds this document.
        document = DecisionDocument.objects.create(
            case=case,
            number=f"{department.code}〔{year}〕{number}号",
            kind=kind,
            title=title,
            text=text,
            issued_at=issued_at,
            issued_by=actor if getattr(actor, "pk", None) else None,
        )
        field_file_save_in_transaction(
            document.pdf, f"{document.public_id}.pdf", ContentFile(decision_pdf(document, case))
        )
        return document


def certificate_issued_record(*, case: Case, actor: User | None) -> CaseEvent:
    """Put "certificate issued" on the case timeline, once per case.

    Called by the handler of ``certificate.issued`` for certificates whose source is a case.
    """
    with transaction.atomic():
        existing = CaseEvent.objects.filter(
            case=case, action=CaseEvent.Action.CERTIFICATE_ISSUED
        ).first()
        if existing is not None:
            return existing
        return event_record(
            case=case,
            action=CaseEvent.Action.CERTIFICATE_ISSUED,
            actor=actor,
            department=case.department,
        )
