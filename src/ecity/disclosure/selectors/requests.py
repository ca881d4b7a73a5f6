"""Reads of disclosure requests: department worklists, the applicant's own, by query code."""

from __future__ import annotations

from django.db.models import QuerySet

from ecity.cases.numbers import query_code_matches, query_code_normalise
from ecity.core.errors import NotFound
from ecity.disclosure.models import DisclosureReply, DisclosureRequest
from ecity.identity.models import User
from ecity.org.models import Department, StaffRole
from ecity.org.selectors import departments_where, user_has_role
from ecity.workflow.clocks import DeadlineState

#: The roles that handle a department's disclosure requests (the disclosure office).
HANDLER_ROLES = (
    StaffRole.Role.REVIEWER,
    StaffRole.Role.APPROVER,
    StaffRole.Role.DEPARTMENT_ADMIN,
)
#: The role of the department's head, who approves an extension (条例 art. 33).
HEAD_ROLE = StaffRole.Role.APPROVER


def can_handle_requests(*, actor: User | object, department: Department) -> bool:
    """Whether ``actor`` reads and answers the disclosure requests of ``department``."""
    return any(
        user_has_role(user=actor, role=role, department=department) for role in HANDLER_ROLES
    )


def can_handle_any_requests(*, actor: User | object) -> bool:
    """Whether ``actor`` handles the disclosure requests of some department (the worklist)."""
    return any(user_has_role(user=actor, role=role) for role in HANDLER_ROLES)


def can_approve_extension(*, actor: User | object, department: Department) -> bool:
    """Whether ``actor`` is the head of ``department`` (approves an extension)."""
    return user_has_role(user=actor, role=HEAD_ROLE, department=department)


def handled_departments(*, actor: User | object) -> QuerySet[Department]:
    """The departments whose requests ``actor`` handles (sub-units included)."""
    result = Department.objects.none()
    for role in HANDLER_ROLES:
        result = result | departments_where(user=actor, role=role)
    return result.distinct()


def request_list(
    *, actor: User | object, department: Department | None = None, state: str = ""
) -> QuerySet[DisclosureRequest]:
    """List the requests ``actor`` may handle, newest first; filter by department and state.

    ``state`` is a ``DeadlineState`` value (open requests only) or empty for every request.
    Staff of one department never see another's requests.
    """
    requests = DisclosureRequest.objects.filter(
        department__in=handled_departments(actor=actor)
    ).select_related("department")
    if department is not None:
        requests = requests.filter(department=department)
    if state in DeadlineState.values:
        requests = requests.filter(status__in=DisclosureRequest.OPEN_STATUSES, deadline_state=state)
    return requests.order_by("-received_on", "-id")


def request_get_for_staff(*, actor: User | object, number: str) -> DisclosureRequest:
    """Return request ``number`` if ``actor`` handles it; ``NotFound`` otherwise (no leak)."""
    try:
        return (
            request_list(actor=actor)
            .select_related("extended_by")
            .prefetch_related("corrections")
            .get(number=number)
        )
    except DisclosureRequest.DoesNotExist:
        raise NotFound() from None


def requests_of_applicant(*, applicant: User) -> QuerySet[DisclosureRequest]:
    """List the requests filed from ``applicant``'s account, newest first."""
    if not getattr(applicant, "is_authenticated", False):
        return DisclosureRequest.objects.none()
    return (
        DisclosureRequest.objects.filter(applicant=applicant)
        .select_related("department")
        .order_by("-id")
    )


def request_by_query_code(*, number: str, query_code: str) -> DisclosureRequest:
    """Return request ``number`` when ``query_code`` matches; ``NotFound`` otherwise."""
    found = (
        DisclosureRequest.objects.select_related("department")
        .filter(number=(number or "").strip().upper())
        .first()
    )
    if found is None or not query_code_matches(found.query_code, query_code_normalise(query_code)):
        raise NotFound()
    return found


def reply_by_pdf_hash(*, sha256: str) -> DisclosureReply | None:
    """The reply whose issued PDF has the SHA-256 ``sha256``, if any."""
    return (
        DisclosureReply.objects.select_related("request__department").filter(sha256=sha256).first()
    )
