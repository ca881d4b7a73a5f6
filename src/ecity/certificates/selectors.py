"""Reads of the certificates app, with permission checks built in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from ecity.certificates.identifiers import IdentifierError, identifier_parse
from ecity.certificates.models import Certificate, CertificateType
from ecity.core.errors import NotFound, PermissionDenied
from ecity.identity.models import AgentAuthorisation, User
from ecity.identity.selectors import (
    ACT_FOR_ENTERPRISE,
    CASE_DATA,
    ActingIdentity,
    can_act_for,
    identity_level_meets,
    legal_entities_for,
    user_find_by_id_number,
)
from ecity.org.models import Department, StaffRole
from ecity.org.selectors import is_platform_admin, user_has_role

_DEPARTMENT_ROLES = tuple(r for r in StaffRole.Role.values if r != StaffRole.Role.PLATFORM_ADMIN)


def certificate_get(*, identifier: str) -> Certificate:
    """Return the certificate with ``identifier`` (letters in any case); ``NotFound`` if none."""
    try:
        canonical = identifier_parse(identifier).identifier
    except IdentifierError as exc:
        raise NotFound() from exc
    certificate = (
        Certificate.objects.select_related(
            "type", "key", "issuer", "holder_account", "holder_legal_entity"
        )
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


def _acts_as_holder_by_account(user: User | Any, certificate: Certificate) -> bool:
    """The holder's own account, or a current agent of the holder enterprise."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not identity_level_meets(user=user, purpose=CASE_DATA):
        return False
    if certificate.holder_account_id is not None and certificate.holder_account_id == user.pk:
        return True
    return certificate.holder_legal_entity is not None and can_act_for(
        user=user, legal_entity=certificate.holder_legal_entity
    )


def _holds_by_id_number(user: User | Any, certificate: Certificate) -> bool:
    """The citizen the certificate names, by ID number: only once real-name verified (anyone
    can register with someone else's ID number)."""
    return (
        certificate.holder_kind == Certificate.HolderKind.CITIZEN
        and identity_level_meets(user=user, purpose=CASE_DATA)
        and bool(user.id_number_index)
        and user.id_number_index == certificate.holder_identifier_index
    )


def can_download_certificate(*, user: User | Any, certificate: Certificate) -> bool:
    """The holder (applicant or the enterprise's agents) or staff of the issuing department."""
    if not getattr(user, "is_authenticated", False):
        return False
    if _acts_as_holder_by_account(user, certificate) or _holds_by_id_number(user, certificate):
        return True
    return is_department_staff(user=user, department=certificate.issuer)


def is_holder(*, user: User | Any, certificate: Certificate) -> bool:
    """The holder themselves: the holder's account (the applicant), an agent of the holder
    enterprise, or the citizen whose ID number the certificate names."""
    return _acts_as_holder_by_account(user, certificate) or _holds_by_id_number(user, certificate)


def certificate_holder_account(*, certificate: Certificate) -> User | None:
    """The citizen account a certificate is about (the subject of audit entries), if any.

    The holder's account (the applicant of its case), else the account with the holder's ID
    number; None for enterprise certificates.
    """
    if certificate.holder_kind != Certificate.HolderKind.CITIZEN:
        return None
    if certificate.holder_account is not None:
        return certificate.holder_account
    if not certificate.holder_identifier:
        return None
    return user_find_by_id_number(id_number=certificate.holder_identifier)


def certificate_for_download(*, user: User | Any, identifier: str) -> Certificate:
    """Return the certificate if ``user`` may download it (``NotFound``/``PermissionDenied``)."""
    certificate = certificate_get(identifier=identifier)
    if not can_download_certificate(user=user, certificate=certificate):
        raise PermissionDenied()
    return certificate


def certificate_for_source(*, source_ref: str) -> Certificate | None:
    """The latest certificate issued from ``source_ref`` (e.g. ``cases.case:<public id>``)."""
    if not source_ref:
        return None
    return (
        Certificate.objects.filter(source_ref=source_ref)
        .select_related("key")
        .order_by("-version")
        .first()
    )


def certificate_type_for_service(*, item_code: str) -> CertificateType | None:
    """The active certificate type issued by the service item ``item_code``, if any."""
    return (
        CertificateType.objects.filter(is_active=True, service_items__code=item_code)
        .select_related("department")
        .order_by("code")
        .first()
    )


def certificate_list_for_holder(*, user: User | Any) -> QuerySet[Certificate]:
    """Certificates ``user`` holds: own applications and those of enterprises they act for."""
    if not identity_level_meets(user=user, purpose=CASE_DATA):
        # A registered-only account may hold someone else's ID number.
        return Certificate.objects.none()
    entity_ids = (
        legal_entities_for(user=user).filter(legal_entity__is_verified=True)
        if identity_level_meets(user=user, purpose=ACT_FOR_ENTERPRISE)
        else AgentAuthorisation.objects.none()
    ).values_list("legal_entity_id", flat=True)
    condition = Q(holder_account=user) | Q(holder_legal_entity_id__in=entity_ids)
    if user.id_number_index:
        # Both columns are encrypted; their blind indexes share a purpose, so they compare equal.
        condition |= Q(
            holder_kind=Certificate.HolderKind.CITIZEN,
            holder_identifier_index=user.id_number_index,
        )
    return Certificate.objects.filter(condition).select_related("type").distinct()


REVOKING_ROLES = (StaffRole.Role.APPROVER, StaffRole.Role.DEPARTMENT_ADMIN)


def can_revoke(*, user: User | AnonymousUser, certificate: Certificate) -> bool:
    """Approvers and department administrators of the issuing department, platform admins."""
    return any(
        user_has_role(user=user, role=role, department=certificate.issuer)
        for role in REVOKING_ROLES
    )


def _holder_index(identifier: str) -> str:
    """The blind index a certificate naming ``identifier`` (ID number or USCC) has."""
    field = Certificate._meta.get_field("holder_identifier_index")
    return str(field.index_for(identifier))


def certificate_wallet(
    *, user: User | Any, identity: ActingIdentity | None
) -> QuerySet[Certificate]:
    """My e-licences (我的证照): the certificates whose holder is the identity ``user`` acts as.

    Acting as themselves, a real-name verified citizen holds the citizen certificates issued to
    their account or naming their ID number; acting for an enterprise (verified, and ``user``
    still its agent), the enterprise certificates linked to it or naming its USCC. Issued by
    ecity and imported alike, revoked and expired ones included (the page says so); newest
    first. Anyone else, a registered-only account included, gets none.
    """
    if identity is None or not identity_level_meets(user=user, purpose=CASE_DATA):
        return Certificate.objects.none()
    entity = identity.legal_entity
    if entity is not None:
        if not (
            entity.is_verified
            and identity_level_meets(user=user, purpose=ACT_FOR_ENTERPRISE)
            and can_act_for(user=user, legal_entity=entity)
        ):
            return Certificate.objects.none()
        condition = Q(holder_legal_entity=entity) | Q(
            holder_identifier_index=_holder_index(entity.uscc)
        )
        kind = Certificate.HolderKind.ENTERPRISE
    else:
        condition = Q(holder_account=user)
        if user.id_number_index:
            condition |= Q(holder_identifier_index=user.id_number_index)
        kind = Certificate.HolderKind.CITIZEN
    return (
        Certificate.objects.filter(condition, holder_kind=kind)
        .select_related("type")
        .order_by("-issued_on", "-created_at", "-pk")
        .distinct()
    )


def certificate_valid_held(
    *,
    user: User | Any,
    identity: ActingIdentity | None,
    certificate_type_id: int,
    on: dt.date,
) -> Certificate | None:
    """The certificate of the type that the identity holds and that is valid ``on`` that day.

    From ``certificate_wallet`` (so only the identity's own), not revoked, not expired (the
    last day of validity counts); the most recently issued when several are. None otherwise.
    """
    return (
        certificate_wallet(user=user, identity=identity)
        .filter(type_id=certificate_type_id, status=Certificate.Status.ACTIVE)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .first()
    )
