"""Reads of the certificates app, with permission checks built in."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from ecity.cases.models import Case
from ecity.certificates.identifiers import IdentifierError, identifier_parse
from ecity.certificates.models import Certificate, DecisionDocument
from ecity.core.errors import NotFound, PermissionDenied
from ecity.identity.models import Department, StaffRole, User
from ecity.identity.selectors import (
    authorisation_for,
    is_platform_admin,
    legal_entities_for,
    user_find_by_id_number,
    user_has_role,
)

_DEPARTMENT_ROLES = tuple(r for r in StaffRole.Role.values if r != StaffRole.Role.PLATFORM_ADMIN)


def certificate_get(*, identifier: str) -> Certificate:
    """Return the certificate with ``identifier`` (letters in any case); ``NotFound`` if none."""
    try:
        canonical = identifier_parse(identifier).identifier
    except IdentifierError as exc:
        raise NotFound() from exc
    certificate = (
        Certificate.objects.select_related("type", "key", "issuer", "case", "case__legal_entity")
        .filter(identifier=canonical)
        .first()
    )
    if certificate is None:
        raise NotFound()
    return certificate


def is_department_staff(*, user: User | Any, department: Department) -> bool:
    """Whether ``user`` holds any role in ``department`` (or a parent), or is a platform admin."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_platform_admin(user=user):
        return True
    return any(
        user_has_role(user=user, role=role, department=department) for role in _DEPARTMENT_ROLES
    )


def _is_case_party(user: User | Any, case: Case | None) -> bool:
    """The applicant's account, or a current agent of the applicant enterprise."""
    if case is None or not getattr(user, "is_authenticated", False):
        return False
    if case.applicant_id == user.pk:
        return True
    return (
        case.legal_entity is not None
        and authorisation_for(user=user, legal_entity=case.legal_entity) is not None
    )


def can_download_certificate(*, user: User | Any, certificate: Certificate) -> bool:
    """The holder (applicant or the enterprise's agents) or staff of the issuing department."""
    if not getattr(user, "is_authenticated", False):
        return False
    if _is_case_party(user, certificate.case):
        return True
    if (
        certificate.holder_kind == Certificate.HolderKind.CITIZEN
        and user.id_number
        and user.id_number == certificate.holder_identifier
    ):
        return True
    return is_department_staff(user=user, department=certificate.issuer)


def is_case_party(*, user: User | Any, case: Case | None) -> bool:
    """Whether ``user`` applied for ``case``, or is a current agent of the applicant enterprise."""
    return _is_case_party(user, case)


def is_holder(*, user: User | Any, certificate: Certificate) -> bool:
    """The holder themselves: the applicant, an agent of the applicant enterprise, or the citizen
    whose ID number the certificate names."""
    if _is_case_party(user, certificate.case):
        return True
    return (
        getattr(user, "is_authenticated", False)
        and certificate.holder_kind == Certificate.HolderKind.CITIZEN
        and bool(user.id_number_index)
        and user.id_number_index == certificate.holder_identifier_index
    )


def certificate_holder_account(*, certificate: Certificate) -> User | None:
    """The citizen account a certificate is about (the subject of audit entries), if any.

    The applicant of its case, else the account with the holder's ID number; None for
    enterprise certificates.
    """
    if certificate.holder_kind != Certificate.HolderKind.CITIZEN:
        return None
    if certificate.case is not None and certificate.case.applicant is not None:
        return certificate.case.applicant
    if not certificate.holder_identifier:
        return None
    return user_find_by_id_number(id_number=certificate.holder_identifier)


def certificate_for_download(*, user: User | Any, identifier: str) -> Certificate:
    """Return the certificate if ``user`` may download it (``NotFound``/``PermissionDenied``)."""
    certificate = certificate_get(identifier=identifier)
    if not can_download_certificate(user=user, certificate=certificate):
        raise PermissionDenied()
    return certificate


def certificate_for_case(*, case: Case) -> Certificate | None:
    """The latest certificate issued for ``case``, if any."""
    return Certificate.objects.filter(case=case).select_related("key").order_by("-version").first()


def certificate_list_for_holder(*, user: User | Any) -> QuerySet[Certificate]:
    """Certificates ``user`` holds: own applications and those of enterprises they act for."""
    if not getattr(user, "is_authenticated", False):
        return Certificate.objects.none()
    entity_ids = legal_entities_for(user=user).values_list("legal_entity_id", flat=True)
    condition = Q(case__applicant=user) | Q(case__legal_entity_id__in=entity_ids)
    if user.id_number_index:
        # Both columns are encrypted; their blind indexes share a purpose, so they compare equal.
        condition |= Q(
            holder_kind=Certificate.HolderKind.CITIZEN,
            holder_identifier_index=user.id_number_index,
        )
    return Certificate.objects.filter(condition).select_related("type").distinct()


def decision_document_for_case(*, case: Case) -> DecisionDocument | None:
    """The decision document of ``case``, if it was issued."""
    return DecisionDocument.objects.filter(case=case).first()


def can_download_decision(*, user: User | Any, document: DecisionDocument) -> bool:
    """The applicant (or the enterprise's agents) or staff of the case's department."""
    case = document.case
    return _is_case_party(user, case) or is_department_staff(user=user, department=case.department)


def decision_document_for_download(*, user: User | Any, public_id: Any) -> DecisionDocument:
    """Return a decision document ``user`` may download (``NotFound``/``PermissionDenied``)."""
    document = (
        DecisionDocument.objects.select_related("case", "case__department", "case__legal_entity")
        .filter(public_id=public_id)
        .first()
    )
    if document is None:
        raise NotFound()
    if not can_download_decision(user=user, document=document):
        raise PermissionDenied()
    return document
