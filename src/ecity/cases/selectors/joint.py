"""Reads of joint applications (一件事一次办) for their applicants: list, progress, results.

Names: the combined form's fields are ``shared.<key>`` (asked once) and
``services.<item code>.<field>`` (a member's own field), its files ``material:<id>`` (the shared
material's or the member material's public id); the submission service, the HTML form and the
API use the same names, so errors land beside the right field.

Progress is what an applicant may read of each member case: the service, the department, the
status, the deadline and each involved department's step as the single case's progress shows it
(``ecity.cases.selectors.progress.case_progress``); never internal opinions or the names of
staff.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from ecity.cases.decision_pdf import decision_pdf
from ecity.cases.errors import CasesErrorCode
from ecity.cases.models import (
    Case,
    DecisionDocument,
    JointApplication,
    JointApplicationCase,
)
from ecity.cases.numbers import query_code_matches
from ecity.cases.selectors.decisions import certificate_for_case
from ecity.cases.selectors.materials import MATERIAL_PREFIX
from ecity.cases.selectors.progress import DepartmentStep, case_progress
from ecity.catalogue.joint.layout import MaterialSlot
from ecity.catalogue.models import JointServiceVersion
from ecity.certificates.models import Certificate
from ecity.certificates.pdf import certificate_pdf
from ecity.certificates.verification import qr_payload
from ecity.core.errors import NotFound
from ecity.core.uploads import accepted_types_of
from ecity.identity.models import User
from ecity.identity.selectors import ActingIdentity, authorisation_for
from ecity.org.models import StaffRole
from ecity.org.selectors import user_has_role

SHARED = "shared"
SERVICES = "services"


def shared_field_name(key: str) -> str:
    """The combined form's name of the shared field ``key``."""
    return f"{SHARED}.{key}"


def member_field_name(item_code: str, name: str) -> str:
    """The combined form's name of a member service's own field."""
    return f"{SERVICES}.{item_code}.{name}"


def slot_key(slot: MaterialSlot) -> str:
    """The combined form's name of a material slot: ``material:<public id>``."""
    return f"{MATERIAL_PREFIX}{slot.public_id}"


@dataclass(frozen=True)
class SlotLimits:
    """What a file for a material slot may be: the types every target accepts, the smallest
    size limit (the shape ``uploads.accepted_types_of`` and the form hints read)."""

    accepted_types: list[str]
    max_size_mb: int


def slot_limits(slot: MaterialSlot) -> SlotLimits:
    """The limits a file of ``slot`` must meet to be filed with every one of its targets."""
    accepted = [accepted_types_of(m) for _code, m in slot.targets]
    common = [t for t in accepted[0] if all(t in other for other in accepted[1:])]
    return SlotLimits(
        accepted_types=common,
        max_size_mb=min(int(m.max_size_mb) for _code, m in slot.targets),
    )


# --- whose joint applications ------------------------------------------------------------------


def _own(
    *, user: User | AnonymousUser, identity: ActingIdentity | None
) -> QuerySet[JointApplication]:
    if isinstance(user, AnonymousUser) or identity is None:
        return JointApplication.objects.none()
    entity = identity.legal_entity
    if entity is not None:
        if authorisation_for(user=user, legal_entity=entity) is None:
            return JointApplication.objects.none()
        return JointApplication.objects.filter(legal_entity=entity)
    return JointApplication.objects.filter(applicant=user, legal_entity__isnull=True)


def _with_cases(applications: QuerySet[JointApplication]) -> QuerySet[JointApplication]:
    links = JointApplicationCase.objects.select_related(
        "case", "case__service_version", "case__service_version__item", "case__department"
    ).defer("case__workflow_state", "case__form_data")
    return applications.select_related("joint_version", "joint_version__service").prefetch_related(
        Prefetch("links", queryset=links)
    )


def joint_application_list_for_applicant(
    *, user: User | AnonymousUser, identity: ActingIdentity | None
) -> QuerySet[JointApplication]:
    """List the joint applications of ``user`` acting as ``identity``, newest first.

    As a citizen: their own; as an enterprise agent: every one of that enterprise. Member cases
    are prefetched (a constant number of queries per page).
    """
    return _with_cases(_own(user=user, identity=identity)).order_by("-submitted_at", "-pk")


def joint_application_get_for_applicant(
    *, user: User | AnonymousUser, identity: ActingIdentity | None, number: str
) -> JointApplication:
    """Return the joint application ``number`` of ``user`` acting as ``identity``.

    Raises ``NotFound`` otherwise (also for someone else's, so numbers cannot be probed).
    """
    found = _with_cases(_own(user=user, identity=identity)).filter(number=number).first()
    if found is None:
        raise NotFound(_("No such joint application among yours."))
    return found


def joint_counter_allowed(
    *, user: User | AnonymousUser, joint_version: JointServiceVersion
) -> bool:
    """Whether ``user`` may submit ``joint_version`` at a counter for a walk-in applicant.

    The single counter submission's rule for every member case: the counter clerk role in each
    member service's department (a role in a parent department counts for its sub-units;
    platform administrators hold every role). A service hall clerk who accepts for several
    departments holds the role in each of them.
    """
    members = joint_version.members.select_related("service_version__item__department")
    departments = {member.service_version.item.department for member in members}
    return bool(departments) and all(
        user_has_role(user=user, role=StaffRole.Role.COUNTER_CLERK, department=department)
        for department in departments
    )


def joint_application_get_for_receipt(
    *, user: User | AnonymousUser, number: str
) -> JointApplication:
    """Return the joint application ``number`` for its confirmation or printable receipt.

    Its applicant (an account holder, also acting for the enterprise) or the counter clerk who
    submitted it for a walk-in applicant; anyone else gets ``NotFound``.
    """
    found = _with_cases(JointApplication.objects.filter(number=number)).first()
    if (
        found is None
        or isinstance(user, AnonymousUser)
        or user.pk
        not in (
            found.applicant_id,
            found.submitted_by_id,
        )
    ):
        raise NotFound(_("No such joint application among yours."))
    return found


def joint_application_of_case(*, case: Case) -> JointApplication | None:
    """The joint application ``case`` was submitted with, if any."""
    link = JointApplicationCase.objects.select_related("joint_application").filter(case=case)
    found = link.first()
    return found.joint_application if found is not None else None


# --- progress and results ----------------------------------------------------------------------


@dataclass
class MemberProgress:
    """One member case as its applicant may see it, with its results once decided."""

    case: Case
    steps: list[DepartmentStep]
    decision_document: DecisionDocument | None = None
    certificate: Certificate | None = None

    @property
    def due_on(self) -> dt.date | None:
        if self.case.is_closed:
            return None
        return self.case.committed_due_on or self.case.acceptance_due_on


@dataclass
class JointProgress:
    """A joint application's member cases and how many of them are closed."""

    application: JointApplication
    members: list[MemberProgress] = field(default_factory=list)

    @property
    def closed_count(self) -> int:
        return sum(1 for m in self.members if m.case.is_closed)

    @property
    def is_closed(self) -> bool:
        return self.closed_count == len(self.members)

    @property
    def has_results(self) -> bool:
        return any(m.decision_document or m.certificate for m in self.members)


def joint_progress(*, application: JointApplication) -> JointProgress:
    """The progress of each member case of ``application`` (see the module docstring).

    Each member's steps are exactly the single case's (``progress.case_progress``), so the
    joint page and the case's own page never disagree. Queries: ``case_progress``'s constant
    number per member case, the decision documents in one query, and one per certificate of a
    decided case.
    """
    cases = [link.case for link in application.links.all()]
    documents = {d.case_id: d for d in DecisionDocument.objects.filter(case__in=cases)}
    progress = JointProgress(application=application)
    for case in cases:
        decided = case.decided_at is not None
        progress.members.append(
            MemberProgress(
                case=case,
                steps=case_progress(case=case),
                decision_document=documents.get(case.pk),
                certificate=certificate_for_case(case=case) if decided else None,
            )
        )
    return progress


def joint_lookup(*, number: str, query_code: str) -> JointProgress:
    """The progress of joint application ``number`` if ``query_code`` is its query code.

    For anyone holding the confirmation, without logging in: callers show only the public part
    (services, departments, case numbers, statuses, steps, deadlines; never the applicant, the
    answers or the files). Any mismatch raises the same ``NotFound``, so the answer does not tell
    whether a number exists. Rate limiting is the caller's job (as for the case lookup).
    """
    not_found = NotFound(
        _("No joint application matches this number and query code."),
        code=CasesErrorCode.NO_MATCH,
    )
    number = (number or "").strip()
    application = (
        _with_cases(JointApplication.objects.filter(number__iexact=number)).first()
        if number
        else None
    )
    if application is None:
        query_code_matches("XXXXXXXX", query_code)  # same work as a real comparison
        raise not_found
    if not query_code_matches(application.query_code, query_code):
        raise not_found
    return joint_progress(application=application)


def _stored_or(content_file: Any, render: Any) -> bytes:
    if content_file:
        try:
            with content_file.open("rb") as handle:
                return bytes(handle.read())
        except (FileNotFoundError, OSError):
            pass
    return bytes(render())


def results_archive(*, progress: JointProgress) -> bytes:
    """A ZIP of every decision document and e-certificate of the member cases (PDFs).

    A stored PDF is used when there is one, else it is rendered again (as the single downloads
    do). File names: ``<case number>-decision.pdf`` and ``<case number>-certificate.pdf``.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member in progress.members:
            document, certificate = member.decision_document, member.certificate
            if document is not None:
                archive.writestr(
                    f"{member.case.number}-decision.pdf",
                    _stored_or(document.pdf, lambda d=document, c=member.case: decision_pdf(d, c)),
                )
            if certificate is not None:
                archive.writestr(
                    f"{member.case.number}-certificate.pdf",
                    _stored_or(
                        certificate.pdf,
                        lambda c=certificate: certificate_pdf(c, qr_payload(c)),
                    ),
                )
    return buffer.getvalue()
