"""Audit entries for reads of case files: staff opening a case, anyone else downloading a file.

Each function records one entry through ``ecity.audit.services.audit_record`` (``case.read``,
``case_file.download``) with the applicant as the subject, so the applicant sees it on "who
looked at my data". Reads by the applicant themselves are not recorded. Entries name the fields
shown, never their values.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from ecity.audit.services import audit_record
from ecity.cases.models import Attachment, Case, CaseMaterialReference, DecisionDocument
from ecity.cases.selectors.decisions import is_case_party
from ecity.cases.selectors.workbench import StaffCase, case_fields_shown
from ecity.core.masking import personal_form_fields
from ecity.identity.models import LegalEntity, User
from ecity.identity.selectors import authorisation_for


def _is_applicant(user: User | AnonymousUser, case: Case) -> bool:
    return case.applicant_id is not None and case.applicant_id == getattr(user, "pk", None)


def _acting_for(user: User | AnonymousUser, case: Case) -> LegalEntity | None:
    """The applicant enterprise, when ``user`` reads the case as one of its agents."""
    if case.legal_entity is None:
        return None
    if authorisation_for(user=user, legal_entity=case.legal_entity) is None:
        return None
    return case.legal_entity


def _personal_form_fields(case: Case) -> list[str]:
    """Names (not values) of the form fields holding ID numbers, phones, e-mails, addresses."""
    return personal_form_fields(case.form_data, case.service_version.form_schema)


def case_read_record(*, request: HttpRequest, view: StaffCase, channel: str = "web") -> None:
    """Record that a member of staff opened ``view.case`` (``case.read``).

    ``fields`` lists what was shown; ``data`` says whether personal data was masked and whether
    the page or the API (``channel``) was used. A staff member opening their own application is
    not recorded.
    """
    case = view.case
    if _is_applicant(request.user, case):
        return
    audit_record(
        actor=request.user,
        action="case.read",
        obj=case,
        subject=case.applicant,
        fields=case_fields_shown(case),
        request=request,
        data={
            "masked": not view.shows_personal_data,
            "channel": channel,
            "form_fields": _personal_form_fields(case),
        },
    )


def attachment_download_record(*, request: HttpRequest, attachment: Attachment) -> None:
    """Record that someone other than the applicant downloaded a case file (``case_file.download``).

    Staff and the agents of an applicant enterprise (recorded as acting for it) are recorded;
    the applicant's own downloads and draft files are not.
    """
    case = attachment.case
    if case is None or _is_applicant(request.user, case):
        return
    audit_record(
        actor=request.user,
        action="case_file.download",
        obj=attachment,
        subject=case.applicant,
        fields=["file"],
        request=request,
        acting_for=_acting_for(request.user, case),
        data={"case": case.number, "content_type": attachment.content_type},
    )


def material_reference_read_record(
    *, request: HttpRequest, reference: CaseMaterialReference
) -> None:
    """Record that staff opened the certificate or registry record standing for a material.

    ``case_material_reference.read``, with the applicant as the subject (on their "who looked
    at my data"), naming the certificate or record and the case; never the values shown.
    """
    case = reference.case
    if _is_applicant(request.user, case):
        return
    audit_record(
        actor=request.user,
        action="case_material_reference.read",
        obj=reference.certificate or reference.person or reference.legal_entity_record,
        subject=case.applicant,
        fields=["holder_name", "holder_identifier", "data"]
        if reference.certificate_id
        else ["record"],
        request=request,
        data={"case": case.number, "material": reference.material.name_zh},
    )


def applicant_record_read_record(*, request: HttpRequest, case: Case) -> None:
    """Record that staff opened the registry record the case's applicant snapshot references.

    ``case_applicant_record.read``, with the applicant as the subject (for a walk-in applicant
    without an account, the account linked to the person record, if any), naming the record
    and the case; never the values shown. The applicant's own reads are not recorded.
    """
    if _is_applicant(request.user, case):
        return
    record = case.applicant_person or case.applicant_legal_entity
    if record is None:
        return
    subject = case.applicant or getattr(case.applicant_person, "account", None)
    audit_record(
        actor=request.user,
        action="case_applicant_record.read",
        obj=record,
        subject=subject,
        fields=["record"],
        request=request,
        data={
            "case": case.number,
            "registry": "person" if case.applicant_person_id else "legal_entity",
        },
    )


def decision_read_record(*, request: HttpRequest, document: DecisionDocument) -> None:
    """Record that someone other than the applicant downloaded a decision document."""
    case = document.case
    if is_case_party(user=request.user, case=case):
        return
    audit_record(
        actor=request.user,
        action="case_file.download",
        obj=document,
        subject=case.applicant,
        fields=["decision"],
        request=request,
        data={"case": case.number},
    )
