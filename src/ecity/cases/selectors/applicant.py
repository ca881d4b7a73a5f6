"""Reads for applicants: their cases, a case's timeline, and who may download an attachment."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from ecity.cases.models import Attachment, Case, CaseEvent, CorrectionRequest
from ecity.catalogue.models import ServiceItemVersion
from ecity.core.errors import NotFound
from ecity.identity.models import User
from ecity.identity.selectors import (
    CASE_DATA,
    ActingIdentity,
    can_act_for,
    identity_level_check,
    identity_level_meets,
)
from ecity.org.models import Department, StaffRole
from ecity.org.selectors import is_platform_admin


def _own_cases(*, user: User | AnonymousUser, identity: ActingIdentity | None) -> QuerySet[Case]:
    """The cases of ``user`` acting as ``identity``; raises ``IdentityLevelRequired`` while
    ``user``'s real-name level is too low to see case data (a registered-only account may hold
    someone else's ID number)."""
    if isinstance(user, AnonymousUser) or identity is None:
        return Case.objects.none()
    identity_level_check(user=user, purpose=CASE_DATA)
    entity = identity.legal_entity
    if entity is not None:
        if not can_act_for(user=user, legal_entity=entity):
            return Case.objects.none()
        return Case.objects.filter(legal_entity=entity)
    return Case.objects.filter(applicant=user, legal_entity__isnull=True)


def _is_party(user: User | AnonymousUser, case: Case) -> bool:
    """The applicant (or a current agent of the applicant enterprise, which is verified), with a
    real-name level that allows seeing case data."""
    if not identity_level_meets(user=user, purpose=CASE_DATA):
        return False
    if case.legal_entity is not None:
        return can_act_for(user=user, legal_entity=case.legal_entity)
    return case.applicant_id == user.pk


def case_list_for_applicant(
    *, user: User | AnonymousUser, identity: ActingIdentity | None, status: str | None = None
) -> QuerySet[Case]:
    """List the cases of ``user`` acting as ``identity``, newest first.

    As a citizen: the cases they applied for themselves. As an enterprise agent: every case of
    that enterprise (whoever of its agents submitted it). Nothing for anonymous users; raises
    ``IdentityLevelRequired`` while ``user``'s real-name level is too low to see case data.
    """
    cases = _own_cases(user=user, identity=identity)
    if status:
        cases = cases.filter(status=status)
    return cases.select_related("service_version", "service_version__item", "department").order_by(
        "-submitted_at", "-pk"
    )


def service_version_for_submission(*, code: str) -> ServiceItemVersion:
    """The current published version of the active service item ``code``, to apply for.

    One query (item and lead department joined). Unlike the catalogue's ``item_get_published``
    it does not load the service guide (locations, FAQs, themes, life events), which a
    submission does not use. Raises ``NotFound`` like it when there is no such service.
    """
    version = (
        ServiceItemVersion.objects.select_related("item", "item__department")
        .filter(
            item__code=code,
            item__is_active=True,
            item__current_version=F("pk"),
            status=ServiceItemVersion.Status.PUBLISHED,
        )
        .first()
    )
    if version is None:
        raise NotFound(_("No published service has this code."))
    return version


def case_get_for_applicant(
    *, user: User | AnonymousUser, identity: ActingIdentity | None, number: str
) -> Case:
    """Return the case ``number`` if it belongs to ``user`` acting as ``identity``.

    Raises NotFound otherwise (also for other people's cases, so numbers cannot be probed), and
    ``IdentityLevelRequired`` while ``user``'s real-name level is too low to see case data.
    """
    case = (
        _own_cases(user=user, identity=identity)
        .select_related("service_version", "service_version__item", "department", "legal_entity")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise NotFound(_("No such case among yours."))
    return case


def case_timeline(*, case: Case, audience: str = "applicant") -> QuerySet[CaseEvent]:
    """The case's events in order. Applicants see public events only; staff see all."""
    events = case.events.select_related("department", "actor", "task").order_by("created_at", "pk")
    if audience != "staff":
        events = events.filter(is_public=True)
    return events


def correction_open_get(*, case: Case) -> CorrectionRequest | None:
    """The correction request the applicant still has to answer, if any."""
    return case.corrections.filter(resolved_at__isnull=True).order_by("-created_at").first()


def case_attachments(*, case: Case) -> QuerySet[Attachment]:
    """The case's attachments with their materials, in material order, oldest file first."""
    return case.attachments.select_related("material").order_by(
        "material__sort_order", "material_id", "created_at", "pk"
    )


def _ancestor_ids(department_ids: set[int]) -> set[int]:
    """The departments and all their parents (a role in a parent covers its sub-units)."""
    seen: set[int] = set()
    frontier = set(department_ids)
    while frontier:
        seen |= frontier
        frontier = {
            p
            for p in Department.objects.filter(pk__in=frontier).values_list("parent_id", flat=True)
            if p is not None
        } - seen
    return seen


def can_staff_see_case(*, user: User | AnonymousUser, case: Case) -> bool:
    """Whether staff ``user`` may read the case: any active role in the lead department, in a
    department with a task on the case, or in a copied department (or their parents); platform
    administrators may read every case."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_platform_admin(user=user):
        return True
    held = set(
        StaffRole.objects.filter(user=user, is_active=True, department__isnull=False).values_list(
            "department_id", flat=True
        )
    )
    if not held:
        return False
    involved = {case.department_id}
    involved |= set(case.tasks.values_list("department_id", flat=True))
    involved |= set(case.copies.values_list("department_id", flat=True))
    return bool(held & _ancestor_ids(involved))


def attachment_get_for_download(
    *, user: User | AnonymousUser, attachment_public_id: uuid.UUID | str, number: str | None = None
) -> Attachment:
    """Return an attachment of a case that ``user`` may read, for download.

    Allowed: the applicant (the citizen, or a current agent of the enterprise) at a real-name
    level that allows seeing case data, and staff as in ``can_staff_see_case``. Draft
    attachments only to their owner. Everyone else, and a wrong case ``number``, get NotFound.
    """
    not_found = NotFound(_("No such file."))
    if not getattr(user, "is_authenticated", False):
        raise not_found
    try:
        attachment = Attachment.objects.select_related(
            "case", "case__legal_entity", "draft", "material"
        ).get(public_id=attachment_public_id)
    except (Attachment.DoesNotExist, ValueError, TypeError) as exc:
        raise not_found from exc
    case = attachment.case
    if case is None:
        if attachment.draft is not None and attachment.draft.owner_id == user.pk:
            return attachment
        raise not_found
    if number is not None and case.number != number:
        raise not_found
    if _is_party(user, case):
        return attachment
    if can_staff_see_case(user=user, case=case):
        return attachment
    raise not_found


def is_applicant(*, user: User | AnonymousUser, case: Case) -> bool:
    """Whether ``user`` is the case's applicant: the citizen, or a current agent of the (verified)
    enterprise; either with a real-name level that allows seeing case data."""
    if not getattr(user, "is_authenticated", False):
        return False
    return _is_party(user, case)
