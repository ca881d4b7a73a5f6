"""Reads of a decided case's results: its decision document and its e-certificate."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AnonymousUser

from ecity.cases.models import Case, DecisionDocument
from ecity.certificates.models import Certificate
from ecity.certificates.selectors import certificate_for_source, is_department_staff
from ecity.core.errors import NotFound, PermissionDenied
from ecity.identity.models import User
from ecity.identity.selectors import CASE_DATA, can_act_for, identity_level_meets


def is_case_party(*, user: User | AnonymousUser, case: Case | None) -> bool:
    """Whether ``user`` applied for ``case``, or is a current agent of the applicant enterprise
    (verified); either with a real-name level that allows seeing case data."""
    if case is None or not identity_level_meets(user=user, purpose=CASE_DATA):
        return False
    if case.legal_entity is not None:
        return can_act_for(user=user, legal_entity=case.legal_entity)
    return case.applicant_id == user.pk


def decision_document_for_case(*, case: Case) -> DecisionDocument | None:
    """The decision document of ``case``, if it was issued."""
    return DecisionDocument.objects.filter(case=case).first()


def certificate_for_case(*, case: Case) -> Certificate | None:
    """The latest e-certificate issued from ``case``, if any."""
    return certificate_for_source(source_ref=f"cases.case:{case.public_id}")


def can_download_decision(*, user: User | AnonymousUser, document: DecisionDocument) -> bool:
    """The applicant (or the enterprise's agents) or staff of the case's department."""
    case = document.case
    return is_case_party(user=user, case=case) or is_department_staff(
        user=user, department=case.department
    )


def decision_document_for_download(
    *, user: User | AnonymousUser, public_id: uuid.UUID | str
) -> DecisionDocument:
    """Return a decision document ``user`` may download (``NotFound``/``PermissionDenied``)."""
    document = (
        DecisionDocument.objects.select_related(
            "case",
            "case__department",
            "case__legal_entity",
            "case__service_version",
        )
        .filter(public_id=public_id)
        .first()
    )
    if document is None:
        raise NotFound()
    if not can_download_decision(user=user, document=document):
        raise PermissionDenied()
    return document
